"""Records requests (FERPA) and their reminders (issue 12).

A part of ``Tx`` (store/tx.py): synchronous queries over the unit of work's connection.
``next_reminder_at`` is kept with every write (core/records_requests.next_reminder), so
the engine finds due reminders with one indexed query; a reminder's key goes in
``procedure_reminders`` by an insert that does nothing on conflict: exactly one each.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from alertbot.core.records_requests import Presented, RecordsRequest, next_reminder
from alertbot.store.schema import procedure_reminders, records_requests
from alertbot.store.txbase import TxBase
from alertbot.store.words import Words

COLUMNS = ("presented", "categories", "other_category", "non_disclosure",
           "parent_notice_due_at", "parents_notified_at", "parents_notified_by",
           "parents_notified_how", "response_due_at", "provided_at", "provided_by",
           "counsel_signoff_at", "counsel_signoff_by", "notes")
# Free text, sealed at rest (decision 0044).
WORDS = ("other_category", "notes")


def _request(m: Any, words: Words) -> RecordsRequest:
    values = {k: m[k] for k in COLUMNS}
    for k in WORDS:
        values[k] = words.open(m[k], "records_requests", k, m["incident_id"])
    values["presented"] = Presented(m["presented"])
    values["categories"] = tuple(c for c in (m["categories"] or "").split(",") if c)
    values["non_disclosure"] = bool(m["non_disclosure"])
    return RecordsRequest(id=m["id"], incident_id=m["incident_id"], created_by=m["created_by"],
                          created_at=m["created_at"], **values)


def _columns(req: RecordsRequest) -> dict[str, Any]:
    values = {k: getattr(req, k) for k in COLUMNS}
    values["presented"] = str(req.presented)
    values["categories"] = ",".join(req.categories)
    values["next_reminder_at"] = next_reminder(req)
    return values


@functools.cache
def _due(limit: int, postgres: bool) -> Any:
    query = (sa.select(records_requests)
             .where(records_requests.c.next_reminder_at <= sa.bindparam("now"))
             .order_by(records_requests.c.next_reminder_at).limit(limit))
    return query.with_for_update(skip_locked=True) if postgres else query


class RecordsQueries(TxBase):
    def add_records_request(self, req: RecordsRequest) -> int:
        values = _columns(req)
        for k in WORDS:
            values[k] = self.words.seal(values[k], "records_requests", k, req.incident_id)
        return int(self.conn.execute(sa.insert(records_requests).values(
            incident_id=req.incident_id, created_by=req.created_by,
            created_at=req.created_at, **values)
            .returning(records_requests.c.id)).scalar_one())

    def records_requests(self, incident_id: int) -> list[RecordsRequest]:
        rows = self.conn.execute(sa.select(records_requests).where(
            records_requests.c.incident_id == incident_id).order_by(records_requests.c.id)).all()
        return [_request(r._mapping, self.words) for r in rows]

    def records_request(self, request_id: int, for_update: bool = False
                        ) -> RecordsRequest | None:
        query = sa.select(records_requests).where(records_requests.c.id == request_id)
        if for_update and self.postgres:
            query = query.with_for_update()
        row = self.conn.execute(query).first()
        return None if row is None else _request(row._mapping, self.words)

    def update_records_request(self, before: RecordsRequest, after: RecordsRequest) -> bool:
        """Write ``after`` over ``before``: only the columns that differ, and only while
        they still hold ``before``'s values (False: someone changed them first). A sealed
        column's stored form differs at each write (a random nonce): it is read, opened
        and compared here, and the update is guarded by that exact stored form."""
        old, new = _columns(before), _columns(after)
        changed = {k: v for k, v in new.items() if old[k] != v}
        if not changed:
            return True
        guards = [records_requests.c[k].is_(None) if old[k] is None
                  else records_requests.c[k] == old[k]
                  for k in changed if k != "next_reminder_at" and k not in WORDS]
        sealed = [k for k in WORDS if k in changed]
        if sealed:
            query = (sa.select(*(records_requests.c[k] for k in sealed))
                     .where(records_requests.c.id == before.id))
            row = self.conn.execute(query.with_for_update() if self.postgres else query
                                    ).first()
            if row is None:
                return False
            for k, stored in zip(sealed, row, strict=True):
                opened = self.words.open(stored, "records_requests", k, before.incident_id)
                if opened != old[k]:
                    return False
                guards.append(records_requests.c[k] == stored)
                changed[k] = self.words.seal(changed[k], "records_requests", k,
                                             before.incident_id)
        result = self.conn.execute(sa.update(records_requests).where(
            records_requests.c.id == before.id, *guards).values(**changed))
        return bool(result.rowcount)

    def records_reminders_due(self, now: float, limit: int) -> list[RecordsRequest]:
        """Requests whose next reminder is due at ``now``; locked ``FOR UPDATE SKIP
        LOCKED`` on PostgreSQL (another instance takes others)."""
        rows = self.conn.execute(_due(limit, self.postgres), {"now": now}).all()
        return [_request(r._mapping, self.words) for r in rows]

    def set_next_reminder(self, request_id: int, at: float | None) -> None:
        self.conn.execute(sa.update(records_requests).where(
            records_requests.c.id == request_id).values(next_reminder_at=at))

    def next_records_reminder(self) -> float | None:
        value = self.conn.execute(sa.select(sa.func.min(records_requests.c.next_reminder_at))
                                  ).scalar()
        return None if value is None else float(value)

    def claim_reminder(self, key: str, incident_id: int, now: float) -> bool:
        """Record reminder ``key``; False if it was sent already (exactly one each)."""
        insert = pg_insert if self.postgres else sqlite_insert
        result = self.conn.execute(insert(procedure_reminders).on_conflict_do_nothing(
            index_elements=[procedure_reminders.c.key]),
            {"key": key, "incident_id": incident_id, "at": now})
        return bool(result.rowcount)

    def reminders_sent(self, incident_id: int) -> Mapping[str, float]:
        rows = self.conn.execute(sa.select(procedure_reminders.c.key, procedure_reminders.c.at)
                                 .where(procedure_reminders.c.incident_id == incident_id)).all()
        return {str(k): float(at) for k, at in rows}
