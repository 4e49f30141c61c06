"""Scheduled drills' runs (issue 14, decision 0041): each (drill, slot) once.

A part of ``Tx`` (store/tx.py): synchronous queries over the unit of work's connection.
Every transition is a unique key or a conditional update, so two instances on one
database (SQLite or PostgreSQL) agree: one starts a slot, one ends a run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from alertbot.core.incident import Incident, State
from alertbot.store.rows import incident_from_row
from alertbot.store.schema import database_meta, drill_runs, incidents
from alertbot.store.txbase import TxBase

STARTED, MISSED = "started", "missed"
_IS_DRILL = sa.select(incidents.c.drill).where(incidents.c.id == sa.bindparam("id"))


@dataclass(frozen=True)
class DrillRun:
    """One slot of one drill: started (``incident_id``) or missed (``reason``)."""

    drill_id: str
    slot: str
    scheduled_at: float
    status: str
    incident_id: int | None
    recorded_at: float
    end_at: float | None
    ended_at: float | None
    reason: str


def _run(row: sa.Row[Any]) -> DrillRun:
    m = row._mapping
    return DrillRun(m["drill_id"], m["slot"], m["scheduled_at"], m["status"],
                    m["incident_id"], m["recorded_at"], m["end_at"], m["ended_at"],
                    m["reason"])


class DrillQueries(TxBase):
    def claim_drill_slot(self, drill_id: str, slot: str, scheduled_at: float, now: float,
                         status: str, owner: str, reason: str = "") -> bool:
        """Record ``slot`` of ``drill_id`` as ``status``; False if it was already recorded
        (by this or another instance): the caller then does nothing. On PostgreSQL a
        concurrent claim waits for this one's commit and then loses."""
        insert = pg_insert if self.postgres else sqlite_insert
        found = self.conn.execute(
            insert(drill_runs).values(
                drill_id=drill_id, slot=slot, scheduled_at=scheduled_at, status=status,
                recorded_at=now, owner=owner, reason=reason)
            .on_conflict_do_nothing(index_elements=[drill_runs.c.drill_id, drill_runs.c.slot])
            .returning(drill_runs.c.drill_id)).first()
        return found is not None

    def attach_drill_incident(self, drill_id: str, slot: str, incident_id: int,
                              end_at: float) -> None:
        """The incident a claimed slot opened, and when it ends by itself."""
        self.conn.execute(
            sa.update(drill_runs)
            .where(drill_runs.c.drill_id == drill_id, drill_runs.c.slot == slot)
            .values(incident_id=incident_id, end_at=end_at))

    def last_drill_time(self, drill_id: str, now: float) -> float | None:
        """Since when the slots of ``drill_id`` were looked at: the latest recorded slot,
        else when this database first saw the drill configured. None the first time it
        is seen (which is then recorded, at ``now``, in ``alertbot_meta``): a slot due
        while alertbot was down after that is found and recorded missed."""
        value = self.conn.execute(
            sa.select(sa.func.max(drill_runs.c.scheduled_at))
            .where(drill_runs.c.drill_id == drill_id)).scalar()
        if value is not None:
            return float(value)
        key = f"drill-seen:{drill_id}"
        seen = self.conn.execute(
            sa.select(database_meta.c.set_at).where(database_meta.c.key == key)).scalar()
        if seen is not None:
            return float(seen)
        insert = pg_insert if self.postgres else sqlite_insert
        self.conn.execute(insert(database_meta).values(key=key, value="seen", set_at=now)
                          .on_conflict_do_nothing(index_elements=[database_meta.c.key]))
        return None

    def running_drills(self) -> list[DrillRun]:
        """Started runs not yet ended, oldest first."""
        rows = self.conn.execute(
            sa.select(drill_runs)
            .where(drill_runs.c.status == STARTED, drill_runs.c.ended_at.is_(None),
                   drill_runs.c.incident_id.is_not(None))
            .order_by(drill_runs.c.scheduled_at)).all()
        return [_run(r) for r in rows]

    def end_drill_run(self, drill_id: str, slot: str, now: float, reason: str) -> bool:
        """Mark the run ended, once: False if it already was (another instance)."""
        result = self.conn.execute(
            sa.update(drill_runs)
            .where(drill_runs.c.drill_id == drill_id, drill_runs.c.slot == slot,
                   drill_runs.c.ended_at.is_(None))
            .values(ended_at=now, reason=reason))
        return bool(result.rowcount)

    def is_drill(self, incident_id: int) -> bool:
        """Whether incident ``incident_id`` is a drill (keyword or scheduled)."""
        known = self.drill_flags.get(incident_id)
        if known is not None:
            return known
        return bool(self.conn.execute(_IS_DRILL, {"id": incident_id}).scalar())

    def drill_run_of(self, incident_id: int) -> DrillRun | None:
        row = self.conn.execute(
            sa.select(drill_runs).where(drill_runs.c.incident_id == incident_id)).first()
        return None if row is None else _run(row)

    def drill_runs_of(self, drill_id: str) -> list[DrillRun]:
        """Every recorded slot of ``drill_id``, oldest first."""
        rows = self.conn.execute(
            sa.select(drill_runs).where(drill_runs.c.drill_id == drill_id)
            .order_by(drill_runs.c.scheduled_at)).all()
        return [_run(r) for r in rows]

    def earlier_drills(self, before_id: int, limit: int = 50) -> list[Incident]:
        """Resolved drill incidents opened before incident ``before_id``, newest first."""
        rows = self.conn.execute(
            sa.select(incidents)
            .where(incidents.c.drill.is_(True), incidents.c.id < before_id,
                   incidents.c.state == str(State.RESOLVED))
            .order_by(incidents.c.id.desc()).limit(limit)).all()
        return [incident_from_row(r, self.words) for r in rows]
