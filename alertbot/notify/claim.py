"""Stage 1, claim: take due messages from the outbox, skipping pages nobody needs now.

``claim(tx, ...)`` runs inside one unit of work. It asks the outbox for what is due
(fair order and row locks are the query's job, see ``ports.ClaimTx.due_outbox``),
decides here which of those still go (``still_wanted``), cancels the others and leases
the rest to this instance. A page whose incident was acknowledged or resolved is
cancelled, wherever it waited: in the outbox, in a retry's backoff, or held by an open
circuit. Notices always go (an "acknowledged by" notice is about an acknowledged
incident).

With rate limits (``ratelimit.Rates``) each limited channel claims only what its bucket
allows now, so nothing claimed sits out its lease waiting for a token; the rest stays in
the outbox, in order.
"""

from __future__ import annotations

from dataclasses import dataclass

from alertbot.core.incident import State
from alertbot.core.model import Channel
from alertbot.core.records import CONSOLE_PAGE_REASON, OutboxItem, OutboxKind
from alertbot.notify.ports import ClaimTx
from alertbot.notify.ratelimit import Rates


def still_wanted(item: OutboxItem, incident_state: State | None) -> bool:
    """Should this due message still be sent? A page only while its incident is
    triggered (not acknowledged, resolved, or gone); any other message always. A page
    from the console's "page now" (reason ``CONSOLE_PAGE_REASON``) also while the
    incident is acknowledged: whoever took it called that person in (an acknowledgement
    cancels the pages queued before it, console ones included; the person's own ACK
    cancels theirs: service/responding.py)."""
    if item.kind is not OutboxKind.PAGE:
        return True
    if incident_state is State.ACKNOWLEDGED and item.reason.startswith(CONSOLE_PAGE_REASON):
        return True
    return incident_state is State.TRIGGERED


@dataclass(frozen=True)
class Lease:
    """Who claims, and for how long: ``owner`` holds what it claims until
    ``lease_now + seconds`` on the wall clock (``lease_now``); after that another
    instance (or this one, restarted) may take it and send it again."""

    owner: str
    seconds: float
    lease_now: float


@dataclass(frozen=True)
class Claimed:
    """What a claim took (in send order) and, when a rate limit held work back, how
    many seconds until the first held channel has a token again (else 0)."""

    items: list[OutboxItem]
    throttled: float = 0.0
    cancelled: int = 0


def claim_some(tx: ClaimTx, now: float, lease: Lease, limit: int,
               channel: Channel | None) -> tuple[list[OutboxItem], int]:
    """Claim up to ``limit`` due messages (``channel`` None: any): the wanted ones are
    leased and returned; the unwanted ones are cancelled and counted."""
    if limit <= 0:
        return [], 0
    due = tx.due_outbox(now, lease.lease_now, limit, channel)
    items = [item for item, state in due if still_wanted(item, state)]
    cancel = [item.id for item, state in due if not still_wanted(item, state)]
    if cancel:
        tx.cancel_outbox(cancel)
    if items:
        tx.lease_outbox([i.id for i in items], lease.owner, lease.lease_now + lease.seconds)
    return items, len(cancel)


def claim(tx: ClaimTx, now: float, lease: Lease, free: int, rates: Rates) -> Claimed:
    """Claim up to ``free`` due messages, each limited channel no more than its bucket
    allows (tokens are taken for what was claimed). Without limits, one query takes
    every channel in fair order; with limits, channels are claimed one after another
    (SMS, voice, Slack), sharing ``free``."""
    if not rates:
        items, cancelled = claim_some(tx, now, lease, free, None)
        return Claimed(items, 0.0, cancelled)
    items = []
    cancelled = 0
    throttled = 0.0
    for channel in Channel:
        allowed = rates.allowed(channel, free)
        if allowed <= 0:
            wait = rates.wait(channel)
            if wait > 0:
                throttled = min(throttled or wait, wait)
            continue
        got, dropped = claim_some(tx, now, lease, allowed, channel)
        rates.took(channel, len(got))
        items += got
        cancelled += dropped
        free -= len(got)
    return Claimed(items, throttled, cancelled)
