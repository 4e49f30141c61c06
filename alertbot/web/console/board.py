"""What the board shows, computed from data: sections, order, pages, next page. No I/O.

The order is "what needs a human first" (issue 11):

1. ``unacked``: triggered incidents that are not drills, the one waiting longest first;
2. ``acked``: acknowledged ones, the most recently acknowledged first;
3. ``resolved``: resolved since midnight in the district's time zone, latest first;
4. ``drills``: drills of any state shown in the sections above (open, or resolved
   today), apart and plainly marked, open ones first.

The next page time comes from the incident's frozen plan through
``core.policy.decide`` (what the engine will do at ``due_at``) and from pages already
queued for later (a contact's next channel, ``channel_delay``): never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from alertbot.core.incident import Incident, State
from alertbot.core.policy import decide
from alertbot.core.records import OutboxItem, OutboxKind, OutboxStatus

SECTIONS = ("unacked", "acked", "resolved", "drills")


@dataclass(frozen=True)
class PageLine:
    """One page sent (or queued) for an incident: to whom, by which channel, its
    delivery result (our ``status`` and the provider's last ``provider_status``)."""

    contact_id: str | None
    name: str
    channel: str
    status: str
    provider_status: str | None
    error: str | None
    at: float  # when it was queued (seconds since the epoch)
    reason: str


@dataclass(frozen=True)
class NextPage:
    """When the next page goes out (epoch seconds) and to whom; ``exhausted``: the
    policy has run out and nobody more will be paged."""

    at: float | None
    names: tuple[str, ...]
    exhausted: bool = False
    queued_channel: bool = False  # a later channel already queued (channel_delay)


@dataclass(frozen=True)
class Card:
    """An incident's card; ``ends_at``: when an open drill ends by itself (epoch seconds;
    its run's ``end_at``: a keyword drill 15 min after it opened, a scheduled one its
    ``end_after``), None for anything else."""

    incident: Incident
    section: str
    pages: tuple[PageLine, ...]
    next_page: NextPage | None
    ends_at: float | None = None


def local_midnight(now: float, timezone: str) -> float:
    """Epoch seconds of the start of ``now``'s day in ``timezone``."""
    local = datetime.fromtimestamp(now, ZoneInfo(timezone))
    return local.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()


def section_of(incident: Incident, midnight: float) -> str | None:
    """The board section of ``incident`` (None: not on the board, resolved before
    ``midnight``)."""
    if incident.state is State.RESOLVED and (incident.resolved_at or 0.0) < midnight:
        return None
    if incident.drill:
        return "drills"
    return {State.TRIGGERED: "unacked", State.ACKNOWLEDGED: "acked",
            State.RESOLVED: "resolved"}[incident.state]


def page_lines(messages: Iterable[OutboxItem], names: Mapping[str, str]) -> tuple[PageLine, ...]:
    """The pages among an incident's outbox messages, oldest first; ``names`` maps a
    contact id to the name shown (else the id)."""
    return tuple(
        PageLine(m.contact_id, names.get(m.contact_id or "", m.contact_id or m.address),
                 str(m.channel), str(m.status), m.provider_status, m.error, m.created_at,
                 m.reason)
        for m in messages if m.kind is OutboxKind.PAGE)


def next_page(incident: Incident, messages: Sequence[OutboxItem], now: float) -> NextPage | None:
    """When and to whom the next page goes for a triggered incident (None otherwise).

    A page already queued for later (a contact's next channel) counts; else the next
    escalation step is what ``decide`` returns at ``due_at``."""
    if incident.state is not State.TRIGGERED:
        return None
    queued = sorted((m for m in messages if m.kind is OutboxKind.PAGE
                     and m.status is OutboxStatus.PENDING and m.due_at > now),
                    key=lambda m: m.due_at)
    step: NextPage | None = None
    if incident.due_at is not None:
        decision = decide(incident, incident.due_at)
        if decision is not None and decision.exhausted:
            step = NextPage(None, (), exhausted=not queued)
        elif decision is not None:
            names = tuple(dict.fromkeys(p.name for p in decision.pages))
            step = NextPage(incident.due_at, names)
    else:
        step = NextPage(None, (), exhausted=not queued)
    if queued and (step is None or step.at is None or queued[0].due_at < step.at):
        first = queued[0].due_at
        names = tuple(dict.fromkeys(m.contact_id or m.address for m in queued
                                    if m.due_at == first))
        return NextPage(first, names, queued_channel=True)
    return step


def _order_key(card: Card) -> tuple[float, ...]:
    inc = card.incident
    if card.section == "unacked":
        return (inc.created_at, inc.id)
    if card.section == "acked":
        return (-(inc.acknowledged_at or 0.0), -inc.id)
    if card.section == "resolved":
        return (-(inc.resolved_at or 0.0), -inc.id)
    return (0.0 if inc.is_open else 1.0, -inc.created_at, -inc.id)


def build_cards(incidents: Iterable[Incident], messages: Mapping[int, Sequence[OutboxItem]],
                names: Mapping[str, str], now: float, timezone: str,
                drill_ends: Mapping[int, float] | None = None) -> dict[str, list[Card]]:
    """The board: each section's cards in order (see the module docstring);
    ``drill_ends``: incident id -> when that running drill ends by itself."""
    midnight = local_midnight(now, timezone)
    out: dict[str, list[Card]] = {s: [] for s in SECTIONS}
    for incident in incidents:
        section = section_of(incident, midnight)
        if section is None:
            continue
        out[section].append(card_for(incident, section, messages.get(incident.id, ()),
                                     names, now, (drill_ends or {}).get(incident.id)))
    for cards in out.values():
        cards.sort(key=_order_key)
    return out


def card_for(incident: Incident, section: str, messages: Sequence[OutboxItem],
             names: Mapping[str, str], now: float, ends_at: float | None = None) -> Card:
    """``incident``'s card; ``ends_at`` is kept only for an open drill."""
    lines = page_lines(messages, names)
    upcoming = next_page(incident, messages, now)
    if upcoming is not None and upcoming.queued_channel:
        upcoming = NextPage(upcoming.at, tuple(names.get(n, n) for n in upcoming.names),
                            queued_channel=True)
    ends = ends_at if incident.drill and incident.is_open else None
    return Card(incident, section, lines, upcoming, ends)
