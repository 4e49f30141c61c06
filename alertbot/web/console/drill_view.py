"""The drill report on a drill's incident page (issue 14): time to first page, each
responder's time to acknowledge (or never) and the channel that reached them, compared
with earlier drills. The numbers are ``service/drills.report_for``'s, the same as
``GET /api/drills/{id}/report``; words per language in text/readiness_ui.py.

The incident page calls ``fragment`` only for an incident the viewer may see
(``who.may_view``, as the drill report API); times are seconds after the drill opened.
"""

from __future__ import annotations

from markupsafe import Markup

from alertbot.core.drill_report import DrillReport
from alertbot.core.incident import Incident
from alertbot.core.model import Config
from alertbot.service.drills import report_for
from alertbot.store.sql import Store
from alertbot.store.tx import Tx
from alertbot.text import readiness_ui
from alertbot.text.console import language_of
from alertbot.web.console import render


async def fragment(store: Store, config: Config, incident: Incident, language: str,
                   now: float) -> Markup | None:
    """The drill report section of ``incident`` in ``language``; None when it is not a
    drill."""
    if not incident.drill:
        return None

    def build(tx: Tx) -> DrillReport:
        return report_for(tx, incident)

    report = await store.read(build)
    lang = language_of(language)
    return render.render(
        "drill_report.html", lang, now, config.timezone, report=report,
        r=lambda key, **values: readiness_ui.say(lang, key, **values),
        secs=lambda value: readiness_ui.seconds(value, lang))
