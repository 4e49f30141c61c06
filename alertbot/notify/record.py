"""Stage 6, record: write a send's outcome to the outbox, in one unit of work.

Each function here runs inside ``await outbox.write(fn)`` (synchronous, no I/O but the
transaction's) and returns what it did as a ``Recorded``, so the pipeline logs, counts
and nudges after the commit. What each outcome writes:

- sent: the row is sent; if the send was the probe of an open circuit, every message
  that circuit held is due now; a page notes the incident's first accepted page.
- retry (temporary failure): pending again at ``due_at``; if the provider is failing
  (its circuit is open), the row is marked held (``circuit_open``), so the probe's
  success releases it, and the person is paged by other means meanwhile.
- held (open circuit): the same, without a send having been tried.
- failed (permanent failure): failed for good, once: a second report of the same
  failure (a send failure and a later "undelivered" callback) changes nothing. A page's
  failure goes on the timeline, the person is paged on their other channels, and the
  admins are told.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from alertbot.core.model import Channel, Config
from alertbot.core.records import NewMessage, OutboxItem, OutboxKind
from alertbot.notify.breaker import Held, circuit_open
from alertbot.notify.fallback import page_elsewhere
from alertbot.notify.ports import RecordTx
from alertbot.notify.send import Permanent, Sent
from alertbot.service import notices
from alertbot.service.optouts import REFUSED_OPTED_OUT


@dataclass(frozen=True)
class Reach:
    """What the fallback needs: the config in force (contacts, admins, time zone) and
    the channels alertbot has a sender for."""

    config: Config
    channels: Collection[Channel]


@dataclass(frozen=True)
class Recorded:
    """What a record wrote. ``result`` is the metric label: sent, retry, circuit_open,
    failed, or ``repeat`` (a failure already recorded: nothing written)."""

    result: str
    first_page: bool = False  # the incident's first page a provider accepted
    released: int = 0  # messages an open circuit held, due now
    fallback: tuple[NewMessage, ...] = ()  # pages enqueued on the person's other channels
    admins_told: int = 0  # notices enqueued to admins


def record_sent(tx: RecordTx, item: OutboxItem, sent: Sent, reopened: bool,
                now: float) -> Recorded:
    """``item`` was accepted; ``reopened``: it was the probe of an open circuit."""
    tx.mark_sent(item.id, sent.provider_id, now)
    released = tx.release_held(item.channel, circuit_open(item.channel), now) if reopened else 0
    first = False
    if item.kind is OutboxKind.PAGE and item.incident_id is not None:
        first = tx.mark_first_page(item.incident_id, now)
    return Recorded("sent", first_page=first, released=released)


def record_retry(tx: RecordTx, item: OutboxItem, due_at: float, error: str,
                 retry_after: float | None, failing: bool, reach: Reach,
                 now: float) -> Recorded:
    """Try ``item`` again at ``due_at``. ``failing``: its provider's circuit is open;
    the row is then held like the circuit's others (unless the provider asked for a
    Retry-After, which holds) and its person is paged by other means."""
    if failing and retry_after is None:
        error = f"{circuit_open(item.channel)}: {error}"
    tx.mark_retry(item.id, due_at, error)
    pages: list[NewMessage] = []
    if failing:
        pages = _elsewhere(tx, item, reach, now)
    return Recorded("retry", fallback=tuple(pages))


def record_held(tx: RecordTx, item: OutboxItem, held: Held, reach: Reach,
                now: float) -> Recorded:
    """The circuit is open: ``item`` waits for the probe; its person is paged by other
    means meanwhile (once per step)."""
    tx.mark_retry(item.id, now + held.delay, held.error)
    return Recorded("circuit_open", fallback=tuple(_elsewhere(tx, item, reach, now)))


def record_failed(tx: RecordTx, item: OutboxItem, failure: Permanent, reach: Reach,
                  now: float) -> Recorded:
    """``item`` failed for good: see the module docstring. ``result`` is ``repeat``
    when it had already failed (nothing is written then)."""
    if not tx.mark_failed(item.id, failure.why):
        return Recorded("repeat")
    if failure.code == REFUSED_OPTED_OUT and item.contact_id:  # readiness names them
        tx.set_opt_out(item.contact_id, item.channel, item.address, now,
                       f"Twilio {failure.code}")
    if item.incident_id is None or item.kind is not OutboxKind.PAGE:
        return Recorded("failed")
    config = reach.config
    contact = config.contacts.get(item.contact_id or "")
    name = contact.name if contact else item.contact_id or item.address
    tx.add_timeline(item.incident_id, now, "page_failed",
                    f"could not page {name} by {item.channel}: {failure.why}")
    pages = page_elsewhere(tx, item, config, reach.channels, now,
                           lambda channels: f"{name}: trying {channels} instead")
    told = notices.notify_admins(
        config, "page_failed", item.incident_id, f"page {item.id} failed",
        skip_address=item.address, n=item.incident_id, name=name,
        channel=str(item.channel), why=failure.code or failure.error)
    tx.enqueue(told, now)
    return Recorded("failed", fallback=tuple(pages), admins_told=len(told))


def _elsewhere(tx: RecordTx, item: OutboxItem, reach: Reach, now: float) -> list[NewMessage]:
    return page_elsewhere(
        tx, item, reach.config, reach.channels, now,
        lambda channels: f"{item.channel} provider failing; also paging "
                         f"{item.contact_id} by {channels}")
