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

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from alertbot import appkeys
from alertbot.core import who
from alertbot.service.readiness import readiness
from alertbot.text import readiness_ui
from alertbot.text.console import language_of
from alertbot.web import audit
from alertbot.web.console import views
from alertbot.web.console.viewer import Viewer, current_viewer
from alertbot.web.readiness import readiness_json


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


def link(request: web.Request, seen: Viewer) -> str:
    """The board's link text to this page for ``seen``; "" when they may not see it."""
    config = request.app[appkeys.RECEIVER].config
    if not who.may_see_readiness(config, seen.contact).allowed:
        return ""
    return readiness_ui.say(language_of(seen.contact.language), "link")


async def readiness_page(request: web.Request) -> web.Response:
    seen = await current_viewer(request)
    if seen is None:  # the weekly digest's link before signing in: sign in, then back
        raise web.HTTPSeeOther("/?next=/readiness")
    app = request.app
    config = app[appkeys.RECEIVER].config
    now = app[appkeys.CLOCK].now()
    if not who.may_see_readiness(config, seen.contact).allowed:
        await audit.record(request, seen, "readiness", outcome="not_found")
        return web.Response(text=views.page(request, seen, "missing.html", now), status=404,
                            content_type="text/html")
    from_number = app[appkeys.SETTINGS].twilio_from
    found = await readiness(app[appkeys.STORE], config, app[appkeys.READINESS_SOURCES], now)
    data = readiness_json(found, config, now, from_number)
    await audit.record(request, seen, "readiness")
    language = language_of(seen.contact.language)
    view = page_data(data, views.names_of(config), language, config.timezone, from_number)
    return web.Response(
        text=views.page(request, seen, "readiness.html", now, r=lambda key, **v:
                        readiness_ui.say(language, key, **v), zone=config.timezone,
                        checked=now,
                        **view),
        content_type="text/html")


def add_routes(app: web.Application) -> None:
    app.router.add_get("/readiness", readiness_page)
