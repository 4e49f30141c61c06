"""The console's readiness page, ``GET /readiness`` (issue 14): the link the weekly
digest texts the admins (``<public_url>/readiness``).

Signed-in admins and ``console.see_all`` only (``who.may_see_readiness``: it names
people and their phone states); anyone else gets the console's 404 page, as for an
incident they may not see; no session: 303 to the sign-in page. Built from the very data
of ``GET /api/readiness`` (``web/readiness.readiness_json`` over
``service/readiness.readiness``): each step with how many of its people can be reached
now (red when nobody), then each person with their channels' states and what to fix,
in the viewer's language (text/readiness_ui.py). Looking is audited (``readiness``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from aiohttp import web

from alertbot.core import who
from alertbot.core.model import Config
from alertbot.service.readiness import readiness
from alertbot.text import readiness_ui
from alertbot.text.console import language_of
from alertbot.web.audit import Audit
from alertbot.web.console import views
from alertbot.web.console.viewer import Viewer
from alertbot.web.console.views import Views
from alertbot.web.readiness import readiness_json
from alertbot.web.session import Gate

if TYPE_CHECKING:
    from alertbot.clock import Clock
    from alertbot.service.readiness import Sources
    from alertbot.service.receiver import Receiver
    from alertbot.settings import Settings
    from alertbot.store.sql import Store



def _local(value: str | None, timezone: str, form: str) -> str:
    """An API time (ISO 8601) in the district's ``timezone`` as ``form`` (strftime)."""
    if not value:
        return ""
    at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return at.astimezone(ZoneInfo(timezone)).strftime(form)


def fixes(person: dict[str, Any], language: str, timezone: str,
          from_number: str | None) -> list[str]:
    """What to fix for one person of ``readiness_json``'s ``people``, one sentence per
    channel in trouble, in ``language``."""
    out: list[str] = []
    for c in person["channels"]:
        if c["state"] in ("ok", "unchecked"):
            continue
        out.append(readiness_ui.say(
            language, f"fix.{c['state']}", channel=c["channel"],
            since=_local(c["opted_out_at"], timezone, "%Y-%m-%d"),
            line_type=c["line_type"] or "?",
            number=from_number or readiness_ui.say(language, "district_number")))
    return out


def page_data(data: dict[str, Any], names: dict[str, str], language: str, timezone: str,
              from_number: str | None) -> dict[str, Any]:
    """The template's view of ``readiness_json``'s ``data``: names instead of ids, the
    away time in the district's time, each person's fixes in ``language``."""
    steps = [{**s, "names": [names.get(c, c) for c in s["people"]],
              "reachable_names": [names.get(c, c) for c in s["reachable"]]}
             for s in data["steps"]]
    people = [{**p, "fixes": fixes(p, language, timezone, from_number),
               "away_until": _local((p["away"] or {}).get("until"), timezone,
                                    "%Y-%m-%d %H:%M"),
               "backup_name": names.get(p["backup"] or "", p["backup"] or "")}
              for p in data["people"]]
    return {"ok": data["ok"], "steps": steps, "people": people,
            "nobody": sum(1 for s in steps if s["nobody"]),
            "attention": sum(1 for p in people if p["fixes"] or p["away"])}


def link(config: Config, seen: Viewer) -> str:
    """The board's link text to this page for ``seen``; "" when they may not see it."""
    if not who.may_see_readiness(config, seen.contact).allowed:
        return ""
    return readiness_ui.say(language_of(seen.contact.language), "link")


class ReadinessPage:
    """GET /readiness, with what it uses (decision 0046): the ``Gate`` (who asks), the
    ``Audit`` log, the console's ``Views``, the store, receiver and lookup sources as
    getters, the settings (the Twilio number a fix names) and the clock."""

    def __init__(self, gate: Gate, audit: Audit, views: Views, store: Callable[[], Store],
                 receiver: Callable[[], Receiver], sources: Callable[[], Sources],
                 settings: Settings, clock: Clock) -> None:
        self._gate, self._audit, self._views = gate, audit, views
        self._store, self._receiver, self._sources = store, receiver, sources
        self._settings, self._clock = settings, clock

    async def readiness_page(self, request: web.Request) -> web.Response:
        seen = await self._gate.current_viewer(request)
        if seen is None:  # the weekly digest's link before signing in: sign in, then back
            raise web.HTTPSeeOther("/?next=/readiness")
        config = self._receiver().config
        now = self._clock.now()
        if not who.may_see_readiness(config, seen.contact).allowed:
            await self._audit.record(request, seen, "readiness", outcome="not_found")
            return web.Response(text=self._views.page(request, seen, "missing.html", now),
                                status=404, content_type="text/html")
        from_number = self._settings.twilio_from
        found = await readiness(self._store(), config, self._sources(), now)
        data = readiness_json(found, config, now, from_number)
        await self._audit.record(request, seen, "readiness")
        language = language_of(seen.contact.language)
        view = page_data(data, views.names_of(config), language, config.timezone, from_number)
        return web.Response(
            text=self._views.page(request, seen, "readiness.html", now, r=lambda key, **v:
                                  readiness_ui.say(language, key, **v), zone=config.timezone,
                                  checked=now,
                                  **view),
            content_type="text/html")

    def add_routes(self, app: web.Application) -> None:
        """GET /readiness."""
        app.router.add_get("/readiness", self.readiness_page)

