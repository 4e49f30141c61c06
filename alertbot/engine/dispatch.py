"""Dispatch: the engine's side of sending. Each cycle claims due outbox messages and
runs each one's delivery as its own task; the stages themselves are ``alertbot.notify``.

    claim (skip if acknowledged; rate) → breaker → send → record (+ fallback)

A slow provider never holds up another incident's pages: every send is its own task,
at most ``max_in_flight`` at once. Provider status callbacks (a text undelivered, a call
busy) come in here too: a failed page is handed to the pipeline's record stage.
Decision 0021.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping, Sequence

from alertbot.clock import Clock
from alertbot.core.model import Channel, Config
from alertbot.core.records import OutboxItem, OutboxKind
from alertbot.faults import CrashPoints
from alertbot.metrics import Metrics
from alertbot.notify.base import Sender
from alertbot.notify.breaker import CircuitBreaker
from alertbot.notify.call_outcomes import note_call_status
from alertbot.notify.pipeline import Pipeline
from alertbot.notify.ports import ClaimTx
from alertbot.notify.ratelimit import Rates, TokenBucket
from alertbot.notify.send import Permanent
from alertbot.service.events import IncidentEvents
from alertbot.store.sql import Store, Tx

log = logging.getLogger("alertbot.engine")


class Dispatcher:
    """Claims for ``owner`` (``lease`` seconds), ``batch`` at a time, with at most
    ``max_in_flight`` sends running; ``send_timeout`` seconds per send."""

    def __init__(self, store: Store, senders: Mapping[Channel, Sender], clock: Clock,
                 metrics: Metrics, config: Callable[[], Config], events: IncidentEvents,
                 crash: CrashPoints, owner: str, nudge: Callable[[], None], *,
                 lease: float, send_timeout: float, max_in_flight: int, batch: int,
                 rates: Mapping[Channel, TokenBucket] | None = None) -> None:
        self.store = store
        self.clock = clock
        self.metrics = metrics
        self.config = config
        self.events = events
        self.owner = owner
        self.crash = crash
        self.lease = lease
        self.send_timeout = send_timeout
        self.max_in_flight = max_in_flight
        self.batch = batch
        self.pipeline = Pipeline(store, senders, clock, metrics, config,
                                 publish=events.publish, nudge=nudge, crash=crash,
                                 send_timeout=send_timeout, rates=Rates(rates))
        self.throttled = 0.0  # > 0: work waits for a rate limit this long
        self._slots = asyncio.Semaphore(max_in_flight)
        self._in_flight: set[asyncio.Task[None]] = set()

    @property
    def senders(self) -> Mapping[Channel, Sender]:
        return self.pipeline.senders

    @property
    def breakers(self) -> dict[Channel, CircuitBreaker]:
        return self.pipeline.breakers.by_channel

    async def stop(self, grace: float) -> None:
        """Let in-flight sends finish for ``grace`` seconds, then cancel the rest.

        A cancelled send's lease expires and the message is sent again (at least once),
        by this or another instance.
        """
        if self._in_flight:
            _done, pending = await asyncio.wait(self._in_flight, timeout=grace)
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.wait(pending, timeout=1.0)

    async def drain(self, within: float = 5.0) -> None:
        """Wait for in-flight sends (tests and benchmarks)."""
        if self._in_flight:
            await asyncio.wait(set(self._in_flight), timeout=within)

    def _free(self) -> int:
        return min(self.batch, self.max_in_flight - len(self._in_flight))

    async def __call__(self) -> int:
        """Claim due outbox messages (one unit of work) and start a send task for each;
        how many were claimed."""
        free = self._free()
        self.throttled = 0.0
        if free <= 0:
            return 0
        claimed = await self.pipeline.claim(self.owner, self.lease, free)
        self.throttled = claimed.throttled
        self._start(claimed.items)
        return len(claimed.items)

    # --- claimed in a command's own unit of work (notify.ports.SendsNow, 0048) -------

    def claimer(self) -> Callable[[ClaimTx], list[OutboxItem]]:
        """The claim stage for the end of another unit of work (the receiver's: a new
        incident's first pages, an acknowledgement's notices), bound now, on the loop,
        to this instance's lease, clock and free slots. What it returns is leased to
        this instance in that unit's transaction: hand it to ``start`` after the commit.
        A crash in between leaves it leased: sent again when the lease runs out, or at
        once by this instance restarted (``release_leases``), never by two."""
        bound = self.pipeline.claimer(self.owner, self.lease, self._free())
        return lambda tx: bound(tx).items

    def start(self, items: Sequence[OutboxItem]) -> None:
        """Send ``items``, leased to this instance by a committed ``claimer`` unit, each
        in its own task (as if the engine had claimed them)."""
        if items:
            self.crash.hit("after-unit-claim")
        self._start(items)

    def _start(self, items: Sequence[OutboxItem]) -> None:
        for index, item in enumerate(items):
            task = asyncio.create_task(self._send(item, index > 0), name=f"send-{item.id}")
            self._in_flight.add(task)
            task.add_done_callback(self._finished)

    async def _send(self, item: OutboxItem, after_first: bool) -> None:
        if after_first:
            # One turn of the loop: the first message's request is written to the
            # provider's socket (aiohttp writes a body in a task of its own) before this
            # one is built, so the first page leaves first (decision 0048).
            await asyncio.sleep(0)
        async with self._slots:
            await self.pipeline.deliver(item)

    def _finished(self, task: asyncio.Task[None]) -> None:
        """A send task ended: forget it, and log the exception it ended with, if any
        (its message stays leased and is sent again when the lease runs out)."""
        self._in_flight.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            self.metrics.engine_errors.labels(module="send").inc()
            log.error("send task %s (outbox %s) ended with an error; the message is tried "
                      "again when its lease runs out", task.get_name(),
                      task.get_name().removeprefix("send-"), exc_info=exc)

    # --- provider status callbacks -------------------------------------------------

    async def provider_status(self, provider_id: str, status: str, code: str | None) -> None:
        """A delivery/call status from the provider; a failed page goes to other channels.

        A voice page's busy / no-answer / voicemail is written on the timeline (not a
        failure: the next round calls again); a fax machine is a failure.
        """
        now = self.clock.now()
        config = self.config()

        def record(tx: Tx) -> tuple[OutboxItem | None, bool]:
            item = tx.outbox_by_provider_id(provider_id, for_update=True)
            if item is None:
                return None, False
            if not tx.set_provider_status(item.id, status, f"code {code}" if code else None):
                return None, False  # a repeat, or late: it happened already (or overtaken)
            return item, note_call_status(tx, item, status, config, now)

        item, noted = await self.store.write(record)
        if item is None:
            return
        if noted:
            self.events.publish(item.incident_id)
        if status in ("failed", "undelivered", "fax") and item.kind is OutboxKind.PAGE:
            await self.pipeline.fail(item, Permanent(f"provider reported {status}", code))
