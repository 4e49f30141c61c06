"""The console's audit log on the web side: one call to record a look or an action, and
the export for admins (issue 11).

FERPA, 34 CFR 99.32(a): an educational agency must keep, with each student's education
records, a record of each request for access to and each disclosure of personally
identifiable information from them, naming who asked and their legitimate interest.
The reporter's words, notes and documents an incident holds may be such information,
so every look at an incident's details, every action and every sign-in attempt is
recorded here: who (the contact), when, from where (the client address, web/session.py
``client_address``) and with what browser (User-Agent). Rows are never changed.

A console page that shows an incident's details records the look with one line:

    await audit.record(request, viewer, "viewed", incident_id=12)   # audit: an Audit

``GET /api/audit?since=&until=`` (ISO 8601 or epoch seconds; ``format=csv`` for a
spreadsheet): admins signed in, or a script with the bearer token.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from aiohttp import web

from alertbot.clock import Clock, iso
from alertbot.store.audit import AUDIT_PAGE_MAX, AuditEntry
from alertbot.web.session import Gate, Viewer

if TYPE_CHECKING:
    from alertbot.service.receiver import Receiver
    from alertbot.store.sql import Store

FIELDS = ("id", "at", "contact", "via", "action", "outcome", "incident", "subject",
          "client", "user_agent", "detail")


class Audit:
    """The audit log on the web side, with what it uses (decision 0046): the ``Gate``
    (who asks, from which client), the store and receiver as getters, the clock."""

    def __init__(self, gate: Gate, store: Callable[[], Store],
                 receiver: Callable[[], Receiver], clock: Clock) -> None:
        self._gate, self._store, self._receiver, self._clock = gate, store, receiver, clock

    async def record(self, request: web.Request, viewer: Viewer | None, action: str,
                     incident_id: int | None = None, outcome: str = "ok",
                     detail: str = "") -> None:
        """Append one audit row for ``viewer`` (None: a script with the bearer token) doing
        ``action`` ("viewed", "acknowledge", "resolve", "note", …) now, from this request's
        client. ``detail``: a short note (at most 300 characters), never a secret."""
        client = self._gate.client_of(request)
        entry = AuditEntry(
            at=self._clock.now(), action=action,
            contact_id=viewer.contact.id if viewer is not None else None,
            via=viewer.via if viewer is not None else "bearer", outcome=outcome,
            incident_id=incident_id, client=client.address, user_agent=client.user_agent,
            detail=detail)
        await self._store().write(lambda tx: tx.audit(entry))

    async def export(self, request: web.Request) -> web.StreamResponse:
        """The audit rows with ``since <= at < until``, oldest first, at most 10,000 (the
        ``X-Audit-Truncated: 1`` header says more remain: ask again from the last ``at``).
        JSON, or CSV with ``format=csv``. 404 for a signed-in person who is not an admin."""
        viewer = await self._gate.api_access(request)
        config = self._receiver().config
        if viewer is not None and not config.is_admin(viewer.contact.id):
            raise web.HTTPNotFound(text='{"error": "not found"}', content_type="application/json")
        since, until = _when(request, "since"), _when(request, "until")
        rows = await self._store().read(
            lambda tx: tx.audit_entries(since, until, AUDIT_PAGE_MAX + 1))
        headers = {"Cache-Control": "no-store"}
        if len(rows) > AUDIT_PAGE_MAX:
            rows, headers["X-Audit-Truncated"] = rows[:AUDIT_PAGE_MAX], "1"
        await self.record(request, viewer, "audit_export", detail=f"{len(rows)} rows")
        if request.query.get("format") == "csv":
            out = io.StringIO()
            writer = csv.DictWriter(out, fieldnames=FIELDS)
            writer.writeheader()
            for entry in rows:
                writer.writerow({k: _csv_safe(v) for k, v in _row(entry).items()})
            headers["Content-Disposition"] = 'attachment; filename="alertbot-audit.csv"'
            return web.Response(text=out.getvalue(), content_type="text/csv", headers=headers)
        return web.json_response([_row(e) for e in rows], headers=headers)

    def add_routes(self, app: web.Application) -> None:
        """GET /api/audit."""
        app.router.add_get("/api/audit", self.export)


def _when(request: web.Request, name: str) -> float | None:
    raw = request.query.get(name, "").strip()
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        pass
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise web.HTTPBadRequest(text=f"{name}: an ISO 8601 time (2026-11-30T08:00:00Z) "
                                      "or epoch seconds") from None
    if moment.tzinfo is None:
        raise web.HTTPBadRequest(text=f"{name}: give the time zone (Z or +00:00)")
    return moment.timestamp()


def _row(e: AuditEntry) -> dict[str, object]:
    return {"id": e.id, "at": iso(e.at), "contact": e.contact_id, "via": e.via,
            "action": e.action, "outcome": e.outcome, "incident": e.incident_id,
            "subject": e.subject, "client": e.client, "user_agent": e.user_agent,
            "detail": e.detail}


def _csv_safe(value: object) -> object:
    """A user agent or subject starting with = + - @ would be a formula in a spreadsheet
    (CSV injection): such text is prefixed with a quote."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value

