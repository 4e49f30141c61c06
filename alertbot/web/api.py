"""GET /healthz, GET /metrics, GET /api/incidents, and who may read them.

``/api/*``: the bearer ``ALERTBOT_API_TOKEN``, or the dashboard's session cookie (set by
POST /login, see dashboard.py). ``/metrics``: the bearer ``ALERTBOT_METRICS_TOKEN``; with
none set, only a client on this machine that is not behind a proxy (decision 0017).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from alertbot import appkeys
from alertbot.clock import iso
from alertbot.core.commands import MAX_DIGITS, whole_number
from alertbot.core.incident import Incident
from alertbot.core.records import OutboxItem
from alertbot.store import timeline_pages as pages
from alertbot.store.sql import Tx

PING_TIMEOUT = 2.0  # seconds /healthz waits for the database to answer a read
SESSION_COOKIE = "alertbot_session"
LIST_LIMIT, LIST_LIMIT_MAX = 100, 500  # incidents per page of GET /api/incidents (as before)
LIST_TIMELINE, LIST_TIMELINE_MAX = 50, 200  # latest timeline entries per listed incident
ONE_TIMELINE, ONE_TIMELINE_MAX = 200, 1000  # timeline entries per page of one incident
PROXY_HEADERS = ("X-Forwarded-For", "Forwarded", "X-Real-IP", "X-Forwarded-Host")


def token_matches(offered: str, token: str) -> bool:
    return bool(offered) and hmac.compare_digest(offered.encode(), token.encode())


def session_value(token: str) -> str:
    """What the session cookie holds: derived from the token, so the cookie is not the
    API token itself (it works only as a cookie, and changes when the token does)."""
    return hmac.new(token.encode(), b"alertbot dashboard session v1", hashlib.sha256).hexdigest()


def _bearer(request: web.Request) -> str:
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.startswith("Bearer ") else ""


def authorized(request: web.Request) -> bool:
    """Bearer ALERTBOT_API_TOKEN or the dashboard's session cookie; no token set: refuse."""
    token = request.app[appkeys.SETTINGS].api_token
    if token is None:
        return False
    bearer = _bearer(request)
    if bearer:
        return token_matches(bearer, token.value)
    return token_matches(request.cookies.get(SESSION_COOKIE, ""), session_value(token.value))


def require_same_origin(request: web.Request) -> None:
    """403 for a browser's cross-site request (CSRF). ``Sec-Fetch-Site`` decides where the
    browser sends it (same-origin, or none: typed by the person); else ``Origin`` must
    be this service. Scripts send neither and pass (they hold no cookie to abuse)."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        if site not in ("same-origin", "none"):
            raise web.HTTPForbidden(text="cross-site request refused")
        return
    origin = request.headers.get("Origin")
    if origin is not None:
        public = urlsplit(request.app[appkeys.SETTINGS].public_url)
        allowed = {f"{public.scheme}://{public.netloc}", f"{request.scheme}://{request.host}"}
        if origin not in allowed:
            raise web.HTTPForbidden(text="cross-site request refused")


def require_token(request: web.Request) -> None:
    if not authorized(request):
        raise web.HTTPUnauthorized(
            text='{"error": "bearer token required (ALERTBOT_API_TOKEN)"}',
            content_type="application/json", headers={"WWW-Authenticate": "Bearer"})
    if request.method not in ("GET", "HEAD") and not _bearer(request):
        require_same_origin(request)  # a state change carried by the cookie


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
    answer's ``X-Timeline-Cursor`` header is the cursor to send next time."""
    require_token(request)
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
            items = pages.incidents_page(tx, limit, before,
                                         pages.changed_since(tx, since)[:limit])
        elif offset:
            items = tx.list_incidents(limit, offset)
        else:
            items = pages.incidents_page(tx, limit, before)
        numbers = [i.id for i in items]
        return (cursor, items, pages.latest_entries(tx, numbers, per),
                pages.timeline_totals(tx, numbers))

    cursor, items, entries, totals = await request.app[appkeys.STORE].read(page)
    headers = {"X-Timeline-Cursor": str(cursor)}
    if len(items) == limit and since is None and not offset:
        headers["Link"] = f'</api/incidents?before={items[-1].id}&limit={limit}>; rel="next"'
    return web.json_response([incident_json(i, entries[i.id], totals[i.id]) for i in items],
                             headers=headers)


async def get_incident(request: web.Request) -> web.Response:
    """One incident with its messages; its timeline a page at a time: the latest
    ``timeline`` entries (default 200, at most 1000), or those before entry
    ``timeline_before``; ``timeline_next`` is the cursor for the page before (or null)."""
    require_token(request)
    number = whole_number(request.match_info["id"])
    if number is None:
        raise web.HTTPNotFound(text='{"error": "no such incident"}',
                               content_type="application/json")
    per = _whole(request, "timeline", ONE_TIMELINE, 1, ONE_TIMELINE_MAX)
    before = _whole(request, "timeline_before", None, 1)
    assert per is not None

    def one(tx: Tx) -> tuple[Incident, list[pages.Entry], int, bool, list[OutboxItem]] | None:
        incident = tx.get_incident(number)
        if incident is None:
            return None
        entries = pages.timeline_page(tx, number, per, before)
        total = pages.timeline_totals(tx, [number])[number]
        older = bool(entries) and bool(pages.timeline_page(tx, number, 1, entries[0].id))
        return incident, entries, total, older, tx.messages_for(number)

    found = await request.app[appkeys.STORE].read(one)
    if found is None:
        raise web.HTTPNotFound(text='{"error": "no such incident"}',
                               content_type="application/json")
    incident, entries, total, older, messages = found
    body = incident_json(incident, entries, total)
    body["timeline_next"] = entries[0].id if older else None
    body["messages"] = [
        {"id": m.id, "kind": str(m.kind), "channel": str(m.channel), "contact": m.contact_id,
         "status": str(m.status), "provider_status": m.provider_status, "step": m.step,
         "round": m.round, "reason": m.reason, "attempts": m.attempts, "error": m.error,
         "created_at": iso(m.created_at), "sent_at": iso(m.sent_at)}
        for m in messages
    ]
    return web.json_response(body)
