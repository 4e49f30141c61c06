"""Documents (issue 12): photos and PDFs sent by MMS, kept sealed (alertbot/crypto.py).

A part of ``Tx`` (store/tx.py): synchronous queries over the unit of work's connection.
Every transition is a conditional update (a row leased by one instance, stored once,
deleted from Twilio once), so SQLite and PostgreSQL agree under concurrency.

Life of a row: ``pending`` (taken by the receiver with its Twilio media URL) →
``stored`` (fetched, checked, sealed) or ``rejected`` (wrong type, too large, or it could
not be fetched); then the media is deleted from Twilio (``media_deleted_at``). Retention
(``purge_incident_documents``, called by service/retention.py in the unit that purges
the incident's free text) drops the sealed bytes and keeps the row's type, size and times.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from alertbot.store.schema import documents, incidents
from alertbot.store.txbase import TxBase

PENDING, STORED, REJECTED, PURGED = "pending", "stored", "rejected", "purged"


@dataclass(frozen=True)
class Document:
    """One document's record (never its bytes): ``bytes`` in bytes, times in epoch
    seconds; ``content_type`` as sniffed from the file (None until fetched)."""

    id: int
    incident_id: int
    status: str
    media_url: str
    declared_type: str
    content_type: str | None
    bytes: int | None
    added_by: str
    added_by_name: str
    sender_key: str | None
    language: str
    added_at: float
    stored_at: float | None
    attempts: int
    error: str | None
    media_deleted_at: float | None


_FIELDS = [c for c in Document.__dataclass_fields__]


def _document(row: sa.Row[Any]) -> Document:
    m = row._mapping
    return Document(**{name: m[name] for name in _FIELDS})


_COLUMNS = [documents.c[name] for name in _FIELDS]


class DocumentQueries(TxBase):
    def add_document(self, incident_id: int, intake_key: str, media_url: str,
                     declared_type: str, added_by: str, added_by_name: str,
                     sender_key: str | None, language: str, now: float) -> int | None:
        """A pending document for the engine to fetch now; None when ``intake_key`` (one
        per MessageSid and media index) was taken already: a retried webhook is one
        document. The unique key is the database's guarantee under a race."""
        seen = self.conn.execute(sa.select(documents.c.id).where(
            documents.c.intake_key == intake_key)).first()
        if seen is not None:
            return None
        result = self.conn.execute(sa.insert(documents).values(
            incident_id=incident_id, intake_key=intake_key, media_url=media_url,
            declared_type=declared_type[:100], status=PENDING, added_by=added_by[:160],
            added_by_name=added_by_name[:200], sender_key=sender_key, language=language,
            added_at=now, attempts=0, due_at=now))
        self.made_work = True
        key = result.inserted_primary_key
        assert key is not None
        return int(key[0])

    def documents_of(self, incident_id: int) -> list[Document]:
        """The incident's documents, oldest first (records only, no bytes)."""
        rows = self.conn.execute(sa.select(*_COLUMNS).where(
            documents.c.incident_id == incident_id).order_by(documents.c.id)).all()
        return [_document(r) for r in rows]

    def document(self, incident_id: int, document_id: int) -> Document | None:
        row = self.conn.execute(sa.select(*_COLUMNS).where(
            documents.c.incident_id == incident_id, documents.c.id == document_id)).first()
        return None if row is None else _document(row)

    def sealed_document(self, incident_id: int, document_id: int) -> bytes | None:
        """The sealed bytes of a stored document of that incident, else None."""
        value = self.conn.execute(sa.select(documents.c.sealed).where(
            documents.c.incident_id == incident_id, documents.c.id == document_id,
            documents.c.status == STORED)).scalar()
        return None if value is None else bytes(value)

    def claim_documents(self, now: float, lease_until: float, limit: int = 10
                        ) -> list[Document]:
        """Rows with engine work due by ``now`` (fetch a pending one, or delete a stored
        or rejected one's media from Twilio) that no live lease holds; each is leased
        until ``lease_until`` by a conditional update, so two instances never take one."""
        rows = self.conn.execute(sa.select(*_COLUMNS).where(
            documents.c.due_at <= now,
            sa.or_(documents.c.lease_until.is_(None), documents.c.lease_until < now))
            .order_by(documents.c.due_at, documents.c.id).limit(limit)).all()
        taken = []
        for row in rows:
            doc = _document(row)
            result = self.conn.execute(sa.update(documents).where(
                documents.c.id == doc.id, documents.c.due_at <= now,
                sa.or_(documents.c.lease_until.is_(None), documents.c.lease_until < now))
                .values(lease_until=lease_until, attempts=documents.c.attempts + 1))
            if result.rowcount:
                taken.append(doc)
        return taken

    def store_document(self, document_id: int, sealed: bytes, content_type: str, size: int,
                       now: float) -> bool:
        """A pending document fetched and sealed: ``stored``, its Twilio media to delete
        now. False if it was not pending any more (another instance stored it)."""
        result = self.conn.execute(sa.update(documents).where(
            documents.c.id == document_id, documents.c.status == PENDING).values(
            status=STORED, sealed=sealed, content_type=content_type, bytes=size,
            stored_at=now, due_at=now, lease_until=None, attempts=0, error=None))
        return bool(result.rowcount)

    def reject_document(self, document_id: int, why: str, now: float,
                        content_type: str | None = None, size: int | None = None) -> bool:
        """A pending document that will not be kept (``why``: a reason for the timeline):
        ``rejected``, its Twilio media to delete now. False if it was not pending."""
        result = self.conn.execute(sa.update(documents).where(
            documents.c.id == document_id, documents.c.status == PENDING).values(
            status=REJECTED, error=why[:500], content_type=content_type, bytes=size,
            due_at=now, lease_until=None, attempts=0))
        return bool(result.rowcount)

    def retry_document(self, document_id: int, why: str, due_at: float) -> None:
        """A temporary failure (Twilio 5xx, a timeout): try again at ``due_at``."""
        self.conn.execute(sa.update(documents).where(documents.c.id == document_id).values(
            error=why[:500], due_at=due_at, lease_until=None))

    def media_deleted(self, document_id: int, now: float) -> None:
        """Twilio no longer holds the media: nothing more for the engine to do."""
        self.conn.execute(sa.update(documents).where(documents.c.id == document_id).values(
            media_deleted_at=now, due_at=None, lease_until=None))

    def next_document_due(self) -> float | None:
        value = self.conn.execute(sa.select(sa.func.min(documents.c.due_at))).scalar()
        return None if value is None else float(value)

    def purge_documents(self, older_than: float, now: float | None = None) -> int:
        """Retention: drop the sealed bytes of stored documents whose incident was resolved
        before ``older_than`` (epoch seconds); their type, size, sender and times stay
        for statistics (status ``purged``; ``purged_at``: ``now``, else the cut-off).
        Documents of open incidents are kept.
        Returns how many were purged."""
        resolved = sa.select(incidents.c.id).where(
            incidents.c.id == documents.c.incident_id, incidents.c.resolved_at.is_not(None),
            incidents.c.resolved_at < older_than)
        result = self.conn.execute(sa.update(documents).where(
            documents.c.status == STORED, sa.exists(resolved)).values(
            status=PURGED, sealed=None, purged_at=older_than if now is None else now))
        return int(result.rowcount or 0)


    def purge_incident_documents(self, incident_id: int, now: float) -> int:
        """Retention for one incident: drop the sealed bytes of its stored documents
        (status ``purged``; type, size, sender and times stay). Returns how many."""
        result = self.conn.execute(sa.update(documents).where(
            documents.c.incident_id == incident_id, documents.c.status == STORED).values(
            status=PURGED, sealed=None, purged_at=now))
        return int(result.rowcount or 0)
