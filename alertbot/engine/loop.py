"""The engine: a loop that escalates due incidents and dispatches the outbox.

It wakes on whichever comes first: the next due time in the store, a short tick,
or a nudge from the receiver (so a new incident's first page leaves at once).
Each module runs with its own timeout and error isolation; each send runs as its
own task, so a slow provider never holds up another incident's pages.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import replace

from alertbot.channels.base import (
    OutboundMessage,
    PermanentFailure,
    Sender,
    TemporaryFailure,
)
from alertbot.clock import Clock
from alertbot.domain.durations import format_duration
from alertbot.domain.incident import Incident
from alertbot.domain.model import Channel, Config
from alertbot.domain.policy import decide
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
HOUSEKEEPING_EVERY = 600.0
INBOUND_KEY_TTL = 7 * 86400.0  # Twilio and Slack retry within minutes; a week is ample


def backoff(attempts: int, retry_after: float | None, rng: random.Random) -> float:
    """Capped exponential backoff with jitter; a provider's Retry-After wins if longer."""
    base = min(MAX_BACKOFF, 2.0 ** max(0, attempts - 1))
    delay = base * rng.uniform(0.8, 1.2)
    return max(delay, retry_after or 0.0)


class Engine:
    def __init__(self, store: Store, senders: Mapping[Channel, Sender], clock: Clock,
                 metrics: Metrics, config: Callable[[], Config], *, tick: float = 1.0,
                 lease: float = 12.0, send_timeout: float = 8.0, max_in_flight: int = 200,
                 batch: int = 200, events: IncidentEvents | None = None,
                 crash: CrashPoints | None = None, owner: str | None = None,
                 rates: Mapping[Channel, TokenBucket] | None = None) -> None:
        self.store = store
        self.senders = senders
        self.clock = clock
        self.metrics = metrics
        self.config = config
        self.tick = tick
        self.lease = lease
        self.send_timeout = send_timeout
        self.batch = batch
        self.events = events or IncidentEvents()
        self.crash = crash or CrashPoints()
        self.breakers = {channel: CircuitBreaker(clock=clock.now) for channel in Channel}
        # A stable owner (host:port) lets a restarted instance take back at once the
        # messages its previous life had claimed, instead of waiting out the lease.
        self.owner = owner or f"engine-{uuid.uuid4().hex[:12]}"
        self._wake = asyncio.Event()
        self._stopping = False
        self.max_in_flight = max_in_flight
        self._slots = asyncio.Semaphore(max_in_flight)
        self.rates = dict(rates or {})
        self._throttled = 0.0
        self._last_housekeeping = 0.0
        self._in_flight: set[asyncio.Task[None]] = set()
        self._rng = random.Random()
        self.last_cycle: float | None = None  # loop time of the last finished cycle

    def nudge(self) -> None:
        self._wake.set()

    # --- the loop ------------------------------------------------------------------

    async def run(self) -> None:
        log.info("engine %s started", self.owner)
        try:
            async with self.store.tx() as tx:
                released = await tx.release_leases(self.owner)
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
            async with self.store.read() as tx:
                due = await tx.next_due()
                lease_end = await tx.next_lease_expiry()
            if due is not None:
                delay = min(delay, max(0.0, due - self.clock.now()))
            if lease_end is not None:  # another instance's send may have been abandoned
                delay = min(delay, max(0.05, lease_end - time.time()))
        except Exception:
            log.exception("could not read the next due time")
        if delay <= 0 and self._throttled:
            delay = min(0.25, max(0.01, self._throttled))  # wait for the rate limit
        if delay <= 0:
            await asyncio.sleep(0)
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout=delay)

    async def housekeeping(self) -> None:
        """Every few minutes: forget webhook keys older than a week."""
        now = self.clock.now()
        if now - self._last_housekeeping < HOUSEKEEPING_EVERY:
            return
        self._last_housekeeping = now
        async with self.store.tx() as tx:
            forgotten = await tx.forget_inbound_before(now - INBOUND_KEY_TTL)
        if forgotten:
            log.info("forgot %d webhook idempotency key(s) older than a week", forgotten)

    async def cycle(self) -> None:
        for name, module in (("escalate", self.escalate), ("dispatch", self.dispatch),
                             ("housekeeping", self.housekeeping)):
            try:
                await asyncio.wait_for(module(), timeout=max(5.0, self.send_timeout))
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

    # --- escalation ----------------------------------------------------------------

    async def escalate(self) -> int:
        """Apply every due escalation decision; returns how many incidents moved."""
        total = 0
        while True:
            now = self.clock.now()
            async with self.store.tx() as tx:
                due = await tx.due_incidents(now, self.batch)
                for incident in due:
                    await self._escalate_one(tx, incident, now)
            if due:
                self.crash.hit("after-escalate")
            for incident in due:
                self.events.publish(incident.id)
            total += len(due)
            if len(due) < self.batch:
                return total

    async def _escalate_one(self, tx: Tx, incident: Incident, now: float) -> None:
        decision = decide(incident, now)
        if decision is None:
            return
        config = self.config()
        if incident.due_at is not None:
            self.metrics.page_lateness.observe(max(0.0, now - incident.due_at))
        if decision.exhausted:
            await tx.save_incident(replace(incident, due_at=None))
            await tx.add_timeline(incident.id, now, "exhausted", decision.reason)
            await tx.enqueue(notices.notify_admins(
                config, "exhausted", incident.id, decision.reason, n=incident.id,
                title=incident.title, rounds=incident.round + 1), now)
            log.warning("incident %d: %s", incident.id, decision.reason)
            return
        await tx.enqueue(notices.pages_for(incident, decision, config.timezone), now)
        by_person: dict[str, list[str]] = {}
        for page in decision.pages:
            by_person.setdefault(page.name, []).append(
                str(page.channel) + (f" (after {format_duration(page.delay)} if no ack)"
                                     if page.delay else ""))
        who = "; ".join(f"{name} by {', '.join(ch)}" for name, ch in by_person.items())
        await tx.add_timeline(incident.id, now, "paged",
                              f"{decision.reason}: {who or 'nobody reachable'}")
        for contact_id, why in decision.unreachable:
            await tx.add_timeline(incident.id, now, "unreachable", f"{contact_id}: {why}")
        await tx.save_incident(replace(incident, step=decision.step, round=decision.round,
                                       due_at=decision.next_due_at))

    # --- dispatch ------------------------------------------------------------------

    async def dispatch(self) -> int:
        """Claim due outbox messages and start a send task for each.

        Channels with a rate limit claim only what their bucket allows now, so nothing
        waits out its lease in a queue here; the rest stays in the outbox, in order.
        """
        now = self.clock.now()
        free = min(self.batch, self.max_in_flight - len(self._in_flight))
        self._throttled = 0.0
        if free <= 0:
            return 0
        items: list[OutboxItem] = []
        async with self.store.tx() as tx:
            if not self.rates:
                items = await tx.claim_due_outbox(now, self.owner, self.lease, free,
                                                  lease_now=time.time())
            else:
                for channel in Channel:
                    bucket = self.rates.get(channel)
                    limit = free if bucket is None else min(free, bucket.available())
                    if limit <= 0:
                        if bucket is not None:
                            wait = bucket.wait()
                            self._throttled = min(self._throttled or wait, wait)
                        continue
                    got = await tx.claim_due_outbox(now, self.owner, self.lease, limit,
                                                    channel, lease_now=time.time())
                    if bucket is not None:
                        bucket.take(len(got))
                    items += got
                    free -= len(got)
        for item in items:
            task = asyncio.create_task(self._send(item), name=f"send-{item.id}")
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)
        return len(items)

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
                await self._retry(item, str(exc), exc.retry_after)
            except TimeoutError:
                breaker.failure()
                await self._retry(item, "timed out", None)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.exception("send of outbox %d failed unexpectedly", item.id)
                await self._retry(item, f"unexpected error: {type(exc).__name__}", None)
            else:
                breaker.success()
                self.crash.hit("before-mark-sent")
                now = self.clock.now()
                async with self.store.tx() as tx:
                    await tx.mark_sent(item.id, result.provider_id, now)
                self.metrics.pages_sent.labels(channel=str(item.channel), kind=str(item.kind),
                                               result="sent").inc()
                if item.kind is OutboxKind.PAGE and item.step == 0 and item.round == 0 \
                        and item.opened_at is not None:
                    self.metrics.first_page_latency.observe(max(0.0, now - item.opened_at))

    async def _breaker_open(self, item: OutboxItem, breaker: CircuitBreaker) -> None:
        """The provider is failing: keep the message for later and page by other means."""
        now = self.clock.now()
        delay = max(1.0, breaker.remaining())
        async with self.store.tx() as tx:
            await tx.mark_retry(item.id, now + delay, f"{item.channel} provider circuit open")
            if item.kind is not OutboxKind.PAGE or item.incident_id is None:
                return
            fallback = await self._fallback_pages(tx, item, self.config())
            if fallback:
                await tx.enqueue(fallback, now)
                await tx.add_timeline(
                    item.incident_id, now, "paged",
                    f"{item.channel} provider failing; also paging "
                    f"{item.contact_id} by {', '.join(str(m.channel) for m in fallback)}")
        self.metrics.pages_sent.labels(channel=str(item.channel), kind=str(item.kind),
                                       result="circuit_open").inc()
        self.nudge()

    async def _retry(self, item: OutboxItem, error: str, retry_after: float | None) -> None:
        delay = backoff(item.attempts + 1, retry_after, self._rng)
        log.warning("outbox %d to %s by %s: temporary failure (%s); retry in %.1fs",
                    item.id, mask_phone(item.address), item.channel, error, delay)
        self.metrics.pages_sent.labels(channel=str(item.channel), kind=str(item.kind),
                                       result="retry").inc()
        async with self.store.tx() as tx:
            await tx.mark_retry(item.id, self.clock.now() + delay, error)
        self.nudge()

    async def _failed(self, item: OutboxItem, exc: PermanentFailure) -> None:
        now = self.clock.now()
        config = self.config()
        why = f"{exc} (code {exc.code})" if exc.code else str(exc)
        log.error("outbox %d to %s by %s failed permanently: %s",
                  item.id, mask_phone(item.address), item.channel, why)
        self.metrics.pages_sent.labels(channel=str(item.channel), kind=str(item.kind),
                                       result="failed").inc()
        async with self.store.tx() as tx:
            await tx.mark_failed(item.id, why)
            if item.incident_id is None or item.kind is not OutboxKind.PAGE:
                return
            contact = config.contacts.get(item.contact_id or "")
            name = contact.name if contact else item.contact_id or item.address
            await tx.add_timeline(item.incident_id, now, "page_failed",
                                  f"could not page {name} by {item.channel}: {why}")
            fallback = await self._fallback_pages(tx, item, config)
            if fallback:
                await tx.enqueue(fallback, now)
                await tx.add_timeline(
                    item.incident_id, now, "paged",
                    f"{name}: trying {', '.join(str(m.channel) for m in fallback)} instead")
            await tx.enqueue(notices.notify_admins(
                config, "page_failed", item.incident_id, f"page {item.id} failed",
                skip_address=item.address, n=item.incident_id, name=name,
                channel=str(item.channel), why=exc.code or str(exc)), now)
        self.nudge()
        self.events.publish(item.incident_id)

    async def _fallback_pages(self, tx: Tx, item: OutboxItem, config: Config) -> list[NewMessage]:
        """Pages on the person's other channels when a page failed for good.

        Only when this step paged them on no other channel: a contact paged by SMS and
        voice together is still reached by voice when their SMS is refused.
        """
        contact = config.contacts.get(item.contact_id or "")
        if contact is None or item.incident_id is None:
            return []
        siblings = [m for m in await tx.messages_for(item.incident_id)
                    if m.kind is OutboxKind.PAGE and m.contact_id == contact.id
                    and m.step == item.step and m.round == item.round and m.id != item.id]
        if any(m.channel is not item.channel for m in siblings):
            return []
        out: list[NewMessage] = []
        for channel in (Channel.VOICE, Channel.SMS, Channel.SLACK):
            address = contact.address(channel)
            if channel is item.channel or not address or channel not in self.senders:
                continue
            out.append(NewMessage(
                OutboxKind.PAGE, channel, address, item.body, item.language, item.incident_id,
                contact.id, item.step, item.round, f"fallback after {item.channel} failed",
                item.opened_at))
        return out

    # --- provider status callbacks -------------------------------------------------

    async def provider_status(self, provider_id: str, status: str, code: str | None) -> None:
        """A delivery/call status from the provider; a failed page goes to other channels.

        A voice page's busy / no-answer / voicemail is written on the timeline (not a
        failure: the next round calls again); a fax machine is a failure.
        """
        async with self.store.tx() as tx:
            item = await tx.outbox_by_provider_id(provider_id)
            if item is None:
                return
            await tx.set_provider_status(item.id, status, f"code {code}" if code else None)
            noted = await note_call_status(tx, item, status, self.config(), self.clock.now())
        if noted:
            self.events.publish(item.incident_id)
        if status in ("failed", "undelivered", "fax") and item.kind is OutboxKind.PAGE:
            await self._failed(item, PermanentFailure(f"provider reported {status}", code))
