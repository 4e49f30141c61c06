"""The engine's drill module (issue 14, decision 0041): starts each scheduled drill's
slot once, records slots missed while alertbot was down, and ends runs.

Each cycle it looks only at drills whose next slot has come (the next due time of each
is kept in memory: no database work while nothing is due). For a due drill, one unit of
work reads the drill's last recorded slot and walks the slots since (at most
``LOOKBACK`` back): every slot but the newest is recorded missed; the newest starts if
it is at most the drill's ``grace`` late, else it is recorded missed too. Which instance
starts a slot is the database's choice (a unique key: drill id + slot), so two
instances on one database start it once. Runs are ended (``service.drills.end_drill``)
when their incident was resolved or their ``end_after`` passed, looked at at most every
``END_CHECK_EVERY`` seconds.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from alertbot.clock import Clock
from alertbot.core.incident import Incident
from alertbot.core.model import Config, Drill
from alertbot.cron import next_after, occurrences
from alertbot.metrics import Metrics
from alertbot.service import drills as service
from alertbot.service.events import IncidentEvents
from alertbot.store.drills import DrillRun
from alertbot.store.sql import Store, Tx

FIRST_SIGHT = 60.0  # seconds: a slot this recent when a drill is first seen is due now

log = logging.getLogger("alertbot.drills")

LOOKBACK = 92 * 86400.0  # seconds: misses older than this (a long outage) are not listed
END_CHECK_EVERY = 1.0  # seconds (the injected clock's) between looks for runs to end


class DrillScheduler:
    """Called once per engine cycle (``await scheduler()``)."""

    def __init__(self, store: Store, clock: Clock, metrics: Metrics,
                 config: Callable[[], Config], owner: str, nudge: Callable[[], None],
                 events: IncidentEvents) -> None:
        self.store = store
        self.clock = clock
        self.metrics = metrics
        self.config = config
        self.owner = owner
        self.nudge = nudge
        self.events = events
        self._next: dict[tuple[str, str, str], float] = {}  # (id, cron, zone) -> next due
        self._last_end_check = float("-inf")

    async def __call__(self) -> None:
        config = self.config()
        now = self.clock.now()
        for drill in config.drills:
            key = (drill.id, drill.cron, config.timezone)
            due = self._next.get(key)
            if due is not None and now < due:
                continue
            opened = await self.store.write(
                functools.partial(self._catch_up, config=config, drill=drill, now=now))
            if opened is not None:
                self.nudge()
                self.events.publish(opened.id)
            self._next[key] = next_after(drill.cron, config.timezone, now).at
        if now - self._last_end_check >= END_CHECK_EVERY or now < self._last_end_check:
            self._last_end_check = now
            await self._end_runs(config, now)

    def _catch_up(self, tx: Tx, config: Config, drill: Drill, now: float) -> Incident | None:
        """The unit of work for one due drill: the slots since its last, each once."""
        last = tx.last_drill_time(drill.id, now)
        # First seen now (a new install, a drill just added): its earlier slots were not
        # missed, alertbot did not know of them, and none starts late (new-user trial 3:
        # a fresh install at 15:06 paged the superintendent for that morning's 10:00
        # drill). A slot of the last FIRST_SIGHT seconds is the one now due: it starts.
        since = max(last, now - LOOKBACK) if last is not None else now - FIRST_SIGHT
        due = occurrences(drill.cron, config.timezone, since, now)
        if not due:
            return None
        *older, newest = due
        for slot in older:
            service.record_missed(tx, drill, slot, now, self.metrics, self.owner)
        if now - newest.at <= drill.grace:
            return service.start_drill(tx, config, drill, newest, now, self.metrics,
                                       self.owner)
        service.record_missed(tx, drill, newest, now, self.metrics, self.owner)
        return None

    async def _end_runs(self, config: Config, now: float) -> None:
        runs: list[DrillRun] = await self.store.read(lambda tx: tx.running_drills())
        for run in runs:
            report = await self.store.write(functools.partial(
                service.end_drill, config=config, run=run, now=now, metrics=self.metrics))
            if report is not None:
                log.info("drill %s (incident %d) ended: %s", run.drill_id,
                         report.this.incident_id, report.ended)
                self.nudge()
                self.events.publish(report.this.incident_id)
