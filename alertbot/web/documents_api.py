"""Documents over HTTP (issue 12): their records in the incident JSON, and
GET /api/incidents/{id}/documents/{doc_id}: the decrypted file, to a viewer allowed to
see the incident.

A document is never forwarded by SMS or Slack: this route is the only way to see one.
The answer cannot run anything in the browser: the type is the one sniffed from the
file's bytes (core/documents.py), ``X-Content-Type-Options: nosniff``, a
``Content-Security-Policy`` of its own (``sandbox``, nothing loads), ``no-store`` so no
cache keeps a copy, and a safe ``inline`` file name.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from alertbot.clock import iso
from alertbot.core.commands import whole_number
from alertbot.core.documents import filename
from alertbot.crypto import Keyring, SealError, document_aad
from alertbot.store.documents import Document
from alertbot.store.sql import Store, Tx
from alertbot.web.session import Viewer

log = logging.getLogger("alertbot.documents")

DOWNLOAD_CSP = "default-src 'none'; sandbox"
NOT_FOUND = '{"error": "no such document"}'

# Who may see an incident (web/api.py ``may_view``): the viewer (None: a script with the
# bearer token), or 401/404 raised. And the audit log's ``record`` (web/audit.py).
Guard = Callable[[web.Request, int], Awaitable[Viewer | None]]
Record = Callable[..., Awaitable[None]]


def documents_json(documents: list[Document]) -> list[dict[str, Any]]:
    """CONTRACT.md's ``documents`` of GET /api/incidents/{id}: ``id``, ``content_type``
    (sniffed; null while pending), ``bytes``, ``added_by`` (``id`` and ``name``),
    ``added_at`` (ISO 8601); plus ``status`` (pending, stored, rejected, purged) and
    ``url`` (the download route, null unless stored)."""
    return [{
        "id": d.id,
        "content_type": d.content_type,
        "bytes": d.bytes,
        "added_by": {"id": d.added_by, "name": d.added_by_name},
        "added_at": iso(d.added_at),
        "status": d.status,
        "url": (f"/api/incidents/{d.incident_id}/documents/{d.id}"
                if d.status == "stored" else None),
    } for d in documents]


def _not_found() -> web.HTTPNotFound:
    return web.HTTPNotFound(text=NOT_FOUND, content_type="application/json")


async def download(request: web.Request, guard: Guard, record: Record, store: Store,
                   keyring: Keyring) -> web.Response:
    """The document's bytes, opened with ALERTBOT_DATA_KEY, to a viewer ``guard`` lets
    see the incident; each download is in the audit log (``record``, action
    "document"). 404 for anything not stored or not this incident's; 410 when the key
    that sealed it is gone (removed from ALERTBOT_DATA_KEY and ALERTBOT_DATA_KEYS_OLD)."""
    number = whole_number(request.match_info["id"])
    doc_id = whole_number(request.match_info["doc_id"])
    if number is None or doc_id is None:
        raise _not_found()
    viewer = await guard(request, number)

    def read(tx: Tx) -> tuple[Document, bytes] | None:
        doc = tx.document(number, doc_id)
        sealed = tx.sealed_document(number, doc_id)
        return None if doc is None or sealed is None else (doc, sealed)

    found = await store.read(read)
    if found is None:
        raise _not_found()
    doc, sealed = found
    try:
        data = keyring.open(sealed, document_aad(number, doc_id))
    except SealError as exc:
        log.error("document %d of #%d does not open: %s", doc_id, number, exc)
        raise web.HTTPGone(text='{"error": "this document was sealed with a key this '
                                'service no longer holds (ALERTBOT_DATA_KEY)"}',
                           content_type="application/json") from None
    await record(request, viewer, "document", incident_id=number,
                 detail=f"document {doc_id} ({doc.content_type})")
    name = filename(number, doc_id, doc.content_type)
    return web.Response(body=data, headers={
        "Content-Type": doc.content_type or "application/octet-stream",
        "Content-Disposition": f'inline; filename="{name}"',
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
        "Content-Security-Policy": DOWNLOAD_CSP,
        "Referrer-Policy": "no-referrer",
        "Cross-Origin-Resource-Policy": "same-origin",
    })
