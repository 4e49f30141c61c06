"""What the store keeps besides incidents: outbox messages and timeline entries."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from alertbot.core.model import Channel

# The reason every page the console's "page now" queues starts with (service/
# console_actions.py). Such a page is wanted while its incident is open, acknowledged
# included (``notify.claim.still_wanted``): a designee calls someone in after taking it.
CONSOLE_PAGE_REASON = "paged from the console by "


class OutboxStatus(StrEnum):
    PENDING = "pending"  # waiting for its due time
    SENDING = "sending"  # claimed by an instance (lease); re-claimable when the lease expires
    SENT = "sent"  # the provider accepted it
    FAILED = "failed"  # permanently refused by the provider
    CANCELLED = "cancelled"  # its incident was acknowledged before it went out


class OutboxKind(StrEnum):
    PAGE = "page"
    NOTICE = "notice"
    # A call back to a contact whose acknowledgement (or resolve) came with caller ID
    # only: pressing 1 on it does what they asked (decision 0014).
    CONFIRM_ACK = "confirm_ack"
    CONFIRM_RESOLVE = "confirm_resolve"
    # A call into the incident's conference (BRIDGE, issue 13): always goes, like a notice.
    BRIDGE = "bridge"


@dataclass(frozen=True)
class NewMessage:
    """A message to put in the outbox."""

    kind: OutboxKind
    channel: Channel
    address: str
    body: str
    language: str = "en"
    incident_id: int | None = None
    contact_id: str | None = None
    step: int | None = None
    round: int | None = None
    reason: str = ""
    opened_at: float | None = None
    delay: float = 0.0  # due this many seconds after it is enqueued


@dataclass(frozen=True)
class OutboxItem:
    id: int
    kind: OutboxKind
    channel: Channel
    address: str
    body: str
    language: str
    incident_id: int | None
    contact_id: str | None
    step: int | None
    round: int | None
    reason: str
    status: OutboxStatus
    due_at: float
    attempts: int
    created_at: float
    opened_at: float | None = None
    sent_at: float | None = None
    provider_id: str | None = None
    provider_status: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class TimelineEntry:
    incident_id: int
    at: float
    kind: str  # opened, routed, paged, page_failed, acknowledged, resolved, update, ...
    actor: str | None
    text: str
