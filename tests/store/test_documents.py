"""Document rows (issue 12) on SQLite and PostgreSQL: one per MMS media, leased once,
stored or rejected once, purged by retention."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from alertbot.store.documents import (
    PENDING,
    PURGED,
    REJECTED,
    STORED,
)
from alertbot.store.schema import documents
from alertbot.store.sql import Store
from tests.store.test_store_contract import T0, incident
from tests.unitofwork import transaction

URL = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"


async def _with_document(store: Store, key: str = "sms:MM1:0") -> tuple[int, int | None]:
    async with transaction(store) as tx:
        number = await tx.insert_incident(incident())
        doc = await tx.add_document(number, key, URL, "image/jpeg", "principal-burns",
                                    "Ana Pérez", "contact:principal-burns", "es", T0)
    return number, doc


async def test_a_pending_document_is_recorded_and_listed_without_bytes(store: Store) -> None:
    number, doc = await _with_document(store)
    assert doc is not None
    async with transaction(store, write=False) as tx:
        [row] = await tx.documents_of(number)
        assert await tx.sealed_document(number, doc) is None  # not stored yet
        assert await tx.next_document_due() == T0
    assert (row.id, row.status, row.added_by_name, row.language) == (doc, PENDING,
                                                                     "Ana Pérez", "es")
    assert row.content_type is None and row.bytes is None


async def test_the_same_media_of_a_retried_webhook_is_one_document(store: Store) -> None:
    number, first = await _with_document(store)
    async with transaction(store) as tx:
        again = await tx.add_document(number, "sms:MM1:0", URL, "image/jpeg", "x", "X", None,
                                      "en", T0 + 5)
        second = await tx.add_document(number, "sms:MM1:1", URL, "image/png", "x", "X", None,
                                       "en", T0 + 5)
        assert again is None and second is not None and second != first
        assert len(await tx.documents_of(number)) == 2


async def test_the_intake_key_is_unique_in_the_database(store: Store) -> None:
    number, _doc = await _with_document(store)
    with pytest.raises(sa.exc.IntegrityError):
        async with transaction(store) as tx:
            await tx.conn.execute(sa.insert(documents).values(
                incident_id=number, intake_key="sms:MM1:0", media_url=URL, declared_type="",
                status=PENDING, added_by="x", added_by_name="X", language="en", added_at=T0,
                attempts=0))


async def test_a_leased_document_is_not_claimed_twice_until_its_lease_ends(
        store: Store) -> None:
    _number, doc = await _with_document(store)
    async with transaction(store) as tx:
        [claimed] = await tx.claim_documents(T0, T0 + 30)
        assert claimed.id == doc
        assert await tx.claim_documents(T0 + 1, T0 + 31) == []
    async with transaction(store) as tx:
        [again] = await tx.claim_documents(T0 + 31, T0 + 61)
        assert again.attempts == 1  # counted once per claim


async def test_stored_once_then_its_media_is_deleted_and_nothing_is_due(store: Store) -> None:
    number, doc = await _with_document(store)
    assert doc is not None
    async with transaction(store) as tx:
        assert await tx.store_document(doc, b"sealed-bytes", "image/jpeg", 1234, T0 + 2)
        assert not await tx.store_document(doc, b"other", "image/png", 1, T0 + 3)
        assert not await tx.reject_document(doc, "late", T0 + 3)
        assert await tx.sealed_document(number, doc) == b"sealed-bytes"
        assert await tx.sealed_document(number + 1, doc) is None  # another incident's id
        [row] = await tx.claim_documents(T0 + 2, T0 + 32)  # now: delete it from Twilio
        assert row.status == STORED and row.bytes == 1234
        await tx.media_deleted(doc, T0 + 4)
        assert await tx.next_document_due() is None
        [kept] = await tx.documents_of(number)
        assert kept.media_deleted_at == T0 + 4 and kept.content_type == "image/jpeg"


async def test_a_rejected_document_keeps_why_and_no_bytes(store: Store) -> None:
    number, doc = await _with_document(store)
    assert doc is not None
    async with transaction(store) as tx:
        assert await tx.reject_document(doc, "not a photo or PDF (text/html)", T0 + 1,
                                        "text/html", 10)
        [row] = await tx.documents_of(number)
        assert row.status == REJECTED and "text/html" in (row.error or "")
        assert await tx.sealed_document(number, doc) is None


async def test_a_temporary_failure_is_retried_later(store: Store) -> None:
    _number, doc = await _with_document(store)
    assert doc is not None
    async with transaction(store) as tx:
        await tx.claim_documents(T0, T0 + 30)
        await tx.retry_document(doc, "Twilio HTTP 503", T0 + 10)
        assert await tx.claim_documents(T0 + 5, T0 + 35) == []
        assert [d.id for d in await tx.claim_documents(T0 + 10, T0 + 40)] == [doc]


async def test_retention_purges_the_bytes_of_resolved_incidents_only(store: Store) -> None:
    number, doc = await _with_document(store)
    async with transaction(store) as tx:
        still_open = await tx.insert_incident(incident(school_id="other", school_name="Other"))
        kept = await tx.add_document(still_open, "sms:MM2:0", URL, "image/png", "x", "X", None,
                                     "en", T0)
        assert doc is not None and kept is not None
        await tx.store_document(doc, b"a", "image/jpeg", 1, T0)
        await tx.store_document(kept, b"b", "image/png", 1, T0)
        await tx.conn.execute(sa.update(sa.table("incidents", sa.column("id"),
                                                 sa.column("state"),
                                                 sa.column("resolved_at")))
                              .where(sa.column("id") == number)
                              .values(state="resolved", resolved_at=T0 + 100))
    async with transaction(store) as tx:
        assert await tx.purge_documents(T0 + 50) == 0  # resolved after the cut-off
        assert await tx.purge_documents(T0 + 101) == 1
        [row] = await tx.documents_of(number)
        assert row.status == PURGED and row.bytes == 1  # the statistics stay
        assert await tx.sealed_document(number, doc) is None
        assert await tx.sealed_document(still_open, kept) == b"b"


async def test_retention_of_one_incident_purges_its_stored_documents(store: Store) -> None:
    number, doc = await _with_document(store)
    assert doc is not None
    async with transaction(store) as tx:
        await tx.store_document(doc, b"a", "image/jpeg", 1, T0)
        await tx.purge_incident_documents(number + 1, T0 + 9)  # another incident
        assert await tx.sealed_document(number, doc) == b"a"
        await tx.purge_incident_documents(number, T0 + 9)
        [row] = await tx.documents_of(number)
        assert row.status == PURGED and await tx.sealed_document(number, doc) is None
