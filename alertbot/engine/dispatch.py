"""Dispatch: claim due outbox messages, send each in its own task, record the outcome.

Pipeline per message: skip-if-acknowledged (done by the claim) → rate limit → circuit
breaker → send → record. Temporary failures are retried with capped, jittered backoff;
permanent ones are recorded, the person is paged on their other channels, and the
admins are told.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Callable, Mapping

from alertbot.channels.base import (
    OutboundMessage,
    PermanentFailure,
    Sender,
    TemporaryFailure,
)
from alertbot.clock import Clock
from alertbot.domain.model import Channel, Config
from alertbot.domain.records import NewMessage, OutboxItem, OutboxKind
from alertbot.engine import notices
from alertbot.engine.breaker import CircuitBreaker
from alertbot.engine.call_outcomes import note_call_status
from alertbot.engine.events import IncidentEvents
from alertbot.engine.ratelimit import TokenBucket
from alertbot.faults import CrashPoints
from alertbot.metrics import Metrics
from alertbot.redact import mask_phone
from alertbot.store.sql import Store, Tx

log = logging.getLogger("alertbot.engine")

MAX_BACKOFF = 60.0
BREAKER_RECHECK = 1.0  # seconds: a page the circuit held looks again this soon at least


def circuit_open(channel: Channel) -> str:
    """The error a message held back by an open circuit carries (see ``release_held``)."""
    return f"{channel} provider circuit open"


def backoff(attempts: int, retry_after: float | None, rng: random.Random) -> float:
    """Capped exponential backoff with jitter; a provider's Retry-After wins if longer."""
    base = min(MAX_BACKOFF, 2.0 ** max(0, attempts - 1))
    delay = base * rng.uniform(0.8, 1.2)
    return max(delay, retry_after or 0.0)


class Dispatcher:
    def __init__(self, store: Store, senders: Mapping[Channel, Sender], clock: Clock,
                 metrics: Metrics, config: Callable[[], Config], events: IncidentEvents,
                 crash: CrashPoints, owner: str, nudge: Callable[[], None], *,
                 lease: float, send_timeout: float, max_in_flight: int, batch: int,
                 rates: Mapping[Channel, TokenBucket] | None = None) -> None:
        self.store = store
        self.senders = senders
        self.clock = clock
        self.metrics = metrics
        self.config = config
        self.events = events
        self.crash = crash
        self.owner = owner
        self.nudge = nudge
        self.lease = lease
        self.send_timeout = send_timeout
        self.max_in_flight = max_in_flight
        self.batch = batch
        self.rates = dict(rates or {})
        self.breakers = {channel: CircuitBreaker(clock=clock.now) for channel in Channel}
        self.throttled = 0.0  # > 0: work waits for a rate limit this long
        self._slots = asyncio.Semaphore(max_in_flight)
        self._in_flight: set[asyncio.Task[None]] = set()
        self._rng = random.Random()

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

    async def __call__(self) -> int:
        """Claim due outbox messages and start a send task for each.

        Channels with a rate limit claim only what their bucket allows now, so nothing
        waits out its lease in a queue here; the rest stays in the outbox, in order.
        """
        now = self.clock.now()
        free = min(self.batch, self.max_in_flight - len(self._in_flight))
        self.throttled = 0.0
        if free <= 0:
            return 0
        items = await self.store.write(lambda tx: self._claim(tx, now, free))
        for item in items:
            task = asyncio.create_task(self._send(item), name=f"send-{item.id}")
            self._in_flight.add(task)
            task.add_done_callback(self._finished)
        return len(items)

    def _claim(self, tx: Tx, now: float, free: int) -> list[OutboxItem]:
        """The unit of work that leases up to ``free`` due messages (rate limits allowing)."""
        if not self.rates:
            return tx.claim_due_outbox(now, self.owner, self.lease, free, lease_now=time.time())
        items: list[OutboxItem] = []
        for channel in Channel:
            bucket = self.rates.get(channel)
            limit = free if bucket is None else min(free, bucket.available())
            if limit <= 0:
                if bucket is not None:
                    wait = bucket.wait()
                    self.throttled = min(self.throttled or wait, wait)
                continue
            got = tx.claim_due_outbox(now, self.owner, self.lease, limit, channel,
                                      lease_now=time.time())
            if bucket is not None:
                bucket.take(len(got))
            items += got
            free -= len(got)
        return items

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

    async def _send(self, item: OutboxItem) -> None:
        async with self._slots:
            sender = self.senders.get(item.channel)
            message = OutboundMessage(item.id, item.channel, item.address, item.body,
                                      item.language, item.incident_id, str(item.kind))
            breaker = self.breakers[item.channel]
            self.crash.hit("before-send")
            if not breaker.allow():
                await self._breaker_open(item, breaker)
                return
            try:
                if sender is None:
                    raise PermanentFailure(f"channel {item.channel} is not configured")
                result = await asyncio.wait_for(sender.send(message), self.send_timeout)
            except PermanentFailure as exc:
                breaker.success()  # the provider answered: it is alive
                await self._failed(item, exc)
            except TemporaryFailure as exc:
                breaker.failure()
                await self._retry(item, str(exc), exc.retry_after, breaker)
            except TimeoutError:
                breaker.failure()
                await self._retry(item, "timed out", None, breaker)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.exception("send of outbox %d failed unexpectedly", item.id)
                await self._retry(item, f"unexpected error: {type(exc).__name__}", None)
            else:
                reopened = breaker.state != "closed"
                breaker.success()
                self.crash.hit("before-mark-sent")
                now = self.clock.now()
                first, held = await self.store.write(
                    lambda tx: self._sent(tx, item, result.provider_id, now, reopened))
                if held:
                    log.info("%s provider answers again: %d held message(s) go now",
                             item.channel, held)
                    self.nudge()
                self.metrics.pages_sent.labels(channel=str(item.channel), kind=str(item.kind),
                                               result="sent").inc()
                if first and item.opened_at is not None:
                    self.metrics.first_page_latency.observe(max(0.0, now - item.opened_at))

    def _sent(self, tx: Tx, item: OutboxItem, provider_id: str | None, now: float,
              reopened: bool) -> tuple[bool, int]:
        """Record a send the provider accepted: (first page of its incident, held
        messages released because the provider answers again)."""
        tx.mark_sent(item.id, provider_id, now)
        held = 0
        if reopened:  # the probe got through: what the circuit held goes now
            held = tx.release_held(item.channel, circuit_open(item.channel), now)
        first = False
        if item.kind is OutboxKind.PAGE and item.incident_id is not None:
            first = tx.mark_first_page(item.incident_id, now)
        return first, held

    async def _breaker_open(self, item: OutboxItem, breaker: CircuitBreaker) -> None:
        """The provider is failing: keep the message for later and page by other means."""
        now = self.clock.now()
        # Until the next probe, not the page's own backoff: when the probe gets through,
        # the held pages are released at once (release_held), so a blip costs seconds.
        delay = max(BREAKER_RECHECK, breaker.remaining())

        def hold(tx: Tx) -> None:
            tx.mark_retry(item.id, now + delay, circuit_open(item.channel))
            self._page_elsewhere(tx, item, now)

        await self.store.write(hold)
        self.metrics.pages_sent.labels(channel=str(item.channel), kind=str(item.kind),
                                       result="circuit_open").inc()
        self.nudge()

    def _page_elsewhere(self, tx: Tx, item: OutboxItem, now: float) -> None:
        """While ``item``'s provider is failing, page its person on their other channels
        too (once per step: ``_fallback_pages`` skips a step already covered)."""
        if item.kind is not OutboxKind.PAGE or item.incident_id is None:
            return
        fallback = self._fallback_pages(tx, item, self.config())
        if fallback:
            tx.enqueue(fallback, now)
            tx.add_timeline(
                item.incident_id, now, "paged",
                f"{item.channel} provider failing; also paging "
                f"{item.contact_id} by {', '.join(str(m.channel) for m in fallback)}")

    async def _retry(self, item: OutboxItem, error: str, retry_after: float | None,
                     breaker: CircuitBreaker | None = None) -> None:
        """Try again on the message's own backoff. When the failure left the provider's
        circuit open, the page is also sent by other means meanwhile and is held like
        the circuit's others (a probe that gets through releases it at once)."""
        delay = backoff(item.attempts + 1, retry_after, self._rng)
        log.warning("outbox %d to %s by %s: temporary failure (%s); retry in %.1fs",
                    item.id, mask_phone(item.address), item.channel, error, delay)
        self.metrics.pages_sent.labels(channel=str(item.channel), kind=str(item.kind),
                                       result="retry").inc()
        now = self.clock.now()
        failing = breaker is not None and breaker.state != "closed"
        if failing and retry_after is None:
            error = f"{circuit_open(item.channel)}: {error}"

        def later(tx: Tx) -> None:
            tx.mark_retry(item.id, now + delay, error)
            if failing:
                self._page_elsewhere(tx, item, now)

        await self.store.write(later)
        self.nudge()

    async def _failed(self, item: OutboxItem, exc: PermanentFailure) -> None:
        now = self.clock.now()
        config = self.config()
        why = f"{exc} (code {exc.code})" if exc.code else str(exc)

        def record(tx: Tx) -> bool:
            if not tx.mark_failed(item.id, why):
                return False  # already failed (and handled): one notice, one fallback
            log.error("outbox %d to %s by %s failed permanently: %s",
                      item.id, mask_phone(item.address), item.channel, why)
            self.metrics.pages_sent.labels(channel=str(item.channel), kind=str(item.kind),
                                           result="failed").inc()
            if item.incident_id is None or item.kind is not OutboxKind.PAGE:
                return False  # recorded; no incident to fall back for or to publish
            contact = config.contacts.get(item.contact_id or "")
            name = contact.name if contact else item.contact_id or item.address
            tx.add_timeline(item.incident_id, now, "page_failed",
                            f"could not page {name} by {item.channel}: {why}")
            fallback = self._fallback_pages(tx, item, config)
            if fallback:
                tx.enqueue(fallback, now)
                tx.add_timeline(
                    item.incident_id, now, "paged",
                    f"{name}: trying {', '.join(str(m.channel) for m in fallback)} instead")
            tx.enqueue(notices.notify_admins(
                config, "page_failed", item.incident_id, f"page {item.id} failed",
                skip_address=item.address, n=item.incident_id, name=name,
                channel=str(item.channel), why=exc.code or str(exc)), now)
            return True

        if not await self.store.write(record):
            return
        self.nudge()
        self.events.publish(item.incident_id)

    def _fallback_pages(self, tx: Tx, item: OutboxItem, config: Config) -> list[NewMessage]:
        """Pages on the person's other channels when a page failed for good.

        Only when this step paged them on no other channel: a contact paged by SMS and
        voice together is still reached by voice when their SMS is refused.
        """
        contact = config.contacts.get(item.contact_id or "")
        if contact is None or item.incident_id is None:
            return []
        siblings = [m for m in tx.messages_for(item.incident_id)
                    if m.kind is OutboxKind.PAGE and m.contact_id == contact.id
                    and m.step == item.step and m.round == item.round and m.id != item.id]
        if any(m.channel is not item.channel for m in siblings):
            return []
        out: list[NewMessage] = []
        incident = tx.get_incident(item.incident_id)
        for channel in (Channel.VOICE, Channel.SMS, Channel.SLACK):
            address = contact.address(channel)
            if channel is item.channel or not address or channel not in self.senders:
                continue
            body = item.body if incident is None else notices.page_body_for(
                channel, incident, item.language, config.timezone,
                notices.incident_title(config, incident, item.language),
                repeat=(item.round or 0) + 1)  # each medium its own words
            out.append(NewMessage(
                OutboxKind.PAGE, channel, address, body, item.language, item.incident_id,
                contact.id, item.step, item.round, f"fallback after {item.channel} failed",
                item.opened_at))
        return out

    # --- provider status callbacks -------------------------------------------------

    async def provider_status(self, provider_id: str, status: str, code: str | None) -> None:
        """A delivery/call status from the provider; a failed page goes to other channels.

        A voice page's busy / no-answer / voicemail is written on the timeline (not a
        failure: the next round calls again); a fax machine is a failure.
        """

        def record(tx: Tx) -> tuple[OutboxItem | None, bool]:
            item = tx.outbox_by_provider_id(provider_id, for_update=True)
            if item is None:
                return None, False
            if not tx.set_provider_status(item.id, status, f"code {code}" if code else None):
                return None, False  # a repeat, or late: it happened already (or overtaken)
            return item, note_call_status(tx, item, status, self.config(), self.clock.now())

        item, noted = await self.store.write(record)
        if item is None:
            return
        if noted:
            self.events.publish(item.incident_id)
        if status in ("failed", "undelivered", "fax") and item.kind is OutboxKind.PAGE:
            await self._failed(item, PermanentFailure(f"provider reported {status}", code))
