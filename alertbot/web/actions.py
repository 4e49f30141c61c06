"""Acting on an incident from the console or a script (issue 11, CONTRACT "HTTP").

    POST /api/incidents/{id}/acknowledge
    POST /api/incidents/{id}/resolve
    POST /api/incidents/{id}/notes          form ``text``

A signed-in person sends their session's CSRF token (form ``csrf_token`` or header
``X-CSRF-Token``; 403 without). A script sends the bearer ALERTBOT_API_TOKEN and acts
for the contact named in form field ``contact``. Either way the command goes through
the receiver exactly as the SMS command would (``receiver.handle(actor, command,
source="console")``: the same who-may rules, the same outcomes, the same notices), the
identity proven by the provider (session or token, ``Proof.PROVIDER``).

The answer is JSON: ``outcome`` (core/actors.py ``Outcome``), ``key`` (the reply key),
``reply`` (the words the web renders, in the person's language) and ``incident``.
Status 200, 403 when refused (not on the incident's team) and 404 when there is no such
incident or the person may not see it (as if it did not exist). Audited.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from aiohttp import web

from alertbot.core import commands as cmd
from alertbot.core import who
from alertbot.core.actors import Actor, Outcome, Proof
from alertbot.core.commands import whole_number
from alertbot.text.reply import ReplyKey
from alertbot.text.web import render_web
from alertbot.web.audit import Audit
from alertbot.web.session import Gate

if TYPE_CHECKING:
    from alertbot.service.receiver import Receiver
    from alertbot.store.sql import Store


STATUS = {Outcome.REFUSED: 403, Outcome.NOT_FOUND: 404}
# Replies that refuse the request's own content: a 400 naming the limit and the field.
BAD_REQUEST = frozenset({ReplyKey.NOTE_TOO_LONG})


def _not_found() -> web.HTTPNotFound:
    return web.HTTPNotFound(text='{"error": "no such incident"}',
                            content_type="application/json")


class Actions:
    """POST acknowledge, resolve and notes, with what they use (decision 0046): the
    ``Gate`` (who asks), the ``Audit`` log, the store and receiver as getters."""

    def __init__(self, gate: Gate, audit: Audit, store: Callable[[], Store],
                 receiver: Callable[[], Receiver]) -> None:
        self._gate, self._audit, self._store, self._receiver = gate, audit, store, receiver

    async def _act(self, request: web.Request, verb: str) -> web.Response:
        viewer = await self._gate.acting_viewer(request)
        number = whole_number(request.match_info["id"])
        if number is None:
            raise _not_found()
        receiver = self._receiver()
        incident = await self._store().read(lambda tx: tx.get_incident(number))
        if incident is None or not who.may_view(receiver.config, viewer.contact,
                                                incident).allowed:
            await self._audit.record(request, viewer, verb, incident_id=number,
                                     outcome="not_found")
            raise _not_found()
        command: cmd.Command
        if verb == "acknowledge":
            command = cmd.Ack(number)
        elif verb == "resolve":
            command = cmd.Resolve(number)
        else:
            text = str((await request.post()).get("text", ""))
            command = cmd.Note(number, text)
        contact = viewer.contact
        actor = Actor(contact, phone=contact.phone, slack_id=contact.slack,
                      proof=Proof.PROVIDER)
        reply = await receiver.handle(actor, command, source="console")
        await self._audit.record(request, viewer, verb, incident_id=number,
                                 outcome=str(reply.outcome))
        body: dict[str, object] = {"outcome": str(reply.outcome), "key": str(reply.key),
                                   "reply": render_web(reply), "incident": number}
        if reply.key is ReplyKey.NOTE_TOO_LONG:  # the field and the limit, for a script
            body["problems"] = [f"text: at most {reply.values['max']} characters "
                                f"({reply.values['length']} sent); nothing was added"]
            body.update(field="text", limit=reply.values["max"],
                        length=reply.values["length"], message=body["reply"])
        return web.json_response(
            body,
            status=400 if reply.key in BAD_REQUEST else STATUS.get(reply.outcome, 200))

    async def acknowledge(self, request: web.Request) -> web.Response:
        return await self._act(request, "acknowledge")

    async def resolve(self, request: web.Request) -> web.Response:
        return await self._act(request, "resolve")

    async def note(self, request: web.Request) -> web.Response:
        return await self._act(request, "note")

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/api/incidents/{id}/acknowledge", self.acknowledge)
        app.router.add_post("/api/incidents/{id}/resolve", self.resolve)
        app.router.add_post("/api/incidents/{id}/notes", self.note)

