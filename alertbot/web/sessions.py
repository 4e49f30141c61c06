"""A person's console sessions: list them, end one (issue 11).

    GET  /api/sessions               your sessions, newest first, and this one's CSRF token
    POST /api/sessions/{id}/revoke   end one of your sessions (an admin: anyone's)

A script with the bearer token lists ``?contact=<id>``'s sessions and may end any. An
id that is not the person's is a 404 (as if it did not exist). Every revocation is
audited.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from alertbot.clock import iso
from alertbot.core import signin as rules
from alertbot.core.commands import whole_number
from alertbot.store.auth import SessionRow
from alertbot.web.audit import Audit
from alertbot.web.session import Gate

if TYPE_CHECKING:
    from alertbot.clock import Clock
    from alertbot.service.receiver import Receiver
    from alertbot.settings import Settings
    from alertbot.store.sql import Store



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


class Sessions:
    """GET /api/sessions and revoking one, with what they use (decision 0046): the
    ``Gate`` (who asks), the ``Audit`` log, the store and receiver as getters, the
    settings (the idle limit) and the clock."""

    def __init__(self, gate: Gate, audit: Audit, store: Callable[[], Store],
                 receiver: Callable[[], Receiver], settings: Settings, clock: Clock) -> None:
        self._gate, self._audit, self._store, self._receiver = gate, audit, store, receiver
        self._settings, self._clock = settings, clock

    async def list_sessions(self, request: web.Request) -> web.Response:
        """``{"current": id | null, "csrf_token": str, "sessions": [...]}``."""
        viewer = await self._gate.api_access(request)
        contact_id = viewer.contact.id if viewer is not None else request.query.get("contact", "")
        if not contact_id:
            raise web.HTTPBadRequest(text="a script names the person: ?contact=<id>")
        rows = await self._store().read(lambda tx: tx.sessions_of(contact_id))
        now, idle = self._clock.now(), self._settings.session_idle
        current = viewer.session_id if viewer is not None else None
        return web.json_response({
            "current": current, "csrf_token": viewer.csrf_token if viewer is not None else "",
            "sessions": [_json(r, now, idle, current) for r in rows]},
            headers={"Cache-Control": "no-store"})

    async def revoke(self, request: web.Request) -> web.Response:
        """End a session: 200 ``{"revoked": bool}`` (False: it had ended already), or 404."""
        viewer = await self._gate.api_access(request)  # a session's POST: CSRF checked
        number = whole_number(request.match_info["id"])
        if number is None:
            raise _not_found()
        config, now = self._receiver().config, self._clock.now()
        may_any = viewer is None or config.is_admin(viewer.contact.id)
        who = viewer.contact.id if viewer is not None else "api token"
        row = await self._store().read(lambda tx: tx.session(number))
        if row is None or (not may_any and viewer is not None
                           and row.contact_id != viewer.contact.id):
            raise _not_found()
        done = await self._store().write(
            lambda tx: tx.revoke_session(number, now, f"revoked by {who}"))
        await self._audit.record(request, viewer, "session_revoke",
                                 outcome="ok" if done else "ended",
                                 detail=f"session {number} of {row.contact_id}")
        return web.json_response({"revoked": done})

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/api/sessions", self.list_sessions)
        app.router.add_post("/api/sessions/{id}/revoke", self.revoke)

