"""The CSV of a period's incidents (issue 12): one row per incident, timings and counts,
no free text and no names (a contact id for who acknowledged). Pure."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from typing import Any

from alertbot.report.build import local, parse_time, timings

COLUMNS = ("id", "incident", "school", "state", "drill", "unverified", "source",
           "opened_local", "first_page_s", "acknowledged_s", "on_site_s", "resolved_s",
           "acknowledged_by", "pages", "pages_failed", "channels", "documents",
           "timeline_entries")


def row(detail: Mapping[str, Any], timezone: str) -> dict[str, Any]:
    """One incident's row from its detail JSON (GET /api/incidents/{id})."""
    times = timings(detail, timezone)
    pages = [m for m in detail.get("messages") or [] if m.get("kind") == "page"]
    acked = detail.get("acknowledged_by") or {}
    return {
        "id": detail.get("id"), "incident": detail.get("incident"),
        "school": detail.get("school") or "", "state": detail.get("state"),
        "drill": bool(detail.get("drill")), "unverified": bool(detail.get("unverified")),
        "source": detail.get("source"),
        "opened_local": local(parse_time(detail.get("created_at")), timezone),
        "first_page_s": times["first_page"]["seconds"],
        "acknowledged_s": times["acknowledged"]["seconds"],
        "on_site_s": times["on_site"]["seconds"],
        "resolved_s": times["resolved"]["seconds"],
        "acknowledged_by": acked.get("id") if isinstance(acked, Mapping) else "",
        "pages": len(pages),
        "pages_failed": sum(1 for m in pages if m.get("status") == "failed"),
        "channels": " ".join(sorted({str(m.get("channel")) for m in pages})),
        "documents": len(detail.get("documents") or []),
        "timeline_entries": detail.get("timeline_total", len(detail.get("timeline") or [])),
    }


def render_csv(details: Iterable[Mapping[str, Any]], timezone: str) -> str:
    """The CSV text (header row first; empty cells for milestones not reached). Cells
    that a spreadsheet would read as a formula (``=``, ``+``, ``-``, ``@``) are quoted
    with a leading apostrophe (OWASP "CSV injection")."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for detail in details:
        writer.writerow({k: _safe(v) for k, v in row(detail, timezone).items()})
    return out.getvalue()


def _safe(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value
