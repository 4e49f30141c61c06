"""Sandbox-only routes: play a principal or a responder from the dashboard's form.

Mounted only with ``--sandbox``; nothing here reaches a real provider.
"""

from __future__ import annotations

from aiohttp import web

from alertbot import appkeys
from alertbot.text.web import render_web
from alertbot.twilio.sms_webhook import inbound_sms
from alertbot.web.api import require_token


async def sandbox_sms(request: web.Request) -> web.Response:
    require_token(request)
    if request.content_type == "application/json":
        data = await request.json()
        form = {"From": str(data.get("from", "")), "Body": str(data.get("body", ""))}
    else:
        posted = await request.post()
        form = {"From": str(posted.get("from", "")), "Body": str(posted.get("body", ""))}
    if not form["From"]:
        raise web.HTTPBadRequest(text="'from' (a phone number) is required")
    reply = await inbound_sms(request, form, "sandbox")
    return web.json_response({"reply": render_web(reply)})  # shown on the dashboard


async def sandbox_messages(request: web.Request) -> web.Response:
    require_token(request)
    outbox = request.app[appkeys.SANDBOX]
    return web.json_response([
        {"id": r.id, "at": r.at, "channel": str(r.channel), "to": r.to, "body": r.body,
         "kind": r.kind, "incident": r.incident_id}
        for r in reversed(outbox.records)
    ])


async def sandbox_contacts(request: web.Request) -> web.Response:
    require_token(request)
    config = request.app[appkeys.RECEIVER].config
    return web.json_response([
        {"id": c.id, "name": c.name, "roles": list(c.roles), "phone": c.phone,
         "schools": list(c.schools), "language": c.language}
        for c in config.contacts.values()
    ])


def add_routes(app: web.Application) -> None:
    app.router.add_post("/sandbox/sms", sandbox_sms)
    app.router.add_get("/sandbox/messages", sandbox_messages)
    app.router.add_get("/sandbox/contacts", sandbox_contacts)
