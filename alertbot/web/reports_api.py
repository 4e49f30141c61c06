"""The after-action report over HTTP (issue 12, CONTRACT.md "HTTP"):

* ``GET /api/incidents/{id}/report.json`` and ``…/report.pdf``: one incident, to a viewer
  allowed to see it; ``?redacted=1`` for the school board (no reporter's words, no
  names); ``?lang=es`` for Spanish headings in the PDF.
* ``GET /api/incidents.csv?from=YYYY-MM-DD&to=YYYY-MM-DD``: every incident opened in
  those days (the district's time zone, both days included), timings and counts, no
  free text; for admins signed in and scripts (the bearer token).

Each report is built from the incident's detail JSON (``api.incident_detail``), so the
procedure helper's sections appear in it as they appear in the console.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from aiohttp import web

from alertbot.clock import iso
from alertbot.core.model import Config
from alertbot.report.build import build_report
from alertbot.report.table import render_csv
from alertbot.store.audit import AuditEntry
from alertbot.store.sql import Tx
from alertbot.web import api
from alertbot.web.api import IncidentsApi
from alertbot.web.audit import Audit
from alertbot.web.session import Gate

if TYPE_CHECKING:
    from alertbot.clock import Clock
    from alertbot.service.receiver import Receiver
    from alertbot.store.sql import Store


MAX_DAYS = 366  # one CSV covers at most a school year and a bit
MAX_ROWS = 5000  # incidents in one CSV
REPORT_TIMELINE = 1000  # timeline entries in a report (api.ONE_TIMELINE_MAX)
NO_STORE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}



def audit_rows(entries: list[AuditEntry], config: Config) -> list[dict[str, Any]]:
    """The audit log's rows about one incident, as the report lists them: when, who
    (contact id and name; a script with the bearer token is "script"), what."""
    return [{"at": iso(e.at), "contact": e.contact_id or e.via,
             "name": (c.name if (c := config.contacts.get(e.contact_id or "")) else None),
             "action": f"{e.action} ({e.via})" + (f": {e.detail}" if e.detail else "")}
            for e in entries]


def people(config: Config) -> dict[str, tuple[str, str]]:
    """Contact id → (name, role as words: "staff attorney") for naming or redacting."""
    return {c.id: (c.name, (c.roles[0] if c.roles else "contact").replace("_", " "))
            for c in config.contacts.values()}


def _flag(request: web.Request, name: str) -> bool:
    return request.query.get(name, "").strip().lower() in ("1", "true", "yes", "on")


class ReportsApi:
    """The report and CSV routes, with what they use (decision 0046): the ``Gate`` (who
    asks), the ``Audit`` log, the ``IncidentsApi`` (the detail a report is built from),
    the store and receiver as getters, the clock (the report's "generated at")."""

    def __init__(self, gate: Gate, audit: Audit, incidents: IncidentsApi,
                 store: Callable[[], Store], receiver: Callable[[], Receiver],
                 clock: Clock) -> None:
        self._gate, self._audit, self._incidents = gate, audit, incidents
        self._store, self._receiver, self._clock = store, receiver, clock

    async def report_data(self, request: web.Request, kind: str) -> dict[str, Any]:
        """The report of the route's incident to a viewer who may see it (401/404 otherwise,
        as for the incident itself); the look is audited first (action "report", ``kind``),
        so the report lists itself among the views."""
        number = api.incident_number(request)
        viewer = await self._incidents.may_view(request, number)
        redacted = _flag(request, "redacted")
        detail = await self._incidents.incident_detail(number, viewer, REPORT_TIMELINE)
        if detail is None:
            raise web.HTTPNotFound(text='{"error": "no such incident"}',
                                   content_type="application/json")
        await self._audit.record(request, viewer, "report", incident_id=number,
                                 detail=kind + (" redacted" if redacted else ""))
        config = self._receiver().config
        entries = await self._store().read(lambda tx: tx.audit_of(number))
        return build_report(detail, audit_rows(entries, config), timezone=config.timezone,
                            contacts=people(config), redacted=redacted,
                            generated_at=self._clock.now())

    async def report_json(self, request: web.Request) -> web.Response:
        return web.json_response(await self.report_data(request, "json"), headers=NO_STORE)

    async def report_pdf(self, request: web.Request) -> web.Response:
        from alertbot.report.pdf import render_pdf  # ReportLab: loaded when first needed

        report = await self.report_data(request, "pdf")
        language = "es" if request.query.get("lang") == "es" else "en"
        body = await asyncio.to_thread(render_pdf, report, language)  # CPU: off the loop
        name = f"incident-{report['incident']['id']}-report"
        name += "-redacted.pdf" if report["redacted"] else ".pdf"
        return web.Response(body=body, content_type="application/pdf", headers={
            **NO_STORE, "Content-Disposition": f'attachment; filename="{name}"'})

    async def incidents_csv(self, request: web.Request) -> web.Response:
        """One row per incident opened from ``from`` to ``to`` (both included, local days)."""
        viewer = await self._gate.api_access(request)
        config = self._receiver().config
        if viewer is not None and not config.is_admin(viewer.contact.id):
            raise web.HTTPForbidden(text='{"error": "admins only"}',
                                    content_type="application/json")
        first, last = _day(request, "from"), _day(request, "to")
        if last < first or (last - first).days >= MAX_DAYS:
            raise web.HTTPBadRequest(text=f"to must be from 0 to {MAX_DAYS - 1} days after from")
        zone = ZoneInfo(config.timezone)
        start = datetime.combine(first, datetime.min.time(), zone).timestamp()
        end = datetime.combine(last + timedelta(days=1), datetime.min.time(), zone).timestamp()

        def ids(tx: Tx) -> list[int]:
            return tx.incident_ids_between(start, end, MAX_ROWS)

        details = []
        for number in await self._store().read(ids):
            detail = await self._incidents.incident_detail(number, None, 1)
            if detail is not None:
                details.append(detail)
        await self._audit.record(request, viewer, "export",
                                 detail=f"incidents.csv {first.isoformat()} to {last.isoformat()}")
        text = render_csv(details, config.timezone)
        name = f"incidents-{first.isoformat()}-to-{last.isoformat()}.csv"
        return web.Response(text=text, content_type="text/csv", charset="utf-8", headers={
            **NO_STORE, "Content-Disposition": f'attachment; filename="{name}"'})

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/api/incidents.csv", self.incidents_csv)
        app.router.add_get("/api/incidents/{id}/report.json", self.report_json)
        app.router.add_get("/api/incidents/{id}/report.pdf", self.report_pdf)


def _day(request: web.Request, name: str) -> date:
    raw = request.query.get(name, "")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise web.HTTPBadRequest(text=f"{name} must be a day written YYYY-MM-DD") from None

