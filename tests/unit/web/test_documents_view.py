"""The console's documents section: images inline, PDFs and HEIC as links, every value
escaped, no script or style of its own, in the viewer's language."""

from __future__ import annotations

import re
from typing import Any

from alertbot.web.console.documents_view import documents_view


def _doc(id_: int, kind: str | None, status: str = "stored", name: str = "Ana Pérez",
         url: str | None = "default") -> dict[str, Any]:
    return {"id": id_, "content_type": kind, "bytes": 123_456, "status": status,
            "added_by": {"id": "principal-burns", "name": name},
            "added_at": "2026-11-30T08:15:00Z",
            "url": f"/api/incidents/12/documents/{id_}" if url == "default" else url}


def test_images_are_shown_and_pdfs_and_heic_are_links() -> None:
    html = documents_view({"documents": [_doc(1, "image/jpeg"), _doc(2, "application/pdf"),
                                         _doc(3, "image/heic")]}, "csrf", "en")
    assert '<img src="/api/incidents/12/documents/1"' in html
    assert '<a href="/api/incidents/12/documents/2" rel="noopener noreferrer">Open: PDF</a>' \
        in html
    assert "Photo (HEIC)" in html and "/api/incidents/12/documents/3" in html
    assert html.count("<img") == 1
    assert "never sent by text or Slack" in html and "123 KB" in html


def test_names_are_escaped_and_nothing_runs() -> None:
    evil = '<script>alert(1)</script>"'
    html = documents_view({"documents": [_doc(1, "image/png", name=evil)]}, "csrf", "en")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert not re.search(r"<style|style=|on\w+=|javascript:", html)


def test_only_our_own_download_route_is_linked() -> None:
    html = documents_view({"documents": [_doc(1, "image/jpeg",
                                              url="https://evil.example/x.jpg")]}, "c", "en")
    assert "evil.example" not in html and "<img" not in html


def test_pending_rejected_and_none_say_so_in_spanish() -> None:
    html = documents_view({"documents": [_doc(1, None, "pending", url=None),
                                         _doc(2, "text/html", "rejected", url=None)]},
                          "c", "es")
    assert "Recibiéndose" in html and "No se guardó" in html and "<img" not in html
    assert "No hay documentos" in documents_view({"documents": []}, "c", "es")
