"""Phone legs alertbot connects people with (issue 13), as queries of a ``Tx``.

A leg is one Twilio call (its ``CallSid``) in an incident's calls: the reporter waiting
on the line (role ``caller``), a responder who joined from a voice page (``responder``),
the reporter dialed from a page (``reporter``), a team-bridge call (``bridge``) and a
dial-in (``dialin``). Every change is a conditional update, so a callback Twilio
delivers twice, or two instances handling one, changes a leg once (decision 0036).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from alertbot.core.records import OutboxItem, OutboxKind, OutboxStatus
from alertbot.store.rows import outbox_from_row
from alertbot.store.schema import call_legs, incidents, outbox
from alertbot.store.txbase import TxBase

# Voice-page call statuses while it may still be cancelled (Twilio: only a queued or
# ringing call can be updated to ``canceled``); NULL: nothing reported yet.
RINGING = ("queued", "initiated", "ringing")
CANCELING = "canceling"


@dataclass(frozen=True)
class CallLeg:
    """One call leg: ``started_at``/``updated_at`` in epoch seconds."""

    incident_id: int
    call_sid: str
    role: str
    contact_id: str | None
    name: str
    status: str
    started_at: float
    updated_at: float


def _leg(row: sa.Row[tuple[object, ...]]) -> CallLeg:
    m = row._mapping
    return CallLeg(m["incident_id"], m["call_sid"], m["role"], m["contact_id"], m["name"],
                   m["status"], m["started_at"], m["updated_at"])


class CallQueries(TxBase):
    def add_call_leg(self, incident_id: int, call_sid: str, role: str, name: str,
                     contact_id: str | None, status: str, now: float) -> bool:
        """Record a leg; False (nothing written) when ``call_sid`` is known already. One
        statement (``ON CONFLICT DO NOTHING`` on the unique ``call_sid``), so two instances
        handling the same callback at once record it once and neither fails."""
        insert = pg_insert if self.postgres else sqlite_insert
        result = self.conn.execute(insert(call_legs).on_conflict_do_nothing(
            index_elements=[call_legs.c.call_sid]), {
            "incident_id": incident_id, "call_sid": call_sid, "role": role,
            "contact_id": contact_id, "name": name, "status": status, "started_at": now,
            "updated_at": now})
        return bool(result.rowcount)

    def call_leg(self, call_sid: str) -> CallLeg | None:
        row = self.conn.execute(sa.select(call_legs)
                                .where(call_legs.c.call_sid == call_sid)).first()
        return None if row is None else _leg(row)

    def set_call_leg_status(self, call_sid: str, status: str, now: float,
                            only_from: Collection[str] | None = None) -> bool:
        """Move leg ``call_sid`` to ``status``; True if this changed it (not when it had
        that status already, nor when ``only_from`` is given and it is in none of them)."""
        where = [call_legs.c.call_sid == call_sid, call_legs.c.status != status]
        if only_from is not None:
            where.append(call_legs.c.status.in_(list(only_from)))
        result = self.conn.execute(sa.update(call_legs).where(*where)
                                   .values(status=status, updated_at=now))
        return bool(result.rowcount)

    def call_legs_of(self, incident_id: int) -> list[CallLeg]:
        """The incident's legs, oldest first."""
        rows = self.conn.execute(sa.select(call_legs)
                                 .where(call_legs.c.incident_id == incident_id)
                                 .order_by(call_legs.c.id)).all()
        return [_leg(r) for r in rows]

    def outbox_by_call(self, call_sid: str) -> OutboxItem | None:
        """The voice page or bridge call Twilio knows as ``call_sid``."""
        row = self.conn.execute(sa.select(outbox).where(outbox.c.provider_id == call_sid)).first()
        return None if row is None else outbox_from_row(row, self.words)

    def claim_ringing_pages(self, since: float, limit: int = 50) -> list[OutboxItem]:
        """Voice pages of incidents no longer triggered whose call may still be ringing
        (sent after ``since``, no answer reported): marked ``canceling`` here (a
        conditional update), so each is cancelled by one instance, once."""
        rows = self.conn.execute(
            sa.select(outbox)
            .select_from(outbox.join(incidents, outbox.c.incident_id == incidents.c.id))
            .where(outbox.c.kind == str(OutboxKind.PAGE), outbox.c.channel == "voice",
                   outbox.c.status == str(OutboxStatus.SENT),
                   outbox.c.provider_id.is_not(None), outbox.c.sent_at >= since,
                   sa.or_(outbox.c.provider_status.is_(None),
                          outbox.c.provider_status.in_(RINGING)),
                   incidents.c.state != "triggered")
            .order_by(outbox.c.id).limit(limit)).all()
        claimed = []
        for row in rows:
            item = outbox_from_row(row, self.words)
            result = self.conn.execute(
                sa.update(outbox).where(outbox.c.id == item.id, sa.or_(
                    outbox.c.provider_status.is_(None), outbox.c.provider_status.in_(RINGING)))
                .values(provider_status=CANCELING))
            if result.rowcount:
                claimed.append(item)
        return claimed

    def recent_outbox(self, incident_id: int, kind: OutboxKind, since: float,
                      contact_id: str | None = None) -> int:
        """How many ``kind`` messages of the incident (to ``contact_id``, if given) were
        queued after ``since``."""
        where = [outbox.c.incident_id == incident_id, outbox.c.kind == str(kind),
                 outbox.c.created_at > since]
        if contact_id is not None:
            where.append(outbox.c.contact_id == contact_id)
        return int(self.conn.execute(
            sa.select(sa.func.count()).select_from(outbox).where(*where)).scalar() or 0)
