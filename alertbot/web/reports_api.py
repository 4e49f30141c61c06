"""The after-action report over HTTP (issue 12, CONTRACT.md "HTTP"):

* ``GET /api/incidents/{id}/report.json`` and ``…/report.pdf``: one incident, to a viewer
  allowed to see it; ``?redacted=1`` for the school board (no reporter's words, no
  names); ``?lang=es`` for Spanish headings in the PDF.
* ``GET /api/incidents.csv?from=YYYY-MM-DD&to=YYYY-MM-DD``: every incident opened in
  those days (the district's time zone, both days included), timings and counts, no
  free text; for admins and scripts (the bearer token).

Each report is built from the incident's detail JSON (``api.incident_detail``), so the
procedure helper's sections appear in it as they appear in the console.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from alertbot import appkeys
from alertbot.core.model import Config
from alertbot.report.build import build_report
from alertbot.report.pdf import render_pdf
from alertbot.report.table import render_csv
from alertbot.store.sql import Tx
from alertbot.web import api

MAX_DAYS = 366  # one CSV covers at most a school year and a bit
MAX_ROWS = 5000  # incidents in one CSV
REPORT_TIMELINE = 1000  # timeline entries in a report (api.ONE_TIMELINE_MAX)
NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}

# The audit of who viewed an incident: [{"at": ISO, "contact": id, "name", "action"}]
# (the console's sign-in keeps it, issue 11; empty until it is there).
Audit = Callable[[web.Request, int], Awaitable[list[Mapping[str, Any]]]]


async def no_audit(request: web.Request, number: int) -> list[Mapping[str, Any]]:
    return []


def people(config: Config) -> dict[str, tuple[str, str]]:
    """Contact id → (name, role as words: "staff attorney") for naming or redacting."""
    return {c.id: (c.name, (c.roles[0] if c.roles else "contact").replace("_", " "))
            for c in config.contacts.values()}


def _flag(request: web.Request, name: str) -> bool:
    return request.query.get(name, "").strip().lower() in ("1", "true", "yes", "on")


async def report_data(request: web.Request, audit: Audit = no_audit) -> dict[str, Any]:
    """The report of the route's incident (404 when there is none; the viewer check
    first)."""
    number = api.incident_number(request)
    await api.may_view(request, number)
    detail = await api.incident_detail(request, number, REPORT_TIMELINE)
    if detail is None:
        raise web.HTTPNotFound(text='{"error": "no such incident"}',
                               content_type="application/json")
    config = request.app[appkeys.RECEIVER].config
    return build_report(detail, await audit(request, number), timezone=config.timezone,
                        contacts=people(config), redacted=_flag(request, "redacted"),
                        generated_at=request.app[appkeys.CLOCK].now())


async def report_json(request: web.Request) -> web.Response:
    return web.json_response(await report_data(request), headers=NO_STORE)


async def report_pdf(request: web.Request) -> web.Response:
    report = await report_data(request)
    language = "es" if request.query.get("lang") == "es" else "en"
    body = await asyncio.to_thread(render_pdf, report, language)  # CPU: off the loop
    name = f"incident-{report['incident']['id']}-report"
    name += "-redacted.pdf" if report["redacted"] else ".pdf"
    return web.Response(body=body, content_type="application/pdf", headers={
        **NO_STORE, "Content-Disposition": f'attachment; filename="{name}"'})


def _day(request: web.Request, name: str) -> date:
    raw = request.query.get(name, "")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise web.HTTPBadRequest(text=f"{name} must be a day written YYYY-MM-DD") from None


async def incidents_csv(request: web.Request) -> web.Response:
    """One row per incident opened from ``from`` to ``to`` (both included, local days)."""
    api.require_token(request)  # admins and scripts (issue 11 narrows sessions to admins)
    first, last = _day(request, "from"), _day(request, "to")
    if last < first or (last - first).days >= MAX_DAYS:
        raise web.HTTPBadRequest(text=f"to must be from 0 to {MAX_DAYS - 1} days after from")
    config = request.app[appkeys.RECEIVER].config
    zone = ZoneInfo(config.timezone)
    start = datetime.combine(first, datetime.min.time(), zone).timestamp()
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), zone).timestamp()

    def ids(tx: Tx) -> list[int]:
        return tx.incident_ids_between(start, end, MAX_ROWS)

    details = []
    for number in await request.app[appkeys.STORE].read(ids):
        detail = await api.incident_detail(request, number, 1)
        if detail is not None:
            details.append(detail)
    text = render_csv(details, config.timezone)
    name = f"incidents-{first.isoformat()}-to-{last.isoformat()}.csv"
    return web.Response(text=text, content_type="text/csv", charset="utf-8", headers={
        **NO_STORE, "Content-Disposition": f'attachment; filename="{name}"'})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/incidents.csv", incidents_csv)
    app.router.add_get("/api/incidents/{id}/report.json", report_json)
    app.router.add_get("/api/incidents/{id}/report.pdf", report_pdf)
