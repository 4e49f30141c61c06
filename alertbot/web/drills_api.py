"""GET /api/drills/{incident_id}/report (issue 14): a drill's report as JSON.

Bearer ``ALERTBOT_API_TOKEN``, or a signed-in person who may see the drill
(``who.may_view``, the console's one rule). The body is ``DrillReport.to_json()``
(alertbot/core/drill_report.py): times in seconds after the drill opened, ``null`` for
never; 404 for an incident that is not a drill or that the person may not see.
"""

from __future__ import annotations

from aiohttp import web

from alertbot import appkeys
from alertbot.core import who
from alertbot.core.commands import whole_number
from alertbot.core.drill_report import DrillReport
from alertbot.service.drills import report_for
from alertbot.store.sql import Tx
from alertbot.web.api import api_access

_NOT_A_DRILL = '{"error": "no such drill"}'


async def drill_report(request: web.Request) -> web.Response:
    viewer = await api_access(request)
    config = request.app[appkeys.RECEIVER].config
    number = whole_number(request.match_info["id"])
    if number is None:
        raise web.HTTPNotFound(text=_NOT_A_DRILL, content_type="application/json")

    def build(tx: Tx) -> DrillReport | None:
        incident = tx.get_incident(number)
        if incident is None or not incident.drill:
            return None
        if viewer is not None and not who.may_view(config, viewer.contact, incident).allowed:
            return None  # as if it did not exist
        return report_for(tx, incident)

    report = await request.app[appkeys.STORE].read(build)
    if report is None:
        raise web.HTTPNotFound(text=_NOT_A_DRILL, content_type="application/json")
    return web.json_response(report.to_json())


def add_routes(app: web.Application) -> None:
    app.router.add_get("/api/drills/{id}/report", drill_report)
