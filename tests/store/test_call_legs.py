"""Call legs and ringing voice pages on every backend (issue 13, decision 0036): each
change is a conditional update, so a Twilio callback delivered twice changes a leg once
and a ringing page is claimed for cancelling by one instance, once."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

from alertbot.core.incident import State
from alertbot.core.model import Channel
from alertbot.core.records import OutboxKind
from alertbot.store.sql import Store
from tests.store.test_drill_runs import second_store
from tests.store.test_store_contract import T0, claim_due, incident, page
from tests.unitofwork import transaction


async def test_a_leg_is_recorded_once_and_moves_once(store: Store) -> None:
    async with transaction(store) as tx:
        number = await tx.insert_incident(incident())
        assert await tx.add_call_leg(number, "CA1", "caller", "Ana", "p", "waiting", T0)
        assert not await tx.add_call_leg(number, "CA1", "caller", "Ana", "p", "waiting", T0)
    async with transaction(store) as tx:
        assert await tx.set_call_leg_status("CA1", "connected", T0 + 5, ("waiting",))
        assert not await tx.set_call_leg_status("CA1", "connected", T0 + 6, ("waiting",))
        assert not await tx.set_call_leg_status("CA1", "timed_out", T0 + 7, ("waiting",))
        assert await tx.set_call_leg_status("CA1", "left", T0 + 8)
        [leg] = await tx.call_legs_of(number)
    assert (leg.role, leg.status, leg.started_at, leg.updated_at) == ("caller", "left", T0,
                                                                      T0 + 8)


async def test_ringing_pages_of_an_acknowledged_incident_are_claimed_once(
        store: Store) -> None:
    async with transaction(store) as tx:
        number = await tx.insert_incident(incident())
        voice = [page(number, address=a, channel=Channel.VOICE)
                 for a in ("+18605550100", "+18605550101", "+18605550102")]
        await tx.enqueue([*voice, page(number)], T0)
        items = await claim_due(tx, T0, "a", 30, 10)
        for item, sid in zip(items, ("CA1", "CA2", "CA3", "SM1"), strict=True):
            await tx.mark_sent(item.id, sid, T0)
        answered = await tx.outbox_by_provider_id("CA2")
        assert answered is not None
        await tx.set_provider_status(answered.id, "in-progress")
        assert await tx.claim_ringing_pages(T0 - 300) == []  # still triggered: rings on
        before = await tx.get_incident(number)
        assert before is not None
        await tx.transition(before, replace(before, state=State.ACKNOWLEDGED,
                                            acknowledged_by="sup",
                                            acknowledged_by_name="Dr. Rivera"))
    async with transaction(store) as tx:
        assert await tx.claim_ringing_pages(T0 + 1) == []  # sent too long ago to ring
        claimed = await tx.claim_ringing_pages(T0 - 300)
        assert sorted(i.provider_id or "" for i in claimed) == ["CA1", "CA3"]
        assert await tx.claim_ringing_pages(T0 - 300) == []  # once
    async with transaction(store, write=False) as tx:
        assert await tx.recent_outbox(number, OutboxKind.PAGE, T0 - 1) == 4
        assert await tx.recent_outbox(number, OutboxKind.BRIDGE, T0 - 1) == 0
        assert await tx.recent_outbox(number, OutboxKind.PAGE, T0 - 1, "nobody") == 0


async def test_two_instances_recording_one_callback_at_once_record_one_leg(
        store: Store, tmp_path: Path) -> None:
    """Twilio may deliver a callback to both instances at once: each records the leg in
    one statement (no check-then-insert), so exactly one says it was new and neither
    fails on the unique CallSid (a failure would answer Twilio 500)."""
    other = await second_store(store, tmp_path)
    try:
        async with transaction(store) as tx:
            number = await tx.insert_incident(incident())

        async def add(s: Store, sid: str) -> bool:
            return await s.write(lambda tx: tx.add_call_leg(number, sid, "caller", "Ana", "p",
                                                            "waiting", T0))

        for n in range(20):
            sid = f"CA{n}"
            results = await asyncio.gather(add(store, sid), add(other, sid))
            assert sorted(results) == [False, True], sid
        async with transaction(store, write=False) as tx:
            assert len(await tx.call_legs_of(number)) == 20
    finally:
        await other.close()
