"""Which incidents a period's report covers (issue 12, the CSV of incidents), and the
audit of who looked at one incident (its after-action report).

A part of ``Tx`` (store/tx.py): synchronous queries over the unit of work's connection."""

from __future__ import annotations

import sqlalchemy as sa

from alertbot.store.audit import AuditEntry
from alertbot.store.schema import audit_log, incidents
from alertbot.store.txbase import TxBase


class ReportQueries(TxBase):
    def incident_ids_between(self, start: float, end: float, limit: int) -> list[int]:
        """Numbers of the incidents opened in [``start``, ``end``) (epoch seconds), oldest
        first, at most ``limit``."""
        rows = self.conn.execute(sa.select(incidents.c.id).where(
            incidents.c.created_at >= start, incidents.c.created_at < end)
            .order_by(incidents.c.id).limit(limit)).all()
        return [int(r[0]) for r in rows]

    def audit_of(self, incident_id: int, limit: int = 1000) -> list[AuditEntry]:
        """The audit log's rows about one incident (who looked, acted, downloaded),
        oldest first, at most ``limit``."""
        a = audit_log.c
        rows = self.conn.execute(sa.select(audit_log).where(a.incident_id == incident_id)
                                 .order_by(a.at, a.id).limit(limit)).all()
        return [AuditEntry(at=float(m["at"]), action=m["action"], contact_id=m["contact_id"],
                           via=m["via"], outcome=m["outcome"], incident_id=m["incident_id"],
                           subject=m["subject"], client=m["client"],
                           user_agent=m["user_agent"], detail=m["detail"], id=int(m["id"]))
                for m in (r._mapping for r in rows)]
