"""The engine's issue-12 modules: records-request reminders, overdue-step reminders and
retention.

Each is an async callable the loop runs with its own timeout and error isolation
(engine/loop.py), after dispatch so they never delay a page. Reminders look every cycle
(one indexed read of ``records_requests.next_reminder_at``; a write unit only when one is
due, then a nudge so the next cycle sends it); overdue steps when the earliest due time
it last saw has come, a new incident could have one, or ``STEP_LOOK_EVERY`` passed;
retention at most every ``every`` seconds of the injected clock (a purge is housekeeping,
not urgent).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable

from alertbot.clock import Clock
from alertbot.core.model import Config
from alertbot.service import records, retention, step_reminders
from alertbot.service.events import IncidentEvents
from alertbot.store.sql import Store

log = logging.getLogger("alertbot.engine")

RETENTION_EVERY = 3600.0  # seconds between retention passes
# Seconds between looks for overdue steps at most (an incident opened by another instance
# just as this one looked, a step undone): a reminder is at most this late.
STEP_LOOK_EVERY = 60.0


class Reminders:
    """Queue the records-request reminders due now (service/records.py)."""

    def __init__(self, store: Store, clock: Clock, config: Callable[[], Config],
                 events: IncidentEvents, nudge: Callable[[], None],
                 public_url: str | None) -> None:
        self.store, self.clock, self.config = store, clock, config
        self.events, self.nudge, self.public_url = events, nudge, public_url

    async def __call__(self) -> int:
        now = self.clock.now()
        # A read first (SQLite: a reader thread, never the writer that pages go through);
        # the write unit only when something is due.
        due = await self.store.read(lambda tx: tx.next_records_reminder())
        if due is None or due > now:
            return 0
        changed = await self.store.write(functools.partial(
            records.send_due_reminders, config=self.config(), now=now,
            public_url=self.public_url))
        if changed:
            self.nudge()
        for incident_id in changed:
            self.events.publish(incident_id)
        return len(changed)


class StepReminders:
    """Queue the reminders of checklist steps overdue now (service/step_reminders.py).

    Reads the open incidents only when something may be due: at the earliest due time
    the last look saw, or after the shortest ``due`` in the config (a newer incident's
    steps cannot be due before), or ``STEP_LOOK_EVERY``; at once after a config reload.
    """

    def __init__(self, store: Store, clock: Clock, config: Callable[[], Config],
                 events: IncidentEvents, nudge: Callable[[], None],
                 public_url: str | None) -> None:
        self.store, self.clock, self.config = store, clock, config
        self.events, self.nudge, self.public_url = events, nudge, public_url
        self._next_look: float | None = None
        self._seen: Config | None = None

    async def __call__(self) -> int:
        now, config = self.clock.now(), self.config()
        if config is not self._seen:
            self._seen, self._next_look = config, None
        if not step_reminders.has_due_steps(config):
            return 0
        if self._next_look is not None and now < self._next_look:
            return 0
        found = await self.store.read(functools.partial(step_reminders.look,
                                                        config=config, now=now))
        shortest = min(s.due for t in config.incidents.values() for s in t.procedure
                       if s.due is not None)
        self._next_look = min(now + STEP_LOOK_EVERY, now + shortest,
                              found.later if found.later is not None else now + shortest)
        if not found.due:
            return 0
        changed = await self.store.write(functools.partial(
            step_reminders.send_due, config=config, now=now, public_url=self.public_url,
            incident_ids=found.due))
        if changed:
            self.nudge()
        for incident_id in changed:
            self.events.publish(incident_id)
        return len(changed)


class Retention:
    """Purge free text past ``retention.free_text_days`` (service/retention.py)."""

    def __init__(self, store: Store, clock: Clock, config: Callable[[], Config],
                 events: IncidentEvents, every: float = RETENTION_EVERY) -> None:
        self.store, self.clock, self.config, self.events = store, clock, config, events
        self.every = every
        self._last: float | None = None

    async def __call__(self) -> int:
        now = self.clock.now()
        if self._last is not None and now - self._last < self.every:
            return 0
        self._last = now
        purged = await self.store.write(functools.partial(
            retention.purge_due, config=self.config(), now=now))
        if purged:
            log.info("retention purged the free text of %d incident(s)", len(purged))
        for incident_id in purged:
            self.events.publish(incident_id)
        return len(purged)
