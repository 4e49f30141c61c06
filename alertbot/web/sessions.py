"""A person's console sessions: list them, end one (issue 11).

    GET  /api/sessions               your sessions, newest first, and this one's CSRF token
    POST /api/sessions/{id}/revoke   end one of your sessions (an admin: anyone's)

A script with the bearer token lists ``?contact=<id>``'s sessions and may end any. An
id that is not the person's is a 404 (as if it did not exist). Every revocation is
audited.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from alertbot import appkeys
from alertbot.clock import iso
from alertbot.core import signin as rules
from alertbot.core.commands import whole_number
from alertbot.store.auth import SessionRow
from alertbot.web import audit
from alertbot.web.api import api_access


def _json(row: SessionRow, now: float, idle: float, current: int | None) -> dict[str, Any]:
    ended = rules.session_ended(row.last_seen_at, row.expires_at, row.revoked_at, now, idle)
    return {"id": row.id, "method": row.method, "created_at": iso(row.created_at),
            "last_seen_at": iso(row.last_seen_at), "expires_at": iso(row.expires_at),
            "idle_until": iso(row.last_seen_at + idle), "active": ended is None,
            "ended": ended, "revoked_at": iso(row.revoked_at),
            "revoked_why": row.revoked_why, "client": row.client,
            "user_agent": row.user_agent, "current": row.id == current}


def _not_found() -> web.HTTPNotFound:
    return web.HTTPNotFound(text='{"error": "no such session"}',
                            content_type="application/json")


async def list_sessions(request: web.Request) -> web.Response:
    """``{"current": id | null, "csrf_token": str, "sessions": [...]}``."""
    viewer = await api_access(request)
    app = request.app
    contact_id = viewer.contact.id if viewer is not None else request.query.get("contact", "")
    if not contact_id:
        raise web.HTTPBadRequest(text="a script names the person: ?contact=<id>")
    rows = await app[appkeys.STORE].read(lambda tx: tx.sessions_of(contact_id))
    now, idle = app[appkeys.CLOCK].now(), app[appkeys.SETTINGS].session_idle
    current = viewer.session_id if viewer is not None else None
    return web.json_response({
        "current": current, "csrf_token": viewer.csrf_token if viewer is not None else "",
        "sessions": [_json(r, now, idle, current) for r in rows]},
        headers={"Cache-Control": "no-store"})


async def revoke(request: web.Request) -> web.Response:
    """End a session: 200 ``{"revoked": bool}`` (False: it had ended already), or 404."""
    viewer = await api_access(request)  # a session's POST: CSRF checked
    number = whole_number(request.match_info["id"])
    if number is None:
        raise _not_found()
    app = request.app
    config, now = app[appkeys.RECEIVER].config, app[appkeys.CLOCK].now()
    may_any = viewer is None or config.is_admin(viewer.contact.id)
    who = viewer.contact.id if viewer is not None else "api token"
    row = await app[appkeys.STORE].read(lambda tx: tx.session(number))
    if row is None or (not may_any and viewer is not None
                       and row.contact_id != viewer.contact.id):
        raise _not_found()
    done = await app[appkeys.STORE].write(
        lambda tx: tx.revoke_session(number, now, f"revoked by {who}"))
    await audit.record(request, viewer, "session_revoke", outcome="ok" if done else "ended",
                       detail=f"session {number} of {row.contact_id}")
    return web.json_response({"revoked": done})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/sessions", list_sessions)
    app.router.add_post("/api/sessions/{id}/revoke", revoke)
