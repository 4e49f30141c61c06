"""POST /api/incidents/{id}/bridge: the team call from a script or the console (issue 13).

Bearer ``ALERTBOT_API_TOKEN`` (``api.require_token``) acting for the contact named in
form field ``contact``, with the same rules and replies as texting ``BRIDGE 12``
(service/calls.py); form field ``with_reporter`` (``1``/``true``/``yes``/``on``) calls
the reporter too. Answers JSON ``{"outcome", "key", "text", "incident"}``: 200 when the
calls are queued or nothing was needed, 403 refused, 404 no such incident, 400 no such
contact. The console adds session auth later; this stays one small function.
"""

from __future__ import annotations

from aiohttp import web

from alertbot import appkeys
from alertbot.core import commands as cmd
from alertbot.core.actors import Actor, Outcome, Proof
from alertbot.text.web import render_web
from alertbot.web.api import require_token

YES = frozenset({"1", "true", "yes", "on"})
_STATUS = {Outcome.REFUSED: 403, Outcome.NOT_FOUND: 404}


async def bridge(request: web.Request) -> web.Response:
    require_token(request)
    number = cmd.whole_number(request.match_info["id"])
    form = await request.post()
    receiver = request.app[appkeys.RECEIVER]
    contact = receiver.config.contacts.get(str(form.get("contact", "")))
    if number is None:
        raise web.HTTPNotFound(text='{"error": "no such incident"}',
                               content_type="application/json")
    if contact is None:
        raise web.HTTPBadRequest(text='{"error": "form field contact: no such contact"}',
                                 content_type="application/json")
    # The bearer token vouches for whom it acts (decision 0014: the provider's proof).
    actor = Actor(contact, phone=contact.phone, proof=Proof.PROVIDER)
    with_reporter = str(form.get("with_reporter", "")).lower() in YES
    reply = await receiver.handle(actor, cmd.Bridge(number, with_reporter), "console")
    body = {"outcome": str(reply.outcome), "key": str(reply.key),
            "text": render_web(reply), "incident": reply.incident_id}
    return web.json_response(body, status=_STATUS.get(reply.outcome, 200))


def add_routes(app: web.Application) -> None:
    app.router.add_post("/api/incidents/{id}/bridge", bridge)
