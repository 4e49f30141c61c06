"""Who is acting on issue 12's routes: the console's sign-in (issue 11, decision 0024).

A signed-in person (their session's CSRF token checked: 403 without), or a script with
the bearer ``ALERTBOT_API_TOKEN`` acting for the contact in form field ``contact``
(web/actions.py ``acting_viewer``). A person may act only on an incident they may see
(core/who.may_view); any other is answered 404, as if it did not exist, and audited.
"""

from __future__ import annotations

from aiohttp import web

from alertbot import appkeys
from alertbot.core import who
from alertbot.web import audit
from alertbot.web.actions import acting_viewer
from alertbot.web.session import Viewer


async def acting_on(request: web.Request, incident_id: int, action: str) -> Viewer:
    """The viewer acting on ``incident_id`` (raises 401, 403 or 404 otherwise)."""
    viewer = await acting_viewer(request)
    app = request.app
    incident = await app[appkeys.STORE].read(lambda tx: tx.get_incident(incident_id))
    if incident is None or not who.may_view(app[appkeys.RECEIVER].config, viewer.contact,
                                            incident).allowed:
        await audit.record(request, viewer, action, incident_id=incident_id,
                           outcome="not_found")
        raise web.HTTPNotFound(text='{"error": "no such incident"}',
                               content_type="application/json")
    return viewer
