"""GET /healthz, GET /metrics, GET /api/incidents, and the bearer-token check."""

from __future__ import annotations

import asyncio
import hmac
from typing import Any

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from alertbot import appkeys
from alertbot.clock import iso
from alertbot.domain.incident import Incident
from alertbot.domain.records import TimelineEntry

TOKEN_COOKIE = "alertbot_token"


def authorized(request: web.Request) -> bool:
    """Bearer ALERTBOT_API_TOKEN (or the dashboard's cookie holding it); none set: refuse."""
    token = request.app[appkeys.SETTINGS].api_token
    if token is None:
        return False
    header = request.headers.get("Authorization", "")
    offered = header[7:] if header.startswith("Bearer ") else request.cookies.get(TOKEN_COOKIE, "")
    return bool(offered) and hmac.compare_digest(offered.encode(), token.value.encode())


def require_token(request: web.Request) -> None:
    if not authorized(request):
        raise web.HTTPUnauthorized(
            text='{"error": "bearer token required (ALERTBOT_API_TOKEN)"}',
            content_type="application/json", headers={"WWW-Authenticate": "Bearer"})


async def healthz(request: web.Request) -> web.Response:
    store = request.app[appkeys.STORE]
    engine = request.app[appkeys.ENGINE]
    db_ok = await store.ping()
    loop_now = asyncio.get_running_loop().time()
    engine_ok = engine.last_cycle is not None and loop_now - engine.last_cycle < max(
        30.0, engine.tick * 10)
    body = {"status": "ok" if db_ok and engine_ok else "unavailable",
            "database": "ok" if db_ok else "down",
            "engine": "ok" if engine_ok else "stalled",
            "sandbox": request.app[appkeys.SETTINGS].sandbox}
    return web.json_response(body, status=200 if db_ok and engine_ok else 503)


async def metrics(request: web.Request) -> web.Response:
    collected = request.app[appkeys.METRICS]
    async with request.app[appkeys.STORE].read() as tx:
        collected.open_incidents.set(await tx.count_open())
    registry = collected.registry
    return web.Response(body=generate_latest(registry),
                        headers={"Content-Type": CONTENT_TYPE_LATEST})


def incident_json(incident: Incident, entries: list[TimelineEntry]) -> dict[str, Any]:
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
        "timeline": [{"at": iso(e.at), "kind": e.kind, "actor": e.actor, "text": e.text}
                     for e in entries],
    }


async def list_incidents(request: web.Request) -> web.Response:
    require_token(request)
    try:
        limit = min(500, max(1, int(request.query.get("limit", "100"))))
        offset = max(0, int(request.query.get("offset", "0")))
    except ValueError as exc:
        raise web.HTTPBadRequest(text="limit and offset must be whole numbers") from exc
    async with request.app[appkeys.STORE].read() as tx:
        items = await tx.list_incidents(limit, offset)
        timelines = await tx.timeline([i.id for i in items])
    return web.json_response([incident_json(i, timelines[i.id]) for i in items])


async def get_incident(request: web.Request) -> web.Response:
    require_token(request)
    try:
        number = int(request.match_info["id"])
    except ValueError as exc:
        raise web.HTTPNotFound() from exc
    async with request.app[appkeys.STORE].read() as tx:
        incident = await tx.get_incident(number)
        if incident is None:
            raise web.HTTPNotFound(text='{"error": "no such incident"}',
                                   content_type="application/json")
        timelines = await tx.timeline([number])
        messages = await tx.messages_for(number)
    body = incident_json(incident, timelines[number])
    body["messages"] = [
        {"id": m.id, "kind": str(m.kind), "channel": str(m.channel), "contact": m.contact_id,
         "status": str(m.status), "provider_status": m.provider_status, "step": m.step,
         "round": m.round, "reason": m.reason, "attempts": m.attempts, "error": m.error,
         "created_at": iso(m.created_at), "sent_at": iso(m.sent_at)}
        for m in messages
    ]
    return web.json_response(body)
