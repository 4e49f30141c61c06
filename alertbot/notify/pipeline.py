"""The sending pipeline: claim → (fallback) → rate → breaker → send → record.

``Pipeline.claim`` is one unit of work: stage 1 (claim, skip-if-acknowledged) under
stage 3 (rate: what the buckets allow). ``Pipeline.deliver(item)`` takes one claimed
message through stage 4 (breaker: go, or hold for the probe), stage 5 (send: the
outcome as a value) and stage 6 (record, one unit of work, which calls stage 2,
fallback, when a page cannot go by its channel). Stages are small functions and
objects in this package, each unit-tested on its own (tests/unit/notify/); this class
only wires them and does what follows a commit: log, count, nudge the engine, publish
the incident's change.

Who calls it: ``engine/dispatch.Dispatcher`` claims on each engine cycle and runs each
``deliver`` as its own task (a slow provider never holds up another incident's pages).
Leases make delivery at least once (decision 0008): a message whose task dies keeps its
lease and is claimed again when the lease runs out.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Mapping

from alertbot.clock import Clock
from alertbot.core.model import Channel, Config
from alertbot.core.records import OutboxItem, OutboxKind
from alertbot.core.redact import mask_phone
from alertbot.faults import CrashPoints
from alertbot.metrics import Metrics
from alertbot.notify.base import Sender
from alertbot.notify.breaker import Breakers, Held
from alertbot.notify.claim import Claimed, Lease, claim
from alertbot.notify.ports import ClaimTx, Outbox
from alertbot.notify.ratelimit import Rates
from alertbot.notify.record import (
    Reach,
    Recorded,
    record_failed,
    record_held,
    record_retry,
    record_sent,
)
from alertbot.notify.send import Permanent, Sent, Temporary, backoff, send

log = logging.getLogger("alertbot.engine")


class Pipeline:
    """Sends outbox messages through the stages. ``clock`` is the schedule's clock
    (due times, backoff, breakers); ``wall`` the wall clock leases are kept in;
    ``send_timeout`` seconds a provider gets per send; ``rng`` the backoff's jitter."""

    def __init__(self, outbox: Outbox, senders: Mapping[Channel, Sender], clock: Clock,
                 metrics: Metrics, config: Callable[[], Config], *,
                 publish: Callable[[int | None], None], nudge: Callable[[], None],
                 crash: CrashPoints | None = None, send_timeout: float = 8.0,
                 rates: Rates | None = None, rng: random.Random | None = None,
                 wall: Callable[[], float] = time.time) -> None:
        self.outbox = outbox
        self.senders = senders
        self.clock = clock
        self.metrics = metrics
        self.config = config
        self.publish = publish
        self.nudge = nudge
        self.crash = crash or CrashPoints()
        self.send_timeout = send_timeout
        self.rates = rates or Rates()
        self.breakers = Breakers(clock.now)
        self.rng = rng or random.Random()
        self.wall = wall

    # --- claim ---------------------------------------------------------------------

    async def claim(self, owner: str, lease: float, free: int) -> Claimed:
        """Claim up to ``free`` due messages for ``owner`` for ``lease`` seconds."""
        now = self.clock.now()
        held = Lease(owner, lease, self.wall())
        return await self.outbox.write(lambda tx: claim(tx, now, held, free, self.rates))

    def claimer(self, owner: str, lease: float, free: int) -> Callable[[ClaimTx], Claimed]:
        """The claim stage as the last step of another unit of work: up to ``free``
        messages due when it runs (the clocks are read then, inside the unit, so what
        the unit itself queued for now is due), leased to ``owner`` for ``lease``
        seconds; nothing when ``free`` is 0."""
        def step(tx: ClaimTx) -> Claimed:
            if free <= 0:
                return Claimed([])
            held = Lease(owner, lease, self.wall())
            return claim(tx, self.clock.now(), held, free, self.rates)
        return step

    # --- one message ---------------------------------------------------------------

    async def deliver(self, item: OutboxItem) -> Recorded:
        """Take one claimed message through breaker → send → record; what was recorded.

        Raises what the store raises (the message keeps its lease and goes again when
        it runs out); a sender's exceptions never escape (``send.send``).
        """
        self.crash.hit("before-send")
        held = self.breakers.admit(item.channel)
        if held is not None:
            return await self._hold(item, held)
        outcome = await send(self.senders.get(item.channel), item, self.send_timeout)
        if isinstance(outcome, Sent):
            return await self._sent(item, outcome, self.breakers.answered(item.channel))
        if isinstance(outcome, Permanent):
            self.breakers.answered(item.channel)  # the provider answered: it is alive
            return await self.fail(item, outcome)
        failing = outcome.provider_fault and self.breakers.failed(item.channel)
        return await self._retry(item, outcome, failing)

    async def fail(self, item: OutboxItem, failure: Permanent) -> Recorded:
        """``item`` failed for good (its send, or the provider's later report): record
        it once, page its person elsewhere, tell the admins."""
        now = self.clock.now()
        reach = self._reach()
        done = await self.outbox.write(lambda tx: record_failed(tx, item, failure, reach, now))
        if done.result == "repeat":
            return done  # already failed (and handled): one notice, one fallback
        log.error("outbox %d to %s by %s failed permanently: %s",
                  item.id, mask_phone(item.address), item.channel, failure.why)
        self._count(item, done.result)
        if item.kind is OutboxKind.PAGE and item.incident_id is not None:
            self.nudge()
            self.publish(item.incident_id)
        return done

    async def _sent(self, item: OutboxItem, sent: Sent, reopened: bool) -> Recorded:
        self.crash.hit("before-mark-sent")
        now = self.clock.now()
        done = await self.outbox.write(lambda tx: record_sent(tx, item, sent, reopened, now))
        if done.released:
            log.info("%s provider answers again: %d held message(s) go now",
                     item.channel, done.released)
            self.nudge()
        self._count(item, done.result)
        if done.first_page and item.opened_at is not None:
            self.metrics.first_page_latency.observe(max(0.0, now - item.opened_at))
        return done

    async def _retry(self, item: OutboxItem, failure: Temporary, failing: bool) -> Recorded:
        delay = backoff(item.attempts + 1, failure.retry_after, self.rng)
        log.warning("outbox %d to %s by %s: temporary failure (%s); retry in %.1fs",
                    item.id, mask_phone(item.address), item.channel, failure.error, delay)
        now = self.clock.now()
        reach = self._reach()
        done = await self.outbox.write(lambda tx: record_retry(
            tx, item, now + delay, failure.error, failure.retry_after, failing, reach, now))
        self._count(item, done.result)
        self.nudge()
        return done

    async def _hold(self, item: OutboxItem, held: Held) -> Recorded:
        """The provider is failing: keep the message for the probe, page by other means.
        Until the probe, not the page's own backoff: when the probe gets through, the
        held pages are released at once, so a blip costs seconds."""
        now = self.clock.now()
        reach = self._reach()
        done = await self.outbox.write(lambda tx: record_held(tx, item, held, reach, now))
        self._count(item, done.result)
        self.nudge()
        return done

    def _reach(self) -> Reach:
        return Reach(self.config(), frozenset(self.senders))

    def _count(self, item: OutboxItem, result: str) -> None:
        self.metrics.pages_sent.labels(channel=str(item.channel), kind=str(item.kind),
                                       result=result).inc()
