"""Scheduled drills on the store (issue 14, decision 0041), on SQLite and PostgreSQL.

Two engines' drill modules (``DrillScheduler``) on one database, each with its own
``Store`` (its own connections and threads, as two instances have), reach the same slot
at the same instant: exactly one incident opens. A slot missed while alertbot was down
starts once late within the drill's grace, else it is recorded missed; a fall-back
night's two 01:30s are one slot."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from alertbot.clock import FakeClock
from alertbot.core.model import Config, Drill
from alertbot.engine.drills import DrillScheduler
from alertbot.metrics import Metrics
from alertbot.service.events import IncidentEvents
from alertbot.store.drills import DrillRun
from alertbot.store.sql import Store

NY = ZoneInfo("America/New_York")
MONTHLY = Drill("monthly", "0 9 * * 2#1", "ice", "burns", ("superintendent",), 900.0, 3600.0)


def local(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=NY).timestamp()


def scheduler(store: Store, config: Config, clock: FakeClock, name: str) -> DrillScheduler:
    return DrillScheduler(store, clock, Metrics(), lambda: config, name, lambda: None,
                          IncidentEvents())


async def runs(store: Store, drill_id: str = "monthly") -> list[DrillRun]:
    return await store.read(lambda tx: tx.drill_runs_of(drill_id))


async def second_store(store: Store, tmp_path: Path) -> Store:
    """Another instance's connection to the same database."""
    if store.engine is not None:
        return await Store.open(store.engine.url.render_as_string(hide_password=False))
    assert store.sync_engine is not None
    return await Store.open(str(store.sync_engine.url))


async def test_two_engines_start_a_slot_exactly_once(store: Store, config: Config,
                                                     tmp_path: Path) -> None:
    config = replace(config, drills=(MONTHLY,))
    other = await second_store(store, tmp_path)
    try:
        clock = FakeClock(local("2026-12-01T08:59:59"))
        engines = [scheduler(store, config, clock, "a"), scheduler(other, config, clock, "b")]
        await asyncio.gather(*(e() for e in engines))
        assert await runs(store) == []
        clock.advance(1.0)  # 09:00:00: both look at once, several times
        for _ in range(3):
            await asyncio.gather(*(e() for e in engines), *(e() for e in engines))
        started = await runs(store)
        assert [(r.slot, r.status) for r in started] == [("2026-12-01T09:00", "started")]
        opened = await store.read(lambda tx: tx.open_incidents())
        assert [(i.id, i.drill, i.source, i.plan.contact_ids()) for i in opened] == [
            (started[0].incident_id, True, "schedule", frozenset({"superintendent"}))]
        messages = await store.read(lambda tx: tx.messages_for(opened[0].id))
        assert [(m.contact_id, "DRILL" in m.body) for m in messages] == [
            ("superintendent", True)]
    finally:
        await other.close()


@pytest.mark.parametrize(("down_until", "expected"), [
    # Back 20 minutes late: within the hour of grace, it starts once, late.
    ("2026-12-01T09:20:00", [("2026-12-01T09:00", "started")]),
    # Back 2 hours late: recorded missed, nothing pages.
    ("2026-12-01T11:00:00", [("2026-12-01T09:00", "missed")]),
    # Back after two slots: the older is missed, the newer (in grace) starts.
    ("2027-01-05T09:30:00", [("2026-12-01T09:00", "missed"), ("2027-01-05T09:00", "started")]),
])
async def test_a_slot_missed_while_down(store: Store, config: Config, down_until: str,
                                        expected: list[tuple[str, str]]) -> None:
    config = replace(config, drills=(MONTHLY,))
    clock = FakeClock(local("2026-12-01T08:00:00"))
    await scheduler(store, config, clock, "a")()  # it ran before the outage
    clock.advance(local(down_until) - clock.now())
    restarted = scheduler(store, config, clock, "a")
    await restarted()
    await restarted()
    assert [(r.slot, r.status) for r in await runs(store)] == expected
    opened = await store.read(lambda tx: tx.open_incidents())
    assert len(opened) == sum(1 for _, status in expected if status == "started")
    missed = [r for r in await runs(store) if r.status == "missed"]
    assert all(r.reason.startswith("missed: due ") for r in missed)


async def test_the_two_0130s_of_a_fall_back_night_are_one_drill(store: Store,
                                                                config: Config) -> None:
    nightly = replace(MONTHLY, id="nightly", cron="30 1 * * *", end_after=60.0)
    config = replace(config, drills=(nightly,))
    clock = FakeClock(local("2026-11-01T01:00:00"))  # EDT
    engine = scheduler(store, config, clock, "a")
    for _ in range(6):  # 01:00 EDT .. 01:50 EST, ten minutes at a time
        clock.advance(600.0)
        await engine()
    for _ in range(6):
        clock.advance(600.0)
        await engine()
    started = await runs(store, "nightly")
    assert [(r.slot, r.status) for r in started] == [("2026-11-01T01:30", "started")]
    assert started[0].scheduled_at == local("2026-11-01T01:30:00")  # the first, EDT


async def test_a_new_install_does_not_start_that_mornings_drill(store: Store,
                                                                config: Config) -> None:
    """New-user trial 3: production started at 15:06 on a new database opened the 10:00
    drill at once (within its hour of grace) and paged the superintendent. Slots before
    alertbot first saw the drill were not missed: none starts, none is recorded; the next
    slot runs as usual."""
    config = replace(config, drills=(MONTHLY,))
    clock = FakeClock(local("2026-12-01T09:20:00"))  # 20 minutes after the 09:00 slot
    first = scheduler(store, config, clock, "a")
    await first()
    await first()
    assert await runs(store) == []
    assert await store.read(lambda tx: tx.open_incidents()) == []
    clock.advance(local("2027-01-05T09:00:01") - clock.now())
    await scheduler(store, config, clock, "a")()
    assert [(r.slot, r.status) for r in await runs(store)] == [("2027-01-05T09:00", "started")]
