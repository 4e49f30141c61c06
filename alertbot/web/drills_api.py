"""GET /api/drills/{incident_id}/report (issue 14): a drill's report as JSON.

Bearer ``ALERTBOT_API_TOKEN``, or a signed-in person who may see the drill
(``who.may_view``, the console's one rule). The body is ``DrillReport.to_json()``
(alertbot/core/drill_report.py): times in seconds after the drill opened, ``null`` for
never; 404 for an incident that is not a drill or that the person may not see.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from aiohttp import web

from alertbot.core import who
from alertbot.core.commands import whole_number
from alertbot.core.drill_report import DrillReport
from alertbot.service.drills import report_for
from alertbot.store.sql import Store, Tx
from alertbot.web.session import Gate

if TYPE_CHECKING:
    from alertbot.service.receiver import Receiver


_NOT_A_DRILL = '{"error": "no such drill"}'


class DrillsApi:
    """GET /api/drills/{id}/report, with what it uses (decision 0046): the ``Gate`` (who
    asks), the store and receiver as getters."""

    def __init__(self, gate: Gate, store: Callable[[], Store],
                 receiver: Callable[[], Receiver]) -> None:
        self._gate, self._store, self._receiver = gate, store, receiver

    async def drill_report(self, request: web.Request) -> web.Response:
        viewer = await self._gate.api_access(request)
        config = self._receiver().config
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

        report = await self._store().read(build)
        if report is None:
            raise web.HTTPNotFound(text=_NOT_A_DRILL, content_type="application/json")
        return web.json_response(report.to_json())

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/api/drills/{id}/report", self.drill_report)

