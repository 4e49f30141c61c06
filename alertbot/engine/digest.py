"""The weekly readiness digest to the admins: an engine module (issue 14, decision 0039).

``readiness: {digest: "30 7 * * MON"}`` in escalation.yaml: a cron expression read by
croniter in the district's time zone. On each engine cycle the module finds the latest
scheduled time at or before now; if it is at most ``GRACE`` old and not yet sent, it
assesses readiness and, in one unit of work, claims that time's key in the store
(``readiness_digests``: a primary key, so of several instances exactly one sends) and
queues an SMS to each admin through the outbox. A time missed by more than ``GRACE``
(alertbot was down all morning) is skipped: the next week's digest comes as usual.

The text is counts only: no names of people or students (text/messages.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from alertbot.clock import Clock, iso
from alertbot.core.model import Config
from alertbot.service import notices
from alertbot.service.readiness import Sources, readiness
from alertbot.store.sql import Store, Tx
from alertbot.text.readinessview import digest_values

log = logging.getLogger("alertbot.engine")

GRACE = 6 * 3600.0  # seconds: a digest later than this after its time is skipped


def last_due(expression: str, now: float, timezone: str) -> float:
    """The latest time at or before ``now`` (epoch seconds) that ``expression`` names,
    reckoned in ``timezone`` (so "30 7 * * MON" is 07:30 local, summer or winter)."""
    from croniter import croniter  # on first use: serve's start-up does not wait for it

    zone = ZoneInfo(timezone)
    start = datetime.fromtimestamp(now, zone) + timedelta(seconds=1)
    previous: datetime = croniter(expression, start).get_prev(datetime)
    return previous.timestamp()


class ReadinessDigest:
    """The engine module: ``await digest()`` on every cycle (cheap when nothing is due)."""

    def __init__(self, store: Store, clock: Clock, config: Callable[[], Config],
                 sources: Callable[[], Sources], public_url: str) -> None:
        self.store = store
        self.clock = clock
        self.config = config
        self.sources = sources
        self.public_url = public_url.rstrip("/")
        self._done: float | None = None  # the scheduled time this instance has handled

    async def __call__(self) -> None:
        config = self.config()
        if not config.readiness_digest:
            return
        now = self.clock.now()
        due = last_due(config.readiness_digest, now, config.timezone)
        if due == self._done or now - due > GRACE:
            return
        period = iso(due) or ""
        if await self.store.read(lambda tx: tx.digest_claimed(period)):
            self._done = due
            return
        found = await readiness(self.store, config, self.sources(), now)
        key, values = digest_values(found, f"{self.public_url}/readiness")

        def send(tx: Tx) -> bool:
            if not tx.claim_digest(period, now):
                return False
            tx.enqueue(notices.notify_admins(config, key, None, "weekly readiness digest",
                                             None, **values), now)
            return True

        if await self.store.write(send):
            log.info("readiness digest for %s queued to the admins (%s)", period, key)
        self._done = due
