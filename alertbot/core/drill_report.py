"""The drill report (issue 14): how fast the team answered a drill, from its records.

Pure: ``measure(incident, messages, entries)`` reads one incident's outbox rows and
timeline and returns ``Measures``; ``drill_report(...)`` adds the drill's name, how it
ended and the earlier drills to compare with. Times are seconds (floats) after the
incident opened; ``None`` means "never".

- Time to first page: the first page a provider accepted (``first_page_at``, else the
  earliest ``sent_at`` of a page), after the incident opened.
- Each responder: everyone a page of the drill went out to (and whoever acknowledged),
  in the order first paged; their time to acknowledge: the acknowledgement that stopped
  paging (``incident.acknowledged_at``) or a later one recorded for the drill (timeline
  kind ``drill_ack``, actor = the contact's name as the plan has it); "never" otherwise.
- The channel that reached them: the channel of the last page to them that a provider
  accepted at or before their acknowledgement (the delivery that preceded the ack).
- Compared with up to 3 earlier drills (the same drill id, else the same policy): the
  median of their median times to acknowledge.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from alertbot.core.incident import Incident
from alertbot.core.records import OutboxItem, OutboxKind, TimelineEntry

LATE_ACK = "drill_ack"  # timeline kind: a drill acknowledged again by someone else
COMPARE_WITH = 3  # earlier drills a report compares with
# seconds: a drill opened by its keyword (DRILL) resolves itself this long after it opened,
# unless someone resolves it first; the same as a scheduled drill's default ``end_after``
# (config/schema.py DrillModel, decision 0041), so both kinds end and are summarised alike.
KEYWORD_DRILL_END_AFTER = 900.0


@dataclass(frozen=True)
class Responder:
    contact_id: str
    name: str
    paged_after: float | None  # seconds from opening to their first accepted page
    ack_after: float | None  # seconds from opening to their acknowledgement; None: never
    channel: str | None  # the channel of the delivery that preceded their ack
    stopped_paging: bool = False  # theirs was the acknowledgement that stopped paging


@dataclass(frozen=True)
class Measures:
    incident_id: int
    opened_at: float
    first_page_after: float | None
    responders: tuple[Responder, ...]

    @property
    def median_ack(self) -> float | None:
        times = [r.ack_after for r in self.responders if r.ack_after is not None]
        return statistics.median(times) if times else None

    @property
    def acknowledged(self) -> int:
        return sum(1 for r in self.responders if r.ack_after is not None)


@dataclass(frozen=True)
class DrillReport:
    drill_id: str | None  # the scheduled drill's id; None for one opened by a keyword
    policy: str
    school: str | None
    ended: str  # how it ended (a reason), "" while it runs
    this: Measures
    earlier: tuple[Measures, ...]  # newest first, at most COMPARE_WITH

    @property
    def earlier_median_ack(self) -> float | None:
        medians = [m.median_ack for m in self.earlier if m.median_ack is not None]
        return statistics.median(medians) if medians else None

    def to_json(self) -> dict[str, Any]:
        """The JSON of ``GET /api/drills/{id}/report`` (times in seconds, floats)."""
        return {
            "incident": self.this.incident_id, "drill": self.drill_id,
            "policy": self.policy, "school": self.school, "ended": self.ended,
            "first_page_seconds": self.this.first_page_after,
            "acknowledged": self.this.acknowledged, "paged": len(self.this.responders),
            "median_ack_seconds": self.this.median_ack,
            "responders": [{
                "contact": r.contact_id, "name": r.name,
                "paged_seconds": r.paged_after, "ack_seconds": r.ack_after,
                "reached_by": r.channel, "stopped_paging": r.stopped_paging,
            } for r in self.this.responders],
            "earlier": [{
                "incident": m.incident_id, "first_page_seconds": m.first_page_after,
                "median_ack_seconds": m.median_ack, "acknowledged": m.acknowledged,
                "paged": len(m.responders)} for m in self.earlier],
            "earlier_median_ack_seconds": self.earlier_median_ack,
        }


def _acks(incident: Incident, entries: Sequence[TimelineEntry]) -> dict[str, float]:
    """contact id -> when they acknowledged (the first time)."""
    by_name = {r.name: r.contact_id for s in incident.plan.steps for r in s.recipients}
    acks: dict[str, float] = {}
    if incident.acknowledged_by and incident.acknowledged_at is not None:
        acks[incident.acknowledged_by] = incident.acknowledged_at
    for entry in entries:
        cid = by_name.get(entry.actor or "")
        if entry.kind == LATE_ACK and cid is not None:
            acks.setdefault(cid, entry.at)
    return acks


def measure(incident: Incident, messages: Sequence[OutboxItem],
            entries: Sequence[TimelineEntry]) -> Measures:
    """One drill's numbers (see the module's docstring)."""
    opened = incident.created_at
    pages = sorted((m for m in messages if m.kind is OutboxKind.PAGE and m.contact_id
                    and m.sent_at is not None),
                   key=lambda m: (m.sent_at or 0.0, m.id))
    names = {r.contact_id: r.name for s in incident.plan.steps for r in s.recipients}
    if incident.acknowledged_by and incident.acknowledged_by_name:
        names.setdefault(incident.acknowledged_by, incident.acknowledged_by_name)
    acks = _acks(incident, entries)
    order = list(dict.fromkeys([*(m.contact_id for m in pages if m.contact_id), *acks]))
    responders = []
    for cid in order:
        theirs = [m for m in pages if m.contact_id == cid]
        acked = acks.get(cid)
        before = [m for m in theirs if acked is not None and (m.sent_at or 0.0) <= acked]
        responders.append(Responder(
            contact_id=cid, name=names.get(cid, cid),
            paged_after=(theirs[0].sent_at or 0.0) - opened if theirs else None,
            ack_after=None if acked is None else max(0.0, acked - opened),
            channel=str(before[-1].channel) if before else None,
            stopped_paging=cid == incident.acknowledged_by))
    first = incident.first_page_at if incident.first_page_at is not None else (
        pages[0].sent_at if pages else None)
    return Measures(incident.id, opened, None if first is None else max(0.0, first - opened),
                    tuple(responders))


def drill_report(this: Measures, drill_id: str | None, policy: str, school: str | None,
                 ended: str, earlier: Sequence[Measures]) -> DrillReport:
    """The report: ``this`` drill and up to ``COMPARE_WITH`` ``earlier`` ones (newest
    first; the caller picks the same drill id, else the same policy)."""
    return DrillReport(drill_id, policy, school, ended, this, tuple(earlier[:COMPARE_WITH]))
