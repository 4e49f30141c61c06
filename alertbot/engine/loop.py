"""The engine: a loop that escalates due incidents and dispatches the outbox.

It wakes on whichever comes first: the next due time in the store, a short tick,
or a nudge from the receiver (so a new incident's first page leaves at once).
Each module runs with its own timeout and error isolation; each send runs as its
own task, so a slow provider never holds up another incident's pages.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence

from alertbot.clock import Clock
from alertbot.core.incident import Incident
from alertbot.core.model import Channel, Config
from alertbot.core.records import OutboxItem
from alertbot.engine.dispatch import Dispatcher
from alertbot.engine.drills import DrillScheduler
from alertbot.engine.procedure_jobs import Reminders, Retention, StepReminders
from alertbot.engine.ringing import RingingPages
from alertbot.faults import CrashPoints
from alertbot.metrics import Metrics
from alertbot.notify.base import Sender
from alertbot.notify.breaker import CircuitBreaker
from alertbot.notify.ratelimit import TokenBucket
from alertbot.service.escalation import escalate
from alertbot.service.events import IncidentEvents
from alertbot.store.sql import Store, Tx

log = logging.getLogger("alertbot.engine")

HOUSEKEEPING_EVERY = 600.0
INBOUND_KEY_TTL = 7 * 86400.0  # Twilio and Slack retry within minutes; a week is ample


class Engine:
    def __init__(self, store: Store, senders: Mapping[Channel, Sender], clock: Clock,
                 metrics: Metrics, config: Callable[[], Config], *, tick: float = 1.0,
                 lease: float = 12.0, send_timeout: float = 8.0, max_in_flight: int = 200,
                 batch: int = 200, events: IncidentEvents | None = None,
                 crash: CrashPoints | None = None, owner: str | None = None,
                 rates: Mapping[Channel, TokenBucket] | None = None,
                 public_url: str | None = None,
                 modules: Sequence[tuple[str, Callable[[], Awaitable[None]]]] = ()) -> None:
        self.store = store
        self.clock = clock
        self.metrics = metrics
        self.config = config
        self.tick = tick
        self.batch = batch
        self.events = events or IncidentEvents()
        self.crash = crash or CrashPoints()
        # A stable owner (host:port) lets a restarted instance take back at once the
        # messages its previous life had claimed, instead of waiting out the lease.
        self.owner = owner or f"engine-{uuid.uuid4().hex[:12]}"
        self.dispatch = Dispatcher(
            store, senders, clock, metrics, config, self.events, self.crash, self.owner,
            self.nudge, lease=lease, send_timeout=send_timeout, max_in_flight=max_in_flight,
            batch=batch, rates=rates)
        self.ringing = RingingPages(store, senders, clock, config, self.events)
        # Issue 12: records-request reminders (every cycle), overdue checklist steps (when
        # one may be due) and retention (hourly).
        self.reminders = Reminders(store, clock, config, self.events, self.nudge, public_url)
        self.step_reminders = StepReminders(store, clock, config, self.events, self.nudge,
                                            public_url)
        self.retention = Retention(store, clock, config, self.events)
        # More modules run after the built-in ones, each isolated (the readiness digest).
        self.modules = list(modules)
        self.drills = DrillScheduler(store, clock, metrics, config, self.owner, self.nudge,
                                     self.events)
        # Seconds without a finished cycle after which the engine counts as stalled
        # (/healthz, the heartbeat); tests shorten it.
        self.stall_after = max(30.0, tick * 10)
        self._wake = asyncio.Event()
        self._stopping = False
        self._last_housekeeping = 0.0
        self.last_cycle: float | None = None  # loop time of the last finished cycle
        # MMS documents to fetch, seal and delete at Twilio (engine/documents.py); set by
        # the composition root when Twilio is configured.
        self.documents: Callable[[], Awaitable[int]] | None = None
        self.drain_documents: Callable[[float], Awaitable[None]] | None = None

    def alive(self) -> bool:
        """Whether a cycle finished within ``stall_after`` seconds (loop time)."""
        return (self.last_cycle is not None
                and asyncio.get_running_loop().time() - self.last_cycle < self.stall_after)

    @property
    def breakers(self) -> dict[Channel, CircuitBreaker]:
        return self.dispatch.breakers

    @property
    def senders(self) -> Mapping[Channel, Sender]:
        return self.dispatch.senders

    async def provider_status(self, provider_id: str, status: str, code: str | None) -> None:
        await self.dispatch.provider_status(provider_id, status, code)

    def nudge(self) -> None:
        self._wake.set()

    # --- the loop ------------------------------------------------------------------

    async def run(self) -> None:
        log.info("engine %s started", self.owner)
        try:
            released = await self.store.write(lambda tx: tx.release_leases(self.owner))
            if released:
                log.warning("took back %d message(s) in flight when %s last stopped; "
                            "they are sent again (at least once)", released, self.owner)
        except Exception:
            log.exception("could not release the previous leases of %s", self.owner)
        while not self._stopping:
            self._wake.clear()
            await self.cycle()
            await self._sleep()

    async def _sleep(self) -> None:
        delay = self.tick
        try:
            due, lease_end = await self.store.read(
                lambda tx: (tx.next_due(), tx.next_lease_expiry()))
            if due is not None:
                delay = min(delay, max(0.0, due - self.clock.now()))
            if lease_end is not None:  # another instance's send may have been abandoned
                delay = min(delay, max(0.05, lease_end - time.time()))
        except Exception:
            log.exception("could not read the next due time")
        if delay <= 0 and self.dispatch.throttled:
            delay = min(0.25, max(0.01, self.dispatch.throttled))  # wait for the rate limit
        if delay <= 0:
            await asyncio.sleep(0)
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=delay)
        if self._wake.is_set():
            # Woken by a nudge: one turn of the loop first, so the sends the nudger just
            # started write their requests before this cycle's units compete with them
            # for the interpreter (decision 0048).
            await asyncio.sleep(0)

    async def housekeeping(self) -> None:
        """Every few minutes: forget webhook keys older than a week that touched no
        incident (or whose incident is gone); the others live as long as the incident."""
        now = self.clock.now()
        if now - self._last_housekeeping < HOUSEKEEPING_EVERY:
            return
        self._last_housekeeping = now
        forgotten = await self.store.write(
            lambda tx: tx.forget_inbound_before(now - INBOUND_KEY_TTL))
        if forgotten:
            log.info("forgot %d webhook idempotency key(s) older than a week", forgotten)
        await self.store.write(lambda tx: tx.forget_away_before(now))  # ended AWAYs

    async def cycle(self) -> None:
        modules: list[tuple[str, Callable[[], Awaitable[object]]]] = [
            ("escalate", self.escalate), ("dispatch", self.dispatch),
            ("drills", self.drills), ("ringing", self.ringing),
            ("housekeeping", self.housekeeping),
            ("reminders", self.reminders), ("step_reminders", self.step_reminders),
            ("retention", self.retention)]
        if self.documents is not None:
            modules.append(("documents", self.documents))
        # More modules run after the built-in ones, each isolated (the readiness digest).
        modules += self.modules
        for name, module in modules:
            try:
                await asyncio.wait_for(module(), timeout=max(5.0, self.dispatch.send_timeout))
            except Exception:
                self.metrics.engine_errors.labels(module=name).inc()
                log.exception("engine module %s failed", name)
        self.metrics.engine_cycles.inc()
        self.last_cycle = asyncio.get_running_loop().time()

    async def stop(self, grace: float = 5.0) -> None:
        """Stop taking work; let in-flight sends finish for ``grace`` seconds.

        A send still running after that is cancelled; its lease expires and the
        message is sent again (at least once), by this or another instance.
        """
        self._stopping = True
        self._wake.set()
        await self.dispatch.stop(grace)

    async def drain(self, within: float = 5.0) -> None:
        """Wait for in-flight sends and documents (tests and benchmarks)."""
        if self.drain_documents is not None:
            await self.drain_documents(within)
        await self.dispatch.drain(within)

    # --- escalation ----------------------------------------------------------------

    async def escalate(self) -> int:
        """Apply every due escalation decision; returns how many incidents moved."""
        total = 0
        while True:
            due, claimed = await self.store.write(functools.partial(
                self._escalate_and_claim, now=self.clock.now(),
                claim=self.dispatch.claimer()))  # the pages it queues, leased in it (0048)
            if due:
                self.crash.hit("after-escalate")
            self.dispatch.start(claimed)
            for incident in due:
                self.events.publish(incident.id)
            total += len(due)
            if len(due) < self.batch:
                return total

    def _escalate_and_claim(self, tx: Tx, now: float,
                            claim: Callable[[Tx], list[OutboxItem]]
                            ) -> tuple[list[Incident], list[OutboxItem]]:
        """One escalation pass, ending with the claim stage when it queued anything, so
        the pages it queued go out after the commit without another unit."""
        due = self._escalate_due(tx, now)
        return due, claim(tx) if due else []

    def _escalate_due(self, tx: Tx, now: float) -> list[Incident]:
        """The unit of work of one escalation pass: up to ``batch`` due incidents."""
        due = tx.due_incidents(now, self.batch)
        for incident in due:
            escalate(tx, incident, now, self.config(), self.metrics)
        return due


