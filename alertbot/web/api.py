"""GET /healthz, GET /metrics, GET /api/incidents, and who may read them.

``/api/*``: the bearer ``ALERTBOT_API_TOKEN`` (a script: it sees every incident), or a
signed-in person's session (web/session.py), who sees only the incidents
``core.who.may_view`` lets them see; one they may not see is a 404, as if it did not
exist. Every look at one incident's details is audited (web/audit.py). ``/metrics``: the
bearer ``ALERTBOT_METRICS_TOKEN``; with none set, only a client on this machine that is
not behind a proxy (decision 0017).
"""

from __future__ import annotations

import asyncio
import hmac
import ipaddress
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from alertbot import appkeys
from alertbot.clock import iso
from alertbot.core import who
from alertbot.core.commands import MAX_DIGITS, whole_number
from alertbot.core.incident import Incident
from alertbot.core.model import Config, Contact
from alertbot.core.records import OutboxItem
from alertbot.store import timeline_pages as pages
from alertbot.store.documents import Document
from alertbot.store.sql import Tx
from alertbot.web import audit
from alertbot.web.documents_api import documents_json, download
from alertbot.web.procedure_json import procedure_detail
from alertbot.web.recordings_api import recording
from alertbot.web.session import Viewer, require_viewer

PING_TIMEOUT = 2.0  # seconds /healthz waits for the database to answer a read
LIST_LIMIT, LIST_LIMIT_MAX = 100, 500  # incidents per page of GET /api/incidents (as before)
LIST_TIMELINE, LIST_TIMELINE_MAX = 50, 200  # latest timeline entries per listed incident
ONE_TIMELINE, ONE_TIMELINE_MAX = 200, 1000  # timeline entries per page of one incident
VISIBLE_BATCH = 200  # incidents read at a time while filtering for one person
PROXY_HEADERS = ("X-Forwarded-For", "Forwarded", "X-Real-IP", "X-Forwarded-Host")


def token_matches(offered: str, token: str) -> bool:
    return bool(offered) and hmac.compare_digest(offered.encode(), token.encode())


def _bearer(request: web.Request) -> str:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.startswith("Bearer ") else ""


def bearer_present(request: web.Request) -> bool:
    """The request carries ``Authorization: Bearer …`` (a script, not a browser)."""
    return bool(_bearer(request))


def require_bearer(request: web.Request) -> None:
    """401 unless the bearer is ALERTBOT_API_TOKEN (none set: every bearer is refused)."""
    token = request.app[appkeys.SETTINGS].api_token
    if token is None or not token_matches(_bearer(request), token.value):
        raise web.HTTPUnauthorized(
            text='{"error": "bearer token required (ALERTBOT_API_TOKEN)"}',
            content_type="application/json", headers={"WWW-Authenticate": "Bearer"})


async def api_access(request: web.Request) -> Viewer | None:
    """Who reads or acts on ``/api/*``: None for a script with the bearer token, else the
    signed-in person (their CSRF token checked on a state-changing method). 401 for
    neither; 403 for a session's state change without its CSRF token."""
    if bearer_present(request):
        require_bearer(request)
        return None
    return await require_viewer(request)


def _local_unproxied(request: web.Request) -> bool:
    if any(h in request.headers for h in PROXY_HEADERS):
        return False
    try:
        return ipaddress.ip_address(request.remote or "").is_loopback
    except ValueError:
        return False


def metrics_allowed(request: web.Request) -> bool:
    """``Authorization: Bearer ALERTBOT_METRICS_TOKEN``; with no token set, only a client
    on this machine that no proxy forwarded (a proxy on the same host sets
    X-Forwarded-For or X-Real-IP; behind one that does not, set the token)."""
    token = request.app[appkeys.SETTINGS].metrics_token
    if token is not None:
        return token_matches(_bearer(request), token.value)
    return _local_unproxied(request)


async def healthz(request: web.Request) -> web.Response:
    store = request.app[appkeys.STORE]
    engine = request.app[appkeys.ENGINE]
    try:  # the database answers on its own threads: a stuck one is "down", not a hang
        db_ok = await asyncio.wait_for(store.ping(), PING_TIMEOUT)
    except TimeoutError:
        db_ok = False
    engine_ok = engine.alive()
    body = {"status": "ok" if db_ok and engine_ok else "unavailable",
            "database": "ok" if db_ok else "down",
            "engine": "ok" if engine_ok else "stalled",
            "sandbox": request.app[appkeys.SETTINGS].sandbox,
            **request.app[appkeys.LOOP_LAG].summary()}
    return web.json_response(body, status=200 if db_ok and engine_ok else 503)


async def metrics(request: web.Request) -> web.Response:
    if not metrics_allowed(request):
        if request.app[appkeys.SETTINGS].metrics_token is not None:
            raise web.HTTPUnauthorized(text="bearer token required (ALERTBOT_METRICS_TOKEN)",
                                       headers={"WWW-Authenticate": "Bearer"})
        raise web.HTTPForbidden(text="/metrics answers this machine only; set "
                                     "ALERTBOT_METRICS_TOKEN to scrape it from elsewhere")
    collected = request.app[appkeys.METRICS]
    collected.open_incidents.set(
        await request.app[appkeys.STORE].read(lambda tx: tx.count_open()))
    for channel, breaker in request.app[appkeys.ENGINE].breakers.items():
        collected.circuit_open.labels(channel=str(channel)).set(
            0 if breaker.state == "closed" else 1)
    registry = collected.registry
    return web.Response(body=generate_latest(registry),
                        headers={"Content-Type": CONTENT_TYPE_LATEST})


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


async def list_incidents(request: web.Request) -> web.Response:
    """Newest first, ``limit`` (default 100, at most 500) a page; ``before=N`` continues
    below incident N (the ``Link: rel="next"`` header gives it). Each incident carries
    its latest ``timeline`` entries (default 50, at most 200) and ``timeline_total``.
    ``changed_since=C`` lists only incidents with a timeline entry after cursor C; every
    answer's ``X-Timeline-Cursor`` header is the cursor to send next time. A signed-in
    person gets only the incidents ``who.may_view`` lets them see; a script, all."""
    viewer = await api_access(request)
    config = request.app[appkeys.RECEIVER].config
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

    cursor, items, entries, totals = await request.app[appkeys.STORE].read(page)
    headers = {"X-Timeline-Cursor": str(cursor)}
    if len(items) == limit and since is None and not offset:
        headers["Link"] = f'</api/incidents?before={items[-1].id}&limit={limit}>; rel="next"'
    return web.json_response([incident_json(i, entries[i.id], totals[i.id]) for i in items],
                             headers=headers)


async def incident_detail(request: web.Request, number: int, viewer: Viewer | None,
                          per: int = ONE_TIMELINE, before: int | None = None
                          ) -> dict[str, Any] | None:
    """GET /api/incidents/{id}'s JSON for incident ``number``, or None when there is no
    such incident or ``viewer`` (None: a script with the bearer token) may not see it
    (``who.may_view``): the list fields, the timeline page (``per`` entries before entry
    ``before``), its ``messages`` and ``documents``. The after-action report is built from
    it too. Records nothing in the audit log (the caller does)."""
    config = request.app[appkeys.RECEIVER].config
    now = request.app[appkeys.RECEIVER].clock.now()  # which checklist steps are overdue

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

    found = await request.app[appkeys.STORE].read(one)
    if found is None:
        return None
    incident, entries, total, older, messages, documents, issue12 = found
    body = incident_json(incident, entries, total)
    body.update(issue12)
    body["timeline_next"] = entries[0].id if older else None
    body["messages"] = messages_json(messages)
    body["documents"] = documents_json(documents)
    return body


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


async def may_view(request: web.Request, number: int) -> Viewer | None:
    """Who asks about incident ``number`` (None: a script with the bearer token), once
    they may see it: 401 for nobody signed in, 404 for an incident there is not or that
    the person may not see (``who.may_view``: the same answer, so a number reveals
    nothing)."""
    viewer = await api_access(request)
    if viewer is None:
        return None
    config = request.app[appkeys.RECEIVER].config
    incident = await request.app[appkeys.STORE].read(lambda tx: tx.get_incident(number))
    if incident is None or not who.may_view(config, viewer.contact, incident).allowed:
        raise _no_such_incident()
    return viewer


async def get_incident(request: web.Request) -> web.Response:
    """One incident with its messages; its timeline a page at a time: the latest
    ``timeline`` entries (default 200, at most 1000), or those before entry
    ``timeline_before``; ``timeline_next`` is the cursor for the page before (or null)."""
    viewer = await api_access(request)
    number = incident_number(request)
    per = _whole(request, "timeline", ONE_TIMELINE, 1, ONE_TIMELINE_MAX)
    before = _whole(request, "timeline_before", None, 1)
    assert per is not None
    body = await incident_detail(request, number, viewer, per, before)
    if body is None:
        raise _no_such_incident()
    await audit.record(request, viewer, "viewed", incident_id=number)
    return web.json_response(body)


async def get_document(request: web.Request) -> web.Response:
    """GET /api/incidents/{id}/documents/{doc_id} (web/documents_api.py), audited."""
    return await download(request, may_view, audit.record)


async def get_recording(request: web.Request) -> web.Response:
    """GET /api/incidents/{id}/recordings/{sid} (web/recordings_api.py), audited."""
    return await recording(request, may_view, audit.record)
