"""The engine's documents module (issue 12): fetch, check, seal, store, delete at Twilio.

Runs OUTSIDE any unit of work: each due document row (store/documents.py) is leased in
one short unit, fetched over the network with nothing held, then stored in another unit.
For a pending document:

1. download the media (twilio/media.py: credentials only to the Twilio API host);
2. check its type by its bytes (core/documents.py: JPEG, PNG, HEIC, PDF) and its size
   (``ALERTBOT_DOCUMENT_MAX_BYTES``); anything else is rejected, with a timeline entry
   and a text to the sender saying why;
3. seal it (AES-GCM, alertbot/crypto.py, bound to its incident and document id) and
   store it; the timeline says so;
4. delete the media from Twilio (official SDK), so the only copy is the sealed one.

A failure that may pass (5xx, 429, timeouts) is retried with backoff (``retry_delay``);
a fetch gives up after ``GIVE_UP_AFTER`` tries (rejected: the sender is asked to send it
again); a delete is retried as long as it takes. Each document runs as its own task, so
a slow download holds up no page.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from alertbot.clock import Clock
from alertbot.core.documents import GIVE_UP_AFTER, retry_delay, sniff
from alertbot.core.model import Config
from alertbot.crypto import Keyring, document_aad
from alertbot.notify.base import PermanentFailure, TemporaryFailure
from alertbot.service import notices
from alertbot.service.events import IncidentEvents
from alertbot.store.documents import PENDING, Document
from alertbot.store.sql import Store, Tx
from alertbot.twilio.media import TooLarge, TwilioMedia

log = logging.getLogger("alertbot.documents")

LEASE = 180.0  # seconds one instance holds a document while it fetches and stores it
TASK_TIMEOUT = 150.0  # seconds one document's fetch, seal, store and delete may take
BATCH = 10  # documents claimed per engine cycle


class DocumentWorker:
    """Engine module: ``await worker()`` claims due documents and starts a task each."""

    def __init__(self, store: Store, media: TwilioMedia, keyring: Keyring, clock: Clock,
                 config: Callable[[], Config], events: IncidentEvents,
                 max_bytes: int) -> None:
        self.store, self.media, self.keyring = store, media, keyring
        self.clock, self.config, self.events = clock, config, events
        self.max_bytes = max_bytes
        self._tasks: set[asyncio.Task[None]] = set()

    async def __call__(self) -> int:
        now = self.clock.now()
        claimed = await self.store.write(lambda tx: tx.claim_documents(now, now + LEASE, BATCH))
        for doc in claimed:
            task = asyncio.create_task(self._guarded(doc), name=f"document-{doc.id}")
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return len(claimed)

    async def drain(self, within: float = 5.0) -> None:
        """Wait for documents in progress (tests, shutdown)."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=within)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await self.drain(1.0)

    async def _guarded(self, doc: Document) -> None:
        try:
            await asyncio.wait_for(self._process(doc), TASK_TIMEOUT)
        except Exception as exc:  # one document never takes the engine down
            log.exception("document %d of #%d failed; retried later", doc.id, doc.incident_id)
            due = self.clock.now() + retry_delay(doc.attempts)
            why = type(exc).__name__
            await self.store.write(lambda tx: tx.retry_document(doc.id, why, due))

    async def _process(self, doc: Document) -> None:
        if doc.status == PENDING and not await self._fetch(doc):
            return  # to be tried again later
        try:
            await self.media.delete(doc.media_url)
        except TemporaryFailure as exc:
            await self._retry(doc, f"delete from Twilio: {exc}", exc.retry_after)
            return
        except PermanentFailure as exc:
            log.error("document %d: Twilio refused to delete its media (%s); it stays at "
                      "Twilio until deleted there", doc.id, exc)
        now = self.clock.now()
        await self.store.write(lambda tx: tx.media_deleted(doc.id, now))

    async def _fetch(self, doc: Document) -> bool:
        """Download, check, seal and store (or reject) ``doc``; False to try again."""
        try:
            data = await self.media.fetch(doc.media_url, self.max_bytes)
        except TooLarge as exc:
            await self._reject(doc, "document_rejected_size",
                               f"larger than {self.max_bytes / 1_000_000:g} MB", None,
                               exc.size)
            return True
        except TemporaryFailure as exc:
            if doc.attempts >= GIVE_UP_AFTER:
                await self._reject(doc, "document_failed", f"could not be fetched: {exc}")
                return True
            await self._retry(doc, f"fetch: {exc}", exc.retry_after)
            return False
        except PermanentFailure as exc:
            await self._reject(doc, "document_failed", f"could not be fetched: {exc}")
            return True
        kind = sniff(data[:32])
        if kind is None:
            await self._reject(doc, "document_rejected_type",
                               "not a photo (JPEG, PNG, HEIC) or a PDF "
                               f"(declared {doc.declared_type or 'nothing'})", None, len(data))
            return True
        sealed = self.keyring.seal(data, document_aad(doc.incident_id, doc.id))
        now = self.clock.now()

        def keep(tx: Tx) -> None:
            if tx.store_document(doc.id, sealed, kind, len(data), now):
                tx.add_timeline(doc.incident_id, now, "document",
                                f"document {doc.id} from {doc.added_by_name} stored: {kind}, "
                                f"{len(data)} bytes, encrypted at rest; deleting it from "
                                "Twilio", doc.added_by_name)

        await self.store.write(keep)
        self.events.publish(doc.incident_id)
        log.info("document %d of #%d stored (%s, %d bytes)", doc.id, doc.incident_id, kind,
                 len(data))
        return True

    async def _retry(self, doc: Document, why: str, retry_after: float | None) -> None:
        due = self.clock.now() + retry_delay(doc.attempts, retry_after)
        log.warning("document %d of #%d: %s; trying again in %.0f s", doc.id,
                    doc.incident_id, why, due - self.clock.now())
        await self.store.write(lambda tx: tx.retry_document(doc.id, why, due))

    async def _reject(self, doc: Document, text_key: str, why: str,
                      content_type: str | None = None, size: int | None = None) -> None:
        """Not kept: on the timeline with the reason, and the sender is told (a text in
        their language; the reason names no content)."""
        now = self.clock.now()
        config = self.config()
        mb = f"{self.max_bytes / 1_000_000:g}"

        def record(tx: Tx) -> None:
            if not tx.reject_document(doc.id, why, now, content_type, size):
                return
            tx.add_timeline(doc.incident_id, now, "document_rejected",
                            f"a document from {doc.added_by_name} was not kept: {why}; the "
                            "sender was told", doc.added_by_name)
            if doc.sender_key:
                notice = notices.notice_to_reporter(
                    config, doc.sender_key, doc.language, text_key, doc.incident_id,
                    f"document {doc.id} not kept", n=doc.incident_id, mb=mb)
                if notice is not None:
                    tx.enqueue([notice], now)

        await self.store.write(record)
        self.events.publish(doc.incident_id)
        log.warning("document %d of #%d not kept: %s", doc.id, doc.incident_id, why)
