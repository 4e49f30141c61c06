"""Issue 9 store promises, on SQLite and PostgreSQL: webhook keys live as long as their
incident (kind 12); co-reporters; one sender's reports take turns (kind 7)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alertbot.clock import FakeClock
from alertbot.config.loader import load_or_raise
from alertbot.core import commands as cmd
from alertbot.core.actors import Actor, Outcome
from alertbot.metrics import Metrics
from alertbot.service.receiver import Receiver
from alertbot.store.sql import Store
from alertbot.text.reply import Reply, ReplyKey
from tests.store.test_store_contract import T0, incident
from tests.unitofwork import transaction

DISTRICT = Path(__file__).parent.parent / "scenario" / "district"
WEEK = 7 * 86400


async def test_keys_that_touched_an_incident_are_kept_as_long_as_it(store: Store) -> None:
    async with transaction(store) as tx:
        number = await tx.insert_incident(incident())
        await tx.record_inbound("sms:opened", T0 - 30 * 86400, "{}", number)
        await tx.record_inbound("sms:status", T0 - 8 * 86400, "{}")
        await tx.record_inbound("sms:gone", T0 - 8 * 86400, "{}", number + 100)
        await tx.record_inbound("sms:new", T0, "{}")
    async with transaction(store) as tx:
        assert await tx.forget_inbound_before(T0 - WEEK) == 2
        assert await tx.seen_inbound("sms:opened") == "{}"
        assert await tx.seen_inbound("sms:status") is None
        assert await tx.seen_inbound("sms:gone") is None
        assert await tx.seen_inbound("sms:new") == "{}"


async def test_co_reporters_are_recorded_once_and_find_their_incidents(store: Store) -> None:
    async with transaction(store) as tx:
        number = await tx.insert_incident(incident())
        assert await tx.add_reporter(number, "contact:p", "es", T0, opener=True)
        assert await tx.add_reporter(number, "phone:+18605550198", "en", T0 + 5)
        assert not await tx.add_reporter(number, "phone:+18605550198", "en", T0 + 9)
    async with transaction(store) as tx:
        assert await tx.reporters_of(number) == [("contact:p", "es"),
                                                ("phone:+18605550198", "en")]
        assert await tx.is_reporter(number, "phone:+18605550198")
        assert not await tx.is_reporter(number, "slack:U0X")
        [mine] = await tx.open_incidents_reported_by_key("phone:+18605550198")
        assert mine.id == number
        assert (await tx.sender_facts("contact:p", "ice", None, T0)).opened == 1
        assert (await tx.sender_facts("phone:+18605550198", "ice", None, T0)).opened == 0
        assert (await tx.sender_facts("contact:p", "ice", None, T0 + 1)).opened == 0


async def test_admins_hear_about_a_limited_sender_once_per_window(store: Store) -> None:
    async with transaction(store) as tx:
        assert await tx.claim_sender_notice("contact:t", T0, 900)
        assert not await tx.claim_sender_notice("contact:t", T0 + 899, 900)
        assert await tx.claim_sender_notice("contact:t", T0 + 900, 900)
        assert await tx.claim_sender_notice("phone:+18605550198", T0, 900)


def test_a_reply_round_trips_through_json_with_its_outcome() -> None:
    reply = Reply(ReplyKey.UPDATE_ADDED, {"n": 3}, "es", 3, Outcome.ADDED)
    assert Reply.from_json(reply.to_json(), "en") == reply
    legacy = Reply.from_json("You are not on the response team for #1.", "en")
    assert legacy.outcome is Outcome.INFO and legacy.incident_id is None


async def test_one_senders_concurrent_reports_open_one_incident(store: Store) -> None:
    config = load_or_raise(DISTRICT / "escalation.yaml", DISTRICT / "contacts")
    teacher = config.contacts["teacher"]  # no school: nothing else joins the reports
    trigger = config.trigger_for_keyword("ICE")
    assert trigger is not None
    receiver = Receiver(config, store, FakeClock(T0), Metrics(), lambda: None)
    actor = Actor(teacher, phone=teacher.phone)
    replies = await asyncio.gather(*[
        receiver.handle(actor, cmd.Open(trigger, None, f"report {i}"), "sms")
        for i in range(8)])
    outcomes = sorted(r.outcome for r in replies)
    assert outcomes.count(Outcome.OPENED) == 1, outcomes
    async with transaction(store, write=False) as tx:
        assert len(await tx.list_incidents()) == 1


async def test_the_migration_backfills_reporters_and_adds_the_key_incident(
        store: Store) -> None:
    import sqlalchemy as sa

    from alertbot.store.schema import (
        MIGRATIONS,
        _v_reporters_and_inbound_incident,
        schema_version,
    )

    async with transaction(store) as tx:
        number = await tx.insert_incident(incident())
        # (another school: one incident of a type is open per school, issue 9 kind 2)
        stranger = await tx.insert_incident(incident(reporter_id=None, school_id="oak"))
        await tx.conn.execute(sa.text("DROP TABLE incident_reporters"))
        await tx.conn.execute(sa.text("DROP TABLE sender_limits"))
        await tx.conn.execute(sa.text("ALTER TABLE inbound DROP COLUMN incident_id"))
        await tx.conn.execute(sa.update(schema_version).values(
            version=MIGRATIONS.index(_v_reporters_and_inbound_incident)))
    assert await store.migrate() == len(MIGRATIONS)
    assert await store.migrate() == len(MIGRATIONS)  # idempotent
    async with transaction(store) as tx:
        assert await tx.reporters_of(number) == [("contact:p", "es")]
        assert await tx.reporters_of(stranger) == [("phone:+18605550142", "es")]
        await tx.record_inbound("sms:x", T0, "{}", number)
        assert await tx.claim_sender_notice("contact:p", T0, 900)
