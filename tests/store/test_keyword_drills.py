"""Drills opened by their keyword end like scheduled ones (new-user trial: a DRILL texted
by a principal paged for ever and nobody got a summary), once even with two engines on
one database, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from pathlib import Path

from alertbot.clock import FakeClock
from alertbot.core.actors import Actor
from alertbot.core.drill_report import KEYWORD_DRILL_END_AFTER
from alertbot.core.incident import Incident, State
from alertbot.core.model import Config
from alertbot.engine.drills import DrillScheduler
from alertbot.metrics import Metrics
from alertbot.service.drills import KEYWORD
from alertbot.service.events import IncidentEvents
from alertbot.service.receiver import Receiver
from alertbot.store.sql import Store, Tx
from tests.store.test_drill_runs import second_store


def practice(config: Config) -> Config:
    """The district with a practice incident type (``drill: true``), as the sample's."""
    drill = replace(config.incidents["ice"], id="practice", drill=True)
    return replace(config, incidents={**config.incidents, "practice": drill})


async def open_keyword_drill(store: Store, config: Config, clock: FakeClock) -> Incident:
    receiver = Receiver(config, store, clock, Metrics(), nudge=lambda: None)
    principal = config.contacts["principal-burns"]

    def work(tx: Tx) -> Incident:
        incident, new = receiver.reporting.open_incident(tx, Actor(principal, principal.phone),
                                               "practice", config.schools["burns"], "", "sms")
        assert new
        return incident

    return await store.write(work)


def engine(store: Store, config: Config, clock: FakeClock, name: str) -> DrillScheduler:
    return DrillScheduler(store, clock, Metrics(), lambda: config, name, lambda: None,
                          IncidentEvents())


async def summaries(store: Store, incident_id: int) -> list[str]:
    messages = await store.read(lambda tx: tx.messages_for(incident_id))
    return [m.body for m in messages if m.contact_id == "admin" and " ended (" in m.body]


async def test_a_keyword_drill_ends_by_itself_once_with_two_engines(
        store: Store, config: Config, tmp_path: Path) -> None:
    config = practice(config)
    clock = FakeClock(1_800_000_000.0)
    incident = await open_keyword_drill(store, config, clock)
    run = await store.read(lambda tx: tx.drill_run_of(incident.id))
    assert run is not None and run.drill_id == KEYWORD
    assert run.end_at == incident.created_at + KEYWORD_DRILL_END_AFTER

    other = await second_store(store, tmp_path)
    try:
        engines = [engine(store, config, clock, "a"), engine(other, config, clock, "b")]
        clock.advance(KEYWORD_DRILL_END_AFTER - 1)
        await asyncio.gather(*(e() for e in engines))
        still = await store.read(lambda tx: tx.get_incident(incident.id))
        assert still is not None and still.is_open
        clock.advance(1.0)
        for _ in range(3):
            await asyncio.gather(*(e() for e in engines), *(e() for e in engines))
    finally:
        await other.close()
    ended = await store.read(lambda tx: tx.get_incident(incident.id))
    assert ended is not None and ended.state is State.RESOLVED
    assert ended.resolved_by == "alertbot"
    found = await summaries(store, incident.id)  # nothing was sent: no page times
    assert len(found) == 1, found
    assert found[0].startswith(f"DRILL #{incident.id} ended (ended by itself after 15m). ")
    report = await store.read(lambda tx: tx.drill_run_of(incident.id))
    assert report is not None and report.ended_at is not None


async def test_a_keyword_drill_resolved_by_a_person_is_summarised_once(
        store: Store, config: Config) -> None:
    config = practice(config)
    clock = FakeClock(1_800_000_000.0)
    incident = await open_keyword_drill(store, config, clock)
    clock.advance(40.0)

    def resolve(tx: Tx) -> None:
        current = tx.get_incident(incident.id, for_update=True)
        assert current is not None
        assert tx.transition(current, current.resolve("superintendent", clock.now()))

    await store.write(resolve)
    drills = engine(store, config, clock, "a")
    await drills()
    clock.advance(KEYWORD_DRILL_END_AFTER)  # its window passes: nothing more
    await drills()
    found = await summaries(store, incident.id)
    assert len(found) == 1 and "(resolved by Dr. Jordan Rivera)" in found[0]


async def test_a_real_incident_gets_no_drill_run(store: Store, config: Config) -> None:
    config = practice(config)
    receiver = Receiver(config, store, FakeClock(1_800_000_000.0), Metrics(),
                        nudge=lambda: None)
    principal = config.contacts["principal-burns"]
    incident, _ = await store.write(lambda tx: receiver.reporting.open_incident(
        tx, Actor(principal, principal.phone), "ice", config.schools["burns"], "", "sms"))
    assert await store.read(lambda tx: tx.drill_run_of(incident.id)) is None
