"""GET /api/incidents and one incident, and who may read them (/healthz, /metrics:
web/health.py).

``/api/*``: the bearer ``ALERTBOT_API_TOKEN`` (a script: it sees every incident), or a
signed-in person's session (web/session.py), who sees only the incidents
``core.who.may_view`` lets them see; one they may not see is a 404, as if it did not
exist. Every look at one incident's details is audited (web/audit.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from alertbot.clock import iso
from alertbot.core import who
from alertbot.core.commands import MAX_DIGITS, whole_number
from alertbot.core.incident import Incident
from alertbot.core.model import Config, Contact
from alertbot.core.records import OutboxItem
from alertbot.store import timeline_pages as pages
from alertbot.store.documents import Document
from alertbot.store.sql import Tx
from alertbot.web.audit import Audit
from alertbot.web.documents_api import documents_json, download
from alertbot.web.procedure_json import procedure_detail
from alertbot.web.recordings_api import recording
from alertbot.web.session import Gate, Viewer

if TYPE_CHECKING:
    from alertbot.crypto import Keyring
    from alertbot.service.receiver import Receiver
    from alertbot.store.sql import Store
    from alertbot.twilio.media import TwilioMedia

LIST_LIMIT, LIST_LIMIT_MAX = 100, 500  # incidents per page of GET /api/incidents (as before)
LIST_TIMELINE, LIST_TIMELINE_MAX = 50, 200  # latest timeline entries per listed incident
ONE_TIMELINE, ONE_TIMELINE_MAX = 200, 1000  # timeline entries per page of one incident
VISIBLE_BATCH = 200  # incidents read at a time while filtering for one person


def _entry_json(e: pages.Entry) -> dict[str, Any]:
    return {"id": e.id, "at": iso(e.at), "kind": e.kind, "actor": e.actor, "text": e.text}


def incident_json(incident: Incident, entries: list[pages.Entry], total: int
                  ) -> dict[str, Any]:
    """CONTRACT.md's fields; ``timeline`` is the latest entries (oldest first) and
    ``timeline_total`` how many there are in all."""
    acked = ({"id": incident.acknowledged_by, "name": incident.acknowledged_by_name}
             if incident.acknowledged_by else None)
    return {
        "id": incident.id,
        "state": str(incident.state),
        "incident": incident.type,
        "title": incident.title,
        "school": incident.school_id,
        "school_name": incident.school_name,
        "reporter": {"id": incident.reporter_id, "name": incident.reporter_name},
        "source": incident.source,
        "details": incident.details,
        "unverified": incident.unverified,
        "drill": incident.drill,
        "created_at": iso(incident.created_at),
        "first_page_at": iso(incident.first_page_at),
        "acknowledged_by": acked,
        "acknowledged_at": iso(incident.acknowledged_at),
        "resolved_by": incident.resolved_by,
        "resolved_at": iso(incident.resolved_at),
        "escalation": {"policy": incident.plan.policy, "step": incident.step + 1,
                       "round": incident.round, "next_at": iso(incident.due_at)},
        "timeline": [_entry_json(e) for e in entries],
        "timeline_total": total,
    }


def visible_page(tx: Tx, config: Config, contact: Contact | None, limit: int,
                 before: int | None, ids: list[int] | None = None) -> list[Incident]:
    """Newest first, at most ``limit`` incidents below ``before`` (among ``ids``) that
    ``contact`` may see (``who.may_view``); None: every incident (a script, an admin)."""
    if contact is None:
        return pages.incidents_page(tx, limit, before, ids)
    out: list[Incident] = []
    cursor = before
    while len(out) < limit:
        batch = pages.incidents_page(tx, VISIBLE_BATCH, cursor, ids)
        out += [i for i in batch if who.may_view(config, contact, i).allowed]
        if len(batch) < VISIBLE_BATCH:
            break
        cursor = batch[-1].id
    return out[:limit]


def _whole(request: web.Request, name: str, default: int | None, low: int,
           high: int | None = None) -> int | None:
    raw = request.query.get(name)
    if raw is None or raw == "":
        return default
    value = whole_number(raw)
    if value is None:
        raise web.HTTPBadRequest(text=f"{name} must be a whole number of at most "
                                      f"{MAX_DIGITS} digits")
    value = max(low, value)
    return min(high, value) if high is not None else value


class IncidentsApi:
    """GET /api/incidents, one incident, its documents and recordings, with what they
    use (decision 0046): the ``Gate`` (who asks), the ``Audit`` log, the store and
    receiver as getters, the keyring as a getter (documents; known once the database is
    open, decision 0044) and Twilio's media (recordings; None without Twilio
    credentials)."""

    def __init__(self, gate: Gate, audit: Audit, store: Callable[[], Store],
                 receiver: Callable[[], Receiver], keyring: Callable[[], Keyring],
                 media: Callable[[], TwilioMedia | None]) -> None:
        self._gate, self._audit, self._store, self._receiver = gate, audit, store, receiver
        self._keyring, self._media = keyring, media

    async def list_incidents(self, request: web.Request) -> web.Response:
        """Newest first, ``limit`` (default 100, at most 500) a page; ``before=N`` continues
        below incident N (the ``Link: rel="next"`` header gives it). Each incident carries
        its latest ``timeline`` entries (default 50, at most 200) and ``timeline_total``.
        ``changed_since=C`` lists only incidents with a timeline entry after cursor C; every
        answer's ``X-Timeline-Cursor`` header is the cursor to send next time. A signed-in
        person gets only the incidents ``who.may_view`` lets them see; a script, all."""
        viewer = await self._gate.api_access(request)
        config = self._receiver().config
        contact = None if viewer is None or who.sees_all(config, viewer.contact) else viewer.contact
        limit = _whole(request, "limit", LIST_LIMIT, 1, LIST_LIMIT_MAX)
        before = _whole(request, "before", None, 1)
        offset = _whole(request, "offset", 0, 0)
        per = _whole(request, "timeline", LIST_TIMELINE, 0, LIST_TIMELINE_MAX)
        since = _whole(request, "changed_since", None, 0)
        assert limit is not None and offset is not None and per is not None

        def page(tx: Tx) -> tuple[int, list[Incident], dict[int, list[pages.Entry]],
                                  dict[int, int]]:
            cursor = pages.timeline_cursor(tx)
            if since is not None:
                changed = pages.changed_since(tx, since)
                items = visible_page(tx, config, contact, limit, before,
                                     changed if contact is not None else changed[:limit])
            elif offset:
                items = [i for i in tx.list_incidents(limit, offset)
                         if contact is None or who.may_view(config, contact, i).allowed]
            else:
                items = visible_page(tx, config, contact, limit, before)
            numbers = [i.id for i in items]
            return (cursor, items, pages.latest_entries(tx, numbers, per),
                    pages.timeline_totals(tx, numbers))

        cursor, items, entries, totals = await self._store().read(page)
        headers = {"X-Timeline-Cursor": str(cursor)}
        if len(items) == limit and since is None and not offset:
            headers["Link"] = f'</api/incidents?before={items[-1].id}&limit={limit}>; rel="next"'
        return web.json_response([incident_json(i, entries[i.id], totals[i.id]) for i in items],
                                 headers=headers)

    async def incident_detail(self, number: int, viewer: Viewer | None,
                              per: int = ONE_TIMELINE, before: int | None = None
                              ) -> dict[str, Any] | None:
        """GET /api/incidents/{id}'s JSON for incident ``number``, or None when there is no
        such incident or ``viewer`` (None: a script with the bearer token) may not see it
        (``who.may_view``): the list fields, the timeline page (``per`` entries before entry
        ``before``), its ``messages`` and ``documents``. The after-action report is built from
        it too. Records nothing in the audit log (the caller does)."""
        config = self._receiver().config
        now = self._receiver().clock.now()  # which checklist steps are overdue

        def one(tx: Tx) -> tuple[Incident, list[pages.Entry], int, bool, list[OutboxItem],
                                 list[Document], dict[str, Any]] | None:
            incident = tx.get_incident(number)
            if incident is None or (viewer is not None and not who.may_view(
                    config, viewer.contact, incident).allowed):
                return None  # one the person may not see is answered as if it did not exist
            entries = pages.timeline_page(tx, number, per, before)
            total = pages.timeline_totals(tx, [number])[number]
            older = bool(entries) and bool(pages.timeline_page(tx, number, 1, entries[0].id))
            return (incident, entries, total, older, tx.messages_for(number),
                    tx.documents_of(number), procedure_detail(tx, config, incident, now))

        found = await self._store().read(one)
        if found is None:
            return None
        incident, entries, total, older, messages, documents, issue12 = found
        body = incident_json(incident, entries, total)
        body.update(issue12)
        body["timeline_next"] = entries[0].id if older else None
        body["messages"] = messages_json(messages)
        body["documents"] = documents_json(documents)
        return body

    async def may_view(self, request: web.Request, number: int) -> Viewer | None:
        """Who asks about incident ``number`` (None: a script with the bearer token), once
        they may see it: 401 for nobody signed in, 404 for an incident there is not or that
        the person may not see (``who.may_view``: the same answer, so a number reveals
        nothing)."""
        viewer = await self._gate.api_access(request)
        if viewer is None:
            return None
        config = self._receiver().config
        incident = await self._store().read(lambda tx: tx.get_incident(number))
        if incident is None or not who.may_view(config, viewer.contact, incident).allowed:
            raise _no_such_incident()
        return viewer

    async def get_incident(self, request: web.Request) -> web.Response:
        """One incident with its messages; its timeline a page at a time: the latest
        ``timeline`` entries (default 200, at most 1000), or those before entry
        ``timeline_before``; ``timeline_next`` is the cursor for the page before (or null)."""
        viewer = await self._gate.api_access(request)
        number = incident_number(request)
        per = _whole(request, "timeline", ONE_TIMELINE, 1, ONE_TIMELINE_MAX)
        before = _whole(request, "timeline_before", None, 1)
        assert per is not None
        body = await self.incident_detail(number, viewer, per, before)
        if body is None:
            raise _no_such_incident()
        await self._audit.record(request, viewer, "viewed", incident_id=number)
        return web.json_response(body)

    async def get_document(self, request: web.Request) -> web.Response:
        """GET /api/incidents/{id}/documents/{doc_id} (web/documents_api.py), audited."""
        return await download(request, self.may_view, self._audit.record, self._store(),
                              self._keyring())

    async def get_recording(self, request: web.Request) -> web.Response:
        """GET /api/incidents/{id}/recordings/{sid} (web/recordings_api.py), audited."""
        return await recording(request, self.may_view, self._audit.record, self._store(),
                               self._media())

    def add_routes(self, app: web.Application) -> None:
        """GET /api/incidents, /api/incidents/{id}, its documents and recordings."""
        app.router.add_get("/api/incidents", self.list_incidents)
        app.router.add_get("/api/incidents/{id}", self.get_incident)
        app.router.add_get("/api/incidents/{id}/documents/{doc_id}", self.get_document)
        app.router.add_get("/api/incidents/{id}/recordings/{sid}", self.get_recording)


def messages_json(messages: list[OutboxItem]) -> list[dict[str, Any]]:
    """An incident's outbox messages as ``GET /api/incidents/{id}`` lists them."""
    return [
        {"id": m.id, "kind": str(m.kind), "channel": str(m.channel), "contact": m.contact_id,
         "status": str(m.status), "provider_status": m.provider_status, "step": m.step,
         "round": m.round, "reason": m.reason, "attempts": m.attempts, "error": m.error,
         "created_at": iso(m.created_at), "sent_at": iso(m.sent_at)}
        for m in messages
    ]


def _no_such_incident() -> web.HTTPNotFound:
    return web.HTTPNotFound(text='{"error": "no such incident"}',
                            content_type="application/json")


def incident_number(request: web.Request) -> int:
    """The route's ``{id}`` as an incident number; 404 when it cannot be one."""
    number = whole_number(request.match_info["id"])
    if number is None:
        raise _no_such_incident()
    return number

