"""POST /api/incidents/{id}/bridge: the team call from a script or the console (issue 13).

The console's signed-in person (CSRF checked) or a script's bearer
``ALERTBOT_API_TOKEN`` acting for the contact named in form field ``contact``
(``actions.acting_viewer``), with the same rules and replies as texting ``BRIDGE 12``
(service/calls.py); form field ``with_reporter`` (``1``/``true``/``yes``/``on``) calls
the reporter too. Answers JSON ``{"outcome", "key", "text", "incident"}``: 200 when the
calls are queued or nothing was needed, 403 refused, 404 no such incident (or one the
person may not see), 400 no such contact. Audited like every console action.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from aiohttp import web

from alertbot.core import commands as cmd
from alertbot.core import who
from alertbot.core.actors import Actor, Outcome, Proof
from alertbot.text.web import render_web
from alertbot.web.audit import Audit
from alertbot.web.session import Gate

if TYPE_CHECKING:
    from alertbot.service.receiver import Receiver
    from alertbot.store.sql import Store


YES = frozenset({"1", "true", "yes", "on"})
_STATUS = {Outcome.REFUSED: 403, Outcome.NOT_FOUND: 404}


class CallsApi:
    """POST /api/incidents/{id}/bridge, with what it uses (decision 0046): the ``Gate``
    (who asks), the ``Audit`` log, the store and receiver as getters."""

    def __init__(self, gate: Gate, audit: Audit, store: Callable[[], Store],
                 receiver: Callable[[], Receiver]) -> None:
        self._gate, self._audit, self._store, self._receiver = gate, audit, store, receiver

    async def bridge(self, request: web.Request) -> web.Response:
        viewer = await self._gate.acting_viewer(request)
        number = cmd.whole_number(request.match_info["id"])
        form = await request.post()
        receiver = self._receiver()
        incident = (None if number is None else
                    await self._store().read(lambda tx: tx.get_incident(number)))
        if (number is None or incident is None
                or not who.may_view(receiver.config, viewer.contact, incident).allowed):
            await self._audit.record(request, viewer, "bridge", incident_id=number,
                                     outcome="not_found")
            raise web.HTTPNotFound(text='{"error": "no such incident"}',
                                   content_type="application/json")
        contact = viewer.contact
        # The session or the bearer token vouches for whom it acts (decision 0014).
        actor = Actor(contact, phone=contact.phone, proof=Proof.PROVIDER)
        with_reporter = str(form.get("with_reporter", "")).lower() in YES
        reply = await receiver.handle(actor, cmd.Bridge(number, with_reporter), "console")
        await self._audit.record(request, viewer, "bridge", incident_id=number,
                                 outcome=str(reply.outcome))
        body = {"outcome": str(reply.outcome), "key": str(reply.key),
                "text": render_web(reply), "incident": reply.incident_id}
        return web.json_response(body, status=_STATUS.get(reply.outcome, 200))

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/api/incidents/{id}/bridge", self.bridge)

