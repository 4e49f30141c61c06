"""Who is acting on issue 12's routes: the console's sign-in (issue 11, decision 0024).

A signed-in person (their session's CSRF token checked: 403 without), or a script with
the bearer ``ALERTBOT_API_TOKEN`` acting for the contact in form field ``contact``
(web/session.py ``Gate.acting_viewer``). A person may act only on an incident they may see
(core/who.may_view); any other is answered 404, as if it did not exist, and audited.
"""

from __future__ import annotations

from aiohttp import web

from alertbot.core import who
from alertbot.service.receiver import Receiver
from alertbot.store.sql import Store
from alertbot.web.audit import Audit
from alertbot.web.session import Gate, Viewer


async def acting_on(request: web.Request, incident_id: int, action: str, gate: Gate,
                    audit: Audit, store: Store, receiver: Receiver) -> Viewer:
    """The viewer acting on ``incident_id`` (raises 401, 403 or 404 otherwise)."""
    viewer = await gate.acting_viewer(request)
    incident = await store.read(lambda tx: tx.get_incident(incident_id))
    if incident is None or not who.may_view(receiver.config, viewer.contact,
                                            incident).allowed:
        await audit.record(request, viewer, action, incident_id=incident_id,
                           outcome="not_found")
        raise web.HTTPNotFound(text='{"error": "no such incident"}',
                               content_type="application/json")
    return viewer
