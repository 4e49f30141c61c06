"""Which incidents a period's report covers (issue 12, the CSV of incidents).

A part of ``Tx`` (store/tx.py): synchronous queries over the unit of work's connection."""

from __future__ import annotations

import sqlalchemy as sa

from alertbot.store.schema import incidents
from alertbot.store.txbase import TxBase


class ReportQueries(TxBase):
    def incident_ids_between(self, start: float, end: float, limit: int) -> list[int]:
        """Numbers of the incidents opened in [``start``, ``end``) (epoch seconds), oldest
        first, at most ``limit``."""
        rows = self.conn.execute(sa.select(incidents.c.id).where(
            incidents.c.created_at >= start, incidents.c.created_at < end)
            .order_by(incidents.c.id).limit(limit)).all()
        return [int(r[0]) for r in rows]
