"""Sandbox-only routes: play a principal or a responder from the console's panel
(sandbox/panel.py) or a script.

Mounted only with ``--sandbox``; nothing here reaches a real provider. A signed-in
console session may use them (a POST with the session's CSRF token), as may the bearer
``ALERTBOT_API_TOKEN`` (``api.api_access``). To htmx (``HX-Request``) they answer
HTML, else JSON.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from aiohttp import web

from alertbot.core.actors import Outcome
from alertbot.sandbox.codes import shown_body
from alertbot.sandbox.panel import Panel
from alertbot.text.reply import ReplyKey
from alertbot.text.web import render_web
from alertbot.twilio.sms_webhook import actor_for_phone, inbound_sms
from alertbot.web.session import Gate

if TYPE_CHECKING:
    from alertbot.sandbox.sender import SandboxOutbox
    from alertbot.service.receiver import Receiver


log = logging.getLogger("alertbot.sandbox")


def _htmx(request: web.Request) -> bool:
    return request.headers.get("HX-Request") == "true"


class SandboxRoutes:
    """/sandbox/sms, /sandbox/messages, /sandbox/contacts, with what they use (decision
    0046): the ``Gate`` (the session or bearer token), the receiver as a getter, the
    sandbox's recording outbox and the ``Panel`` (its HTML)."""

    def __init__(self, gate: Gate, receiver: Callable[[], Receiver], outbox: SandboxOutbox,
                 panel: Panel) -> None:
        self._gate, self._receiver, self._sandbox, self._panel = gate, receiver, outbox, panel

    async def sandbox_sms(self, request: web.Request) -> web.Response:
        await self._gate.api_access(request)
        if request.content_type == "application/json":
            try:
                data = await request.json()
            except ValueError:
                raise web.HTTPBadRequest(text="the body is not JSON") from None
            if not isinstance(data, dict):
                raise web.HTTPBadRequest(text='expected {"from": phone, "body": text}')
            form = {"From": str(data.get("from", "")), "Body": str(data.get("body", ""))}
        else:
            posted = await request.post()
            form = {"From": str(posted.get("from", "")), "Body": str(posted.get("body", ""))}
        if not form["From"]:
            raise web.HTTPBadRequest(text="'from' (a phone number) is required")
        try:
            reply = await inbound_sms(self._receiver(), form, "sandbox")
        except Exception:
            log.exception("could not handle a sandbox text")
            language = actor_for_phone(self._receiver().config, form["From"]).language
            reply = self._receiver().questions.fallback_reply(
                Outcome.INFO, ReplyKey.INTAKE_ERROR, language)
        if _htmx(request):  # the console's panel shows it as text (escaped)
            return web.Response(text=render_web(reply) or "(no reply)")
        return web.json_response({"reply": render_web(reply)})  # shown in the console

    async def sandbox_messages(self, request: web.Request) -> web.Response:
        """What the sandbox "sent"; a sign-in code only to its owner (sandbox/codes.py)."""
        viewer = await self._gate.api_access(request)
        if _htmx(request):
            return web.Response(text=str(self._panel.messages_html(viewer)),
                                content_type="text/html")
        outbox = self._sandbox
        return web.json_response([
            {"id": r.id, "at": r.at, "channel": str(r.channel), "to": r.to,
             "body": shown_body(r.to, r.body, viewer),
             "kind": r.kind, "incident": r.incident_id}
            for r in reversed(outbox.records)
        ])

    async def sandbox_contacts(self, request: web.Request) -> web.Response:
        await self._gate.api_access(request)
        config = self._receiver().config
        return web.json_response([
            {"id": c.id, "name": c.name, "roles": list(c.roles), "phone": c.phone,
             "schools": list(c.schools), "language": c.language}
            for c in config.contacts.values()
        ])

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/sandbox/sms", self.sandbox_sms)
        app.router.add_get("/sandbox/messages", self.sandbox_messages)
        app.router.add_get("/sandbox/contacts", self.sandbox_contacts)

