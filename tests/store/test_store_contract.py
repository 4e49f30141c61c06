"""The store's promises, on every backend."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from alertbot.core.incident import Incident, State
from alertbot.core.model import Channel
from alertbot.core.plan import Plan, PlanStep, Recipient
from alertbot.core.records import NewMessage, OutboxItem, OutboxKind, OutboxStatus
from alertbot.notify.claim import Lease, claim_some
from alertbot.store.sql import Store
from tests.unitofwork import AwaitedTx, transaction

T0 = 1_800_000_000.0


async def claim_due(tx: AwaitedTx, now: float, owner: str, lease: float,
                    limit: int) -> list[OutboxItem]:
    """The notify claim stage over this transaction: the store's due query, the
    skip-if-acknowledged rule, then the cancels and leases (decision 0021)."""
    items, _cancelled = await tx.run(claim_some, now, Lease(owner, lease, now), limit, None)
    return items

PLAN = Plan("p", (PlanStep((Recipient("sup", "Dr. Rivera", "en",
                                      ((Channel.SMS, "+18605550100"),)),), 180.0),), None)


def incident(**kw: object) -> Incident:
    base = Incident(id=0, type="ice", title="Visit at Burns", school_id="burns",
                    school_name="Burns", reporter_id="p", reporter_name="Ana",
                    reporter_phone="+18605550142", source="sms", details="front desk",
                    language="es", created_at=T0, plan=PLAN, due_at=T0)
    return replace(base, **kw)  # type: ignore[arg-type]


def page(incident_id: int, address: str = "+18605550100", **kw: object) -> NewMessage:
    base = NewMessage(OutboxKind.PAGE, Channel.SMS, address, "ALERT #1", "en", incident_id,
                      "sup", 0, 0, "opened", T0)
    return replace(base, **kw)  # type: ignore[arg-type]


async def test_migrations_are_idempotent(store: Store) -> None:
    assert await store.migrate() == await store.migrate()


async def test_incident_round_trip(store: Store) -> None:
    async with transaction(store) as tx:
        number = await tx.insert_incident(incident())
    async with transaction(store, write=False) as tx:
        got = await tx.get_incident(number)
    assert got == replace(incident(), id=number)
    assert got is not None and got.plan == PLAN


async def test_numbers_increase_and_list_is_newest_first(store: Store) -> None:
    async with transaction(store) as tx:
        a = await tx.insert_incident(incident())
        b = await tx.insert_incident(incident(school_id="oak"))
    assert b > a
    async with transaction(store, write=False) as tx:
        assert [i.id for i in await tx.list_incidents()] == [b, a]


async def test_a_failed_transaction_leaves_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError):
        async with transaction(store) as tx:
            await tx.insert_incident(incident())
            raise RuntimeError("boom")
    async with transaction(store, write=False) as tx:
        assert await tx.list_incidents() == []


async def test_inbound_keys_remember_the_first_reply(store: Store) -> None:
    async with transaction(store) as tx:
        assert await tx.seen_inbound("sms:SM1") is None
        await tx.record_inbound("sms:SM1", T0, "#1 opened")
    async with transaction(store) as tx:
        assert await tx.seen_inbound("sms:SM1") == "#1 opened"


async def test_due_incidents_are_the_triggered_ones_due_now(store: Store) -> None:
    async with transaction(store) as tx:
        due = await tx.insert_incident(incident(due_at=T0))
        # (other schools: one incident of a type is open per school, kind 2 of issue 9)
        await tx.insert_incident(incident(due_at=T0 + 60, school_id="oak"))
        await tx.insert_incident(incident(due_at=T0, state=State.ACKNOWLEDGED, school_id="elm"))
    async with transaction(store) as tx:
        assert [i.id for i in await tx.due_incidents(T0, 10)] == [due]


async def test_outbox_claim_lease_and_reclaim(store: Store) -> None:
    async with transaction(store) as tx:
        number = await tx.insert_incident(incident(due_at=None))
        await tx.enqueue([page(number)], T0)
    async with transaction(store) as tx:
        [item] = await claim_due(tx, T0, "a", 30, 10)
    assert item.status is OutboxStatus.PENDING  # as read, before the claim
    async with transaction(store) as tx:
        assert await claim_due(tx, T0 + 1, "b", 30, 10) == []
        assert await tx.next_due() is None  # nothing pending on the schedule
        assert await tx.next_lease_expiry() == T0 + 30  # but a lease runs out then
    async with transaction(store) as tx:  # the owner died: the lease expires, another takes it
        [again] = await claim_due(tx, T0 + 31, "b", 30, 10)
    assert again.id == item.id and again.attempts == 1
    async with transaction(store) as tx:
        await tx.mark_sent(item.id, "SM123", T0 + 32)
    async with transaction(store, write=False) as tx:
        [sent] = await tx.messages_for(number)
        assert sent.status is OutboxStatus.SENT and sent.provider_id == "SM123"
        assert sent.attempts == 2
        assert (await tx.outbox_by_provider_id("SM123")) == sent


async def test_retry_waits_for_its_due_time(store: Store) -> None:
    async with transaction(store) as tx:
        number = await tx.insert_incident(incident(due_at=None))
        await tx.enqueue([page(number)], T0)
    async with transaction(store) as tx:
        [item] = await claim_due(tx, T0, "a", 30, 10)
        await tx.mark_retry(item.id, T0 + 4, "503")
    async with transaction(store) as tx:
        assert await claim_due(tx, T0 + 3, "a", 30, 10) == []
        assert await tx.next_due() == T0 + 4
        assert len(await claim_due(tx, T0 + 4, "a", 30, 10)) == 1


async def test_pages_of_an_acknowledged_incident_are_cancelled_not_sent(store: Store) -> None:
    async with transaction(store) as tx:
        number = await tx.insert_incident(incident())
        await tx.enqueue([page(number), page(number, kind=OutboxKind.NOTICE)], T0)
        inc = await tx.get_incident(number)
        assert inc is not None
        assert await tx.transition(inc, inc.acknowledge("sup", "Dr. Rivera", T0))
    async with transaction(store) as tx:
        claimed = await claim_due(tx, T0, "a", 30, 10)
    assert [c.kind for c in claimed] == [OutboxKind.NOTICE]
    async with transaction(store, write=False) as tx:
        statuses = {m.kind: m.status for m in await tx.messages_for(number)}
    assert statuses[OutboxKind.PAGE] is OutboxStatus.CANCELLED


async def test_first_pages_go_before_repeats(store: Store) -> None:
    async with transaction(store) as tx:
        old = await tx.insert_incident(incident())
        new = await tx.insert_incident(incident(school_id="oak"))
        await tx.enqueue([page(old, round=3)], T0 - 10)
        await tx.enqueue([page(new, round=0)], T0)
    async with transaction(store) as tx:
        claimed = await claim_due(tx, T0, "a", 30, 1)
    assert [c.incident_id for c in claimed] == [new]


async def test_paged_contacts_and_timeline(store: Store) -> None:
    async with transaction(store) as tx:
        number = await tx.insert_incident(incident())
        await tx.enqueue([page(number, contact_id="b"), page(number, contact_id="a"),
                          page(number, contact_id="b", channel=Channel.VOICE)], T0)
        await tx.add_timeline(number, T0, "opened", "opened via sms", "Ana")
        await tx.add_timeline(number, T0 + 1, "paged", "step 1")
    async with transaction(store, write=False) as tx:
        assert await tx.paged_contacts(number) == ["b", "a"]
        entries = (await tx.timeline([number]))[number]
    assert [e.kind for e in entries] == ["opened", "paged"]
    assert entries[0].actor == "Ana"


async def test_concurrent_claimers_never_share_a_message(store: Store) -> None:
    async with transaction(store) as tx:
        number = await tx.insert_incident(incident())
        await tx.enqueue([page(number, address=f"+1860555{i:04d}") for i in range(60)], T0)

    async def claim(owner: str) -> list[int]:
        got: list[int] = []
        for _ in range(10):
            async with transaction(store) as tx:
                got += [m.id for m in await claim_due(tx, T0, owner, 30, 4)]
            await asyncio.sleep(0)
        return got

    results = await asyncio.gather(*(claim(f"o{i}") for i in range(4)))
    everything = [i for r in results for i in r]
    assert len(everything) == len(set(everything)) == 60


async def test_a_restarted_owner_takes_back_its_leases_at_once(store: Store) -> None:
    async with transaction(store) as tx:
        number = await tx.insert_incident(incident(due_at=None))
        await tx.enqueue([page(number), page(number, address="+18605550102")], T0)
    async with transaction(store) as tx:
        await claim_due(tx, T0, "host:8080", 30, 1)
        await claim_due(tx, T0, "other:8080", 30, 1)
    async with transaction(store) as tx:
        assert await tx.release_leases("host:8080") == 1
        [again] = await claim_due(tx, T0 + 1, "host:8080", 30, 10)
    assert again.attempts == 1


async def test_old_inbound_keys_are_forgotten_and_open_incidents_counted(store: Store) -> None:
    async with transaction(store) as tx:
        await tx.record_inbound("old", T0 - 8 * 86400, "")
        await tx.record_inbound("new", T0, "")
        await tx.insert_incident(incident())
        await tx.insert_incident(incident(state=State.RESOLVED))
    async with transaction(store) as tx:
        assert await tx.forget_inbound_before(T0 - 7 * 86400) == 1
        assert await tx.seen_inbound("old") is None
        assert await tx.seen_inbound("new") == ""
        assert await tx.count_open() == 1


async def test_targeted_lookups_for_the_receiver(store: Store) -> None:
    async with transaction(store) as tx:
        a = await tx.insert_incident(incident())
        b = await tx.insert_incident(incident(school_id="oak", reporter_id="q"))
        await tx.add_reporter(b, "contact:q", "en", 0.0, opener=True)
        await tx.insert_incident(incident(school_id="elm", state=State.RESOLVED))
    async with transaction(store, write=False) as tx:
        found = await tx.open_incident_of("ice", "burns")
        assert found is not None and found.id == a
        assert await tx.open_incident_of("ice", "elm") is None  # resolved
        assert await tx.open_incident_of("drill", "burns") is None
        assert [i.id for i in await tx.open_incidents_reported_by_key("contact:q")] == [b]
        assert [i.id for i in await tx.open_incidents_paging("sup")] == [a, b]
        assert await tx.open_incidents_paging("nobody") == []


async def test_migration_4_backfills_who_may_acknowledge(store: Store) -> None:
    import sqlalchemy as sa

    from alertbot.store.schema import incident_responders, schema_version

    async with transaction(store) as tx:
        number = await tx.insert_incident(incident())
        await tx.conn.execute(sa.delete(incident_responders))
        await tx.conn.execute(sa.update(schema_version).values(version=3))
    await store.migrate()
    async with transaction(store, write=False) as tx:
        assert [i.id for i in await tx.open_incidents_paging("sup")] == [number]


async def test_columns_added_later_are_added_to_an_old_database(store: Store) -> None:
    import sqlalchemy as sa

    from alertbot.store.schema import MIGRATIONS, schema_version

    async with transaction(store) as tx:
        await tx.insert_incident(incident())
        await tx.conn.execute(sa.text("ALTER TABLE incidents DROP COLUMN first_page_at"))
        await tx.conn.execute(sa.update(schema_version).values(version=4))
    assert await store.migrate() == len(MIGRATIONS)
    async with transaction(store) as tx:
        [only] = await tx.list_incidents()
        assert await tx.mark_first_page(only.id, T0 + 1)
        assert not await tx.mark_first_page(only.id, T0 + 2)
        again = await tx.get_incident(only.id)
    assert again is not None and again.first_page_at == T0 + 1
