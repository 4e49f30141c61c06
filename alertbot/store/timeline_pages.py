"""Bounded reads for /api/incidents and the dashboard (issue 9, kind 12).

An incident can carry thousands of timeline rows (every page, every delivery result);
the list view shows only the latest few of each, with a count, and the one-incident
view pages the rest. The dashboard polls "what changed since" a cursor: the highest
timeline row id it has seen (every change to an incident writes a timeline row).
Functions over a ``Tx`` so the shared transaction class stays as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from alertbot.core.incident import Incident
from alertbot.store.rows import incident_from_row
from alertbot.store.schema import incidents, timeline
from alertbot.store.tx import Tx


@dataclass(frozen=True)
class Entry:
    """A timeline row with its id (the paging cursor)."""

    id: int
    incident_id: int
    at: float
    kind: str
    actor: str | None
    text: str


def _entry(tx: Tx, row: sa.Row[object]) -> Entry:
    m = row._mapping
    return Entry(int(m["id"]), int(m["incident_id"]), float(m["at"]), str(m["kind"]),
                 m["actor"], tx.timeline_text(int(m["incident_id"]), str(m["kind"]),
                                              str(m["text"])))


def incidents_page(tx: Tx, limit: int, before: int | None = None,
                   ids: Sequence[int] | None = None) -> list[Incident]:
    """Newest first: at most ``limit`` incidents numbered below ``before`` (if given),
    among ``ids`` (if given)."""
    query = sa.select(incidents).order_by(incidents.c.id.desc()).limit(limit)
    if before is not None:
        query = query.where(incidents.c.id < before)
    if ids is not None:
        query = query.where(incidents.c.id.in_(list(ids)))
    return [incident_from_row(r, tx.words) for r in (tx.conn.execute(query)).all()]


def latest_entries(tx: Tx, incident_ids: Sequence[int], per_incident: int
                         ) -> dict[int, list[Entry]]:
    """The latest ``per_incident`` entries of each incident, oldest first (one indexed
    query per incident: the (incident_id, id) index reads only what is returned)."""
    out: dict[int, list[Entry]] = {}
    for number in incident_ids:
        out[number] = timeline_page(tx, number, per_incident) if per_incident else []
    return out


def timeline_totals(tx: Tx, incident_ids: Sequence[int]) -> dict[int, int]:
    totals = {i: 0 for i in incident_ids}
    if incident_ids:
        rows = (tx.conn.execute(
            sa.select(timeline.c.incident_id, sa.func.count().label("n"))
            .where(timeline.c.incident_id.in_(list(incident_ids)))
            .group_by(timeline.c.incident_id))).all()
        totals.update({int(r._mapping["incident_id"]): int(r._mapping["n"]) for r in rows})
    return totals


def timeline_page(tx: Tx, incident_id: int, limit: int, before: int | None = None
                        ) -> list[Entry]:
    """Up to ``limit`` entries of one incident older than entry ``before`` (or the
    latest), oldest first."""
    query = (sa.select(timeline).where(timeline.c.incident_id == incident_id)
             .order_by(timeline.c.id.desc()).limit(limit))
    if before is not None:
        query = query.where(timeline.c.id < before)
    rows = (tx.conn.execute(query)).all()
    return [_entry(tx, r) for r in reversed(rows)]


def timeline_cursor(tx: Tx) -> int:
    """The highest timeline row id so far (0 for none)."""
    return int((tx.conn.execute(sa.select(sa.func.max(timeline.c.id)))).scalar() or 0)


def changed_since(tx: Tx, cursor: int) -> list[int]:
    """Incidents with a timeline row after ``cursor``, newest first."""
    rows = (tx.conn.execute(
        sa.select(timeline.c.incident_id).where(timeline.c.id > cursor).distinct()
        .order_by(timeline.c.incident_id.desc()))).all()
    return [int(r[0]) for r in rows]
