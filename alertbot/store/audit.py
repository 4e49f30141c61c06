"""The audit log: who signed in, looked at or acted on what, when, from where (issue 11).

FERPA (34 CFR 99.32) asks a school to keep a record of each request for and disclosure
of personally identifiable information from education records; the reporter's words,
notes and documents may be such information. Rows are appended, never changed.

A part of ``Tx`` (store/tx.py): synchronous queries over the unit of work's connection.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from alertbot.store.schema import audit_log
from alertbot.store.txbase import TxBase

AUDIT_PAGE_MAX = 10_000  # rows one read returns at most


@dataclass(frozen=True)
class AuditEntry:
    """One audited event. ``at`` epoch seconds; ``contact_id`` None for someone not (or
    not yet) known; ``via``: session, bearer, sms or none; ``subject``: what a sign-in
    attempt named; ``client``: the client's address; ``detail``: a short note, never a
    code nor a secret."""

    at: float
    action: str
    contact_id: str | None = None
    via: str = "none"
    outcome: str = "ok"
    incident_id: int | None = None
    subject: str | None = None
    client: str = ""
    user_agent: str = ""
    detail: str = ""
    id: int = 0


class AuditQueries(TxBase):
    def audit(self, entry: AuditEntry) -> None:
        """Append ``entry`` (text fields cut to their columns' lengths)."""
        self.conn.execute(sa.insert(audit_log).values(
            at=entry.at, contact_id=entry.contact_id, via=entry.via,
            action=entry.action[:32], outcome=entry.outcome[:32],
            incident_id=entry.incident_id,
            subject=None if entry.subject is None else entry.subject[:200],
            client=entry.client[:64], user_agent=entry.user_agent[:300],
            detail=entry.detail[:300]))

    def audit_count(self, action: str, since: float, subject: str | None = None,
                    client: str | None = None, outcome: str | None = None) -> int:
        """How many ``action`` rows since ``since`` (for one subject and/or client)."""
        a = audit_log.c
        where = [a.action == action, a.at >= since]
        if subject is not None:
            where.append(a.subject == subject)
        if client is not None:
            where.append(a.client == client)
        if outcome is not None:
            where.append(a.outcome == outcome)
        return int(self.conn.execute(
            sa.select(sa.func.count()).select_from(audit_log).where(*where)).scalar() or 0)

    def audit_entries(self, since: float | None, until: float | None,
                      limit: int = AUDIT_PAGE_MAX) -> list[AuditEntry]:
        """Rows with ``since <= at < until`` (either bound may be None), oldest first."""
        a = audit_log.c
        query = sa.select(audit_log).order_by(a.at, a.id).limit(min(limit, AUDIT_PAGE_MAX + 1))
        if since is not None:
            query = query.where(a.at >= since)
        if until is not None:
            query = query.where(a.at < until)
        out = []
        for row in self.conn.execute(query).all():
            m = row._mapping
            out.append(AuditEntry(
                at=float(m["at"]), action=m["action"], contact_id=m["contact_id"],
                via=m["via"], outcome=m["outcome"], incident_id=m["incident_id"],
                subject=m["subject"], client=m["client"], user_agent=m["user_agent"],
                detail=m["detail"], id=int(m["id"])))
        return out
