"""What the notify stages need from the store: a few outbox operations, as Protocols.

The stages that touch the store (claim, fallback, record) are plain synchronous
functions over one transaction: they run inside a unit of work,
``await outbox.write(fn)`` with ``fn(tx) -> T``, and never await, sleep or call a
provider in there. ``tx`` is anything with the methods below: the store's ``Tx`` in
production, ``tests/unit/notify/fakes.FakeOutbox`` (in memory) in the unit tests.

Every method is positional-only so an implementation may name its parameters as it
likes. Times are epoch seconds on the schedule's clock unless a name says otherwise
(``lease_now``, ``lease_until``: the wall clock that leases are kept in).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from alertbot.core.incident import Incident, State
from alertbot.core.model import Channel
from alertbot.core.records import NewMessage, OutboxItem

T = TypeVar("T")


class ClaimTx(Protocol):
    """The claim stage's view of the outbox."""

    def due_outbox(self, now: float, lease_now: float, limit: int,
                   channel: Channel | None, /) -> Sequence[tuple[OutboxItem, State | None]]:
        """Up to ``limit`` messages due at ``now``: pending ones, and in-flight ones
        whose lease ran out before ``lease_now``; ``channel`` None means any channel.
        Each with its incident's state (None: no incident, or it is gone).

        Order (fairness): notices and first rounds before repeats, then round-robin
        across the incidents of a burst, then oldest first. On PostgreSQL the rows are
        locked ``FOR UPDATE SKIP LOCKED`` until commit, so two instances take different
        messages.
        """
        ...

    def cancel_outbox(self, ids: Sequence[int], /) -> None:
        """Mark these messages cancelled (they will never be sent)."""
        ...

    def lease_outbox(self, ids: Sequence[int], owner: str, lease_until: float, /) -> None:
        """Mark these messages in flight, leased to ``owner`` until ``lease_until`` (wall
        clock), and count one more attempt for each."""
        ...


class RecordTx(Protocol):
    """The record and fallback stages' view of the outbox and the incident."""

    def mark_sent(self, item_id: int, provider_id: str | None, now: float, /) -> None: ...

    def mark_retry(self, item_id: int, due_at: float, error: str, /) -> None:
        """Pending again, due at ``due_at``, with ``error`` saying why it waits."""
        ...

    def mark_failed(self, item_id: int, error: str, /) -> bool:
        """Failed for good; False if it already was (so a failure is acted on once)."""
        ...

    def release_held(self, channel: Channel, error: str, now: float, /) -> int:
        """Make due at ``now`` the pending ``channel`` messages whose error starts with
        ``error`` (held by an open circuit); how many."""
        ...

    def mark_first_page(self, incident_id: int, at: float, /) -> bool:
        """Note the incident's first accepted page; True only the first time."""
        ...

    def messages_for(self, incident_id: int, /) -> list[OutboxItem]: ...

    def get_incident(self, incident_id: int, /) -> Incident | None: ...

    def enqueue(self, messages: Sequence[NewMessage], now: float, /) -> None: ...

    def add_timeline(self, incident_id: int, at: float, kind: str, text: str, /) -> None: ...

    def set_opt_out(self, contact_id: str, channel: Channel, address: str, at: float,
                    reason: str, /) -> None:
        """Record that ``contact_id`` refuses ``channel`` (Twilio 21610), first time kept."""
        ...


class OutboxTx(ClaimTx, RecordTx, Protocol):
    """Everything the pipeline does inside one unit of work."""


class Outbox(Protocol):
    """Runs a unit of work: ``fn(tx)`` inside one read-write transaction, committed if
    ``fn`` returns, rolled back if it raises (the exception propagates)."""

    async def write(self, fn: Callable[[OutboxTx], T], /) -> T: ...


class SendsNow(Protocol):
    """Sends what a command's unit of work queued without waiting for the engine
    (decision 0048): ``claimer()``, called on the loop before the unit, returns the claim
    stage bound to this instance's lease and free slots; the unit calls it last, so the
    messages it queued are leased in the transaction that wrote them. After the commit,
    ``start(items)`` hands each leased message to its own send task."""

    def claimer(self) -> Callable[[ClaimTx], list[OutboxItem]]: ...

    def start(self, items: Sequence[OutboxItem], /) -> None: ...


class SendLater:
    """``SendsNow`` that claims nothing: the engine's next pass sends what was queued
    (a receiver built without a dispatcher, in store tests)."""

    def claimer(self) -> Callable[[ClaimTx], list[OutboxItem]]:
        return lambda _tx: []

    def start(self, items: Sequence[OutboxItem], /) -> None:
        assert not items
