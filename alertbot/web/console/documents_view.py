"""The incident page's documents section (issue 12): each photo or PDF sent by MMS.

``documents_view(detail, csrf_token, language)`` takes the JSON of
GET /api/incidents/{id} (its ``documents``: ``id``, ``content_type``, ``bytes``,
``added_by``, ``added_at``, ``status``, ``url``) and returns an HTML fragment (Jinja2,
autoescaped, template ``templates/issue12/documents.html``; no inline script or style).
A JPEG or PNG is an ``<img>`` from the download route; a PDF or HEIC (which browsers do
not all show) is a link. The section has no form, so ``csrf_token`` is unused.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

import jinja2
from markupsafe import Markup

from alertbot.core.documents import HEIC, IMAGES, PDF
from alertbot.text.documents import label

_KINDS = {PDF: "pdf", HEIC: "heic"}


@functools.cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("alertbot.web", "templates"), autoescape=True,
        undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def _item(doc: Mapping[str, Any], language: str) -> dict[str, Any]:
    kind = str(doc.get("content_type") or "")
    added_by = doc.get("added_by") or {}
    url = doc.get("url")
    size = doc.get("bytes")
    return {
        "id": int(doc["id"]),
        "status": str(doc.get("status") or "stored"),
        "kind": label(language, "photo" if kind in IMAGES else _KINDS.get(kind, "file")),
        "image": kind in IMAGES,
        # Only our own download route is ever linked: a URL from elsewhere is dropped.
        "url": url if isinstance(url, str) and url.startswith("/api/incidents/") else None,
        "name": str(added_by.get("name") or added_by.get("id") or ""),
        "added_at": str(doc.get("added_at") or ""),
        "kb": None if size is None else max(1, round(int(size) / 1000)),
    }


def documents_view(detail: Mapping[str, Any], csrf_token: str, language: str) -> str:
    """The documents section of incident ``detail`` in ``language`` (en, es), as
    ``Markup`` (already escaped HTML)."""
    del csrf_token  # no form in this section
    docs = [_item(d, language) for d in detail.get("documents") or []]
    for doc in docs:
        if doc["status"] == "stored" and doc["url"] is None:
            doc["status"] = "rejected"
    template = _environment().get_template("issue12/documents.html")
    html = template.render(documents=docs,
                           say=lambda key, **values: label(language, key, **values))
    return Markup(html)
