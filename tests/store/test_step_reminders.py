"""Overdue checklist steps on the store, on SQLite and PostgreSQL (issue 12, decision 0045).

Two engines' step-reminder modules (``StepReminders``), each with its own ``Store`` as two
instances have, look at the same instant, several times: exactly one reminder per step
(its key in ``procedure_reminders``), one text per person, one timeline entry. A step done
in time, a resolved incident: never."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

from alertbot.clock import FakeClock
from alertbot.config.loader import load_or_raise
from alertbot.core import commands as cmd
from alertbot.core.model import Config
from alertbot.engine.procedure_jobs import StepReminders
from alertbot.metrics import Metrics
from alertbot.service import procedure
from alertbot.service.events import IncidentEvents
from alertbot.service.receiver import Receiver
from alertbot.store.sql import Store
from tests.store.district import actor
from tests.store.test_drill_runs import second_store
from tests.store.test_procedure_store import DISTRICT, PUBLIC, opened, timeline


def with_due(config: Config, **due: float) -> Config:
    """The procedure district with ``due`` seconds on the steps named."""
    ice = config.incidents["ice"]
    steps = tuple(replace(s, due=due.get(s.id, s.due)) for s in ice.procedure)
    return replace(config, incidents={**config.incidents, "ice": replace(ice, procedure=steps)})


def module(store: Store, config: Config, clock: FakeClock) -> StepReminders:
    return StepReminders(store, clock, lambda: config, IncidentEvents(), lambda: None, PUBLIC)


async def reminders(store: Store, number: int) -> list[tuple[str, str]]:
    return await store.read(lambda tx: sorted(
        (m.address, m.body) for m in tx.messages_for(number)
        if m.reason.startswith("checklist step")))


async def test_two_engines_send_one_reminder_per_overdue_step(store: Store,
                                                              tmp_path: Path) -> None:
    config = with_due(load_or_raise(DISTRICT / "escalation.yaml", DISTRICT / "contacts"),
                      refer=600.0, designees=2700.0)
    clock = FakeClock(1_800_000_000.0)
    receiver = Receiver(config, store, clock, Metrics(), nudge=lambda: None)
    number = await opened(receiver, config)
    await receiver.handle(actor(config, "attorney"), cmd.Ack(number), "sms")
    other = await second_store(store, tmp_path)
    try:
        engines = [module(store, config, clock), module(other, config, clock)]
        # step A, ticked off in time by the principal: never reminded
        done = await store.write(lambda tx: procedure.complete_step(
            tx, config, config.contacts["principal-burns"], number, "refer", "", {},
            clock.now() + 60))
        assert done.status is procedure.Status.DONE
        clock.advance(2700 - 1)
        assert await asyncio.gather(*(e() for e in engines)) == [0, 0]
        clock.advance(1)  # step B is due: both look at once, several times
        for _ in range(3):
            await asyncio.gather(*(e() for e in engines), *(e() for e in engines))
        # B's roles: staff_attorney (who acknowledged), superintendent (on the plan),
        # deputy_superintendent (on the plan's second step): each texted once
        url = f"{PUBLIC}/incidents/{number}"
        body = (f"alertbot: #{number} step B was due 45 min after the report (3:45 AM) "
                f"and is not done. Console: {url}")
        assert await reminders(store, number) == [
            ("+18605550100", body), ("+18605550101", body), ("+18605550102", body)]
        assert await store.read(lambda tx: timeline(tx, number, "reminder")) == [
            "Reminder: checklist step B was due at 3:45 AM (45 min after the report) and is "
            "not done; told Sam Okafor (sms), Dr. Jordan Rivera (sms), Morgan Lee (sms)"]
        assert await store.read(lambda tx: dict(tx.reminders_sent(number))) == {
            f"step:{number}:designees": clock.now()}
        clock.advance(3600)  # later looks: nothing more
        assert await asyncio.gather(*(e() for e in engines)) == [0, 0]
        assert len(await reminders(store, number)) == 3
    finally:
        await other.close()


async def test_a_resolved_incident_is_never_reminded(store: Store) -> None:
    config = with_due(load_or_raise(DISTRICT / "escalation.yaml", DISTRICT / "contacts"),
                      designees=600.0)
    clock = FakeClock(1_800_000_000.0)
    receiver = Receiver(config, store, clock, Metrics(), nudge=lambda: None)
    number = await opened(receiver, config)
    await receiver.handle(actor(config, "attorney"), cmd.Resolve(number), "sms")
    clock.advance(601)
    assert await module(store, config, clock)() == 0
    assert await reminders(store, number) == []
    assert await store.read(lambda tx: dict(tx.reminders_sent(number))) == {}


async def test_a_drill_is_reminded_marked_drill(store: Store) -> None:
    """Practice is the point of a drill: an overdue step is reminded, and says DRILL."""
    base = with_due(load_or_raise(DISTRICT / "escalation.yaml", DISTRICT / "contacts"),
                    designees=600.0)
    config = replace(base, incidents={"ice": replace(base.incidents["ice"], drill=True)})
    clock = FakeClock(1_800_000_000.0)
    receiver = Receiver(config, store, clock, Metrics(), nudge=lambda: None)
    number = await opened(receiver, config)
    clock.advance(600)
    assert await module(store, config, clock)() == 1
    sent = await reminders(store, number)
    assert [a for a, _ in sent] == ["+18605550100", "+18605550101", "+18605550102"]
    assert all(b.startswith(f"DRILL: alertbot: #{number} step B was due 10 min") for _, b in sent)
    [entry] = await store.read(lambda tx: timeline(tx, number, "reminder"))
    assert entry.endswith("(drill)")
