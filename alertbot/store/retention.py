"""Retention: purge an incident's free text, keep its timings and counts (issue 12,
decision 0031).

A part of ``Tx`` (store/tx.py). What is free text: the reporter's words
(``incidents.details``), the timeline entries that carry people's words (``update``:
later texts and transcripts; ``note``: NOTE), notices' bodies (they forward words),
checklist notes and text fields, the encounter log's text fields, warrant-aid notes and
records requests' free text. What stays: every row, every time, every count, who did
what (contacts are staff, not students), enumerated answers. Purged text is written
plain ("" or ``PURGED``: nothing left to seal); the checklist values kept are sealed
again (decision 0044).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from alertbot.core.encounter import FREE_TEXT
from alertbot.core.incident import State
from alertbot.core.records import OutboxKind
from alertbot.store.procedure import field_values, seal_field_values
from alertbot.store.schema import (
    encounters,
    incidents,
    outbox,
    procedure_steps,
    records_requests,
    retention_purges,
    timeline,
    warrant_reviews,
)
from alertbot.store.txbase import TxBase

PURGED = "(purged: retention)"  # what a purged timeline entry or notice reads


class RetentionQueries(TxBase):
    def incidents_to_purge(self, resolved_before: float, limit: int) -> list[int]:
        """Resolved before ``resolved_before`` (epoch seconds) and not purged yet, oldest
        first."""
        done = sa.select(retention_purges.c.incident_id).where(
            retention_purges.c.incident_id == incidents.c.id)
        rows = self.conn.execute(
            sa.select(incidents.c.id)
            .where(incidents.c.state == str(State.RESOLVED),
                   incidents.c.resolved_at < resolved_before, ~sa.exists(done))
            .order_by(incidents.c.resolved_at).limit(limit)).all()
        return [int(r[0]) for r in rows]

    def claim_purge(self, incident_id: int, now: float) -> bool:
        """Record that the incident is purged now; False if it already was (one purge
        each, whichever instance gets there first)."""
        insert = pg_insert if self.postgres else sqlite_insert
        result = self.conn.execute(insert(retention_purges).on_conflict_do_nothing(
            index_elements=[retention_purges.c.incident_id]),
            {"incident_id": incident_id, "purged_at": now})
        return bool(result.rowcount)

    def purged_at(self, incident_id: int) -> float | None:
        value = self.conn.execute(sa.select(retention_purges.c.purged_at).where(
            retention_purges.c.incident_id == incident_id)).scalar()
        return None if value is None else float(value)

    def purge_free_text(self, incident_id: int, timeline_kinds: Iterable[str],
                        keep_values: Callable[[str, Mapping[str, str]], dict[str, str]]
                        ) -> None:
        """Blank the incident's free text (see the module docstring). ``keep_values(step
        id, values)``: the checklist field values to keep (times, numbers, choices)."""
        self.conn.execute(sa.update(incidents).where(incidents.c.id == incident_id)
                          .values(details=""))
        self.conn.execute(sa.update(timeline).where(
            timeline.c.incident_id == incident_id,
            timeline.c.kind.in_(sorted(set(timeline_kinds)))).values(text=PURGED))
        self.conn.execute(sa.update(outbox).where(
            outbox.c.incident_id == incident_id,
            outbox.c.kind == str(OutboxKind.NOTICE)).values(body=PURGED))
        for step_id, values in self.conn.execute(
                sa.select(procedure_steps.c.step_id, procedure_steps.c.field_values)
                .where(procedure_steps.c.incident_id == incident_id)).all():
            kept = keep_values(str(step_id),
                               field_values(self.words, values, incident_id, str(step_id)))
            self.conn.execute(sa.update(procedure_steps).where(
                procedure_steps.c.incident_id == incident_id,
                procedure_steps.c.step_id == step_id).values(
                note="", field_values=seal_field_values(self.words, kept, incident_id,
                                                        str(step_id))))
        self.conn.execute(sa.update(encounters).where(encounters.c.incident_id == incident_id)
                          .values(**dict.fromkeys(FREE_TEXT, "")))
        self.conn.execute(sa.update(records_requests).where(
            records_requests.c.incident_id == incident_id).values(other_category="", notes=""))
        self.conn.execute(sa.update(warrant_reviews).where(
            warrant_reviews.c.incident_id == incident_id).values(note=""))
