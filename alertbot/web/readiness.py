"""GET /api/readiness, POST /api/contacts/{id}/away and …/back (issue 14).

A script's bearer ``ALERTBOT_API_TOKEN``, or a signed-in person (CSRF checked on the
POSTs): readiness for admins and ``console.see_all`` (``who.may_see_readiness``), away
and back for the person themselves or an admin (``who.may_set_away``); 403 otherwise.
Setting availability is audited. The JSON is also what ``alertbot readiness --json``
prints.

``GET /api/readiness``: ``ok`` (every step can reach someone), ``checked_at``,
``steps`` [{``policy``, ``step`` (1-based), ``people`` (contact ids), ``reachable``
(contact ids, backups standing in included), ``nobody``, ``problems`` (plain words)}],
``people`` [{``id``, ``name``, ``backup``, ``away`` (null or {``since``, ``until``,
``set_by``}), ``channels`` [{``channel``, ``state``, ``ok``, ``line_type``,
``opted_out_at``, ``opt_out_reason``}], ``problems``}].

``POST /api/contacts/{id}/away``: form or JSON ``for`` ("3d", "until friday", "12/24";
empty: until BACK, at most 30 days) or ``until`` (ISO 8601; without an offset, the
district's time); 200 with ``{"id", "until"}``, 400 with ``{"error"}`` when it cannot
be read, 404 for an unknown contact, 409 for a contact no escalation step pages
(``who.may_be_away``: AWAY would change nothing for them).
``POST /api/contacts/{id}/back``: 200 ``{"id", "was_away"}``; 409 as for away.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from aiohttp import web

from alertbot.clock import iso
from alertbot.core import who
from alertbot.core.availability import AwayProblem, check_end, read_away
from alertbot.core.model import Config, Contact
from alertbot.core.readiness import Readiness
from alertbot.service import availability
from alertbot.service.readiness import readiness
from alertbot.store.sql import Tx
from alertbot.text.readinessview import person_problems, step_problems
from alertbot.web.audit import Audit
from alertbot.web.session import Gate, Viewer

if TYPE_CHECKING:
    from alertbot.clock import Clock
    from alertbot.service.readiness import Sources
    from alertbot.service.receiver import Receiver
    from alertbot.settings import Settings
    from alertbot.store.sql import Store



def _forbidden(reason: str) -> web.HTTPForbidden:
    return web.HTTPForbidden(text=f'{{"error": "{reason}"}}', content_type="application/json")


class ReadinessApi:
    """/api/readiness and away/back, with what they use (decision 0046): the ``Gate``
    (who asks), the ``Audit`` log, the store, receiver and lookup sources as getters,
    the settings (the Twilio number a problem names) and the clock."""

    def __init__(self, gate: Gate, audit: Audit, store: Callable[[], Store],
                 receiver: Callable[[], Receiver], sources: Callable[[], Sources],
                 settings: Settings, clock: Clock) -> None:
        self._gate, self._audit, self._store, self._receiver = gate, audit, store, receiver
        self._sources, self._settings, self._clock = sources, settings, clock

    async def allowed(self, request: web.Request, target: Contact | None = None) -> Viewer | None:
        """Who asks (None: a script with the bearer token): 401 for nobody, 403 for a person
        the rule refuses (readiness: ``who.may_see_readiness``; with ``target``, setting
        their availability: ``who.may_set_away``)."""
        viewer = await self._gate.api_access(request)
        config = self._receiver().config
        if viewer is None:  # the bearer token may do all, for people who are paged
            verdict = who.may_be_away(config, target) if target is not None else None
        else:
            verdict = (who.may_see_readiness(config, viewer.contact) if target is None
                       else who.may_set_away(config, viewer.contact, target))
        if verdict is not None and verdict.key == "away_not_paged":
            raise _conflict("AWAY and BACK are for people alertbot pages: "
                            f"{target.id if target else ''} is on no escalation step")
        if verdict is not None and not verdict.allowed:
            raise _forbidden("not allowed")
        return viewer

    async def get_readiness(self, request: web.Request) -> web.Response:
        await self.allowed(request)
        config = self._receiver().config
        now = self._clock.now()
        found = await readiness(self._store(), config, self._sources(), now)
        return web.json_response(readiness_json(found, config, now,
                                                self._settings.twilio_from))

    def _contact(self, request: web.Request) -> Contact:
        contact = self._receiver().config.contacts.get(request.match_info["id"])
        if contact is None:
            raise web.HTTPNotFound(text='{"error": "no such contact"}',
                                   content_type="application/json")
        return contact

    async def set_away(self, request: web.Request) -> web.Response:
        contact = self._contact(request)
        viewer = await self.allowed(request, contact)
        form = await _form(request)
        config = self._receiver().config
        now = self._clock.now()
        end: float | AwayProblem
        if form.get("until"):
            try:
                when = datetime.fromisoformat(form["until"])
                if when.tzinfo is None:  # a local time is the district's
                    when = when.replace(tzinfo=ZoneInfo(config.timezone))
                end = check_end(when.timestamp(), now)
            except ValueError:
                raise _bad("until must be an ISO 8601 time") from None
        else:
            ask = read_away(form.get("for", ""))
            end = ask if isinstance(ask, AwayProblem) else availability.away_end(
                ask, now, config.timezone)
        if isinstance(end, AwayProblem):
            raise _bad(f"cannot set away: {end}")
        until = end
        set_by = viewer.contact.id if viewer is not None else "api"

        def work(tx: Tx) -> None:
            availability.away(tx, config, contact, until, now, set_by,
                              "console" if viewer is not None else "api")

        await self._store().write(work)
        await self._audit.record(request, viewer, "away",
                                 detail=f"{contact.id} until {iso(until)}")
        return web.json_response({"id": contact.id, "until": iso(until)})

    async def set_back(self, request: web.Request) -> web.Response:
        contact = self._contact(request)
        viewer = await self.allowed(request, contact)
        now = self._clock.now()
        reply = await self._store().write(
            lambda tx: availability.back(tx, contact, now))
        await self._audit.record(request, viewer, "back", detail=contact.id)
        return web.json_response({"id": contact.id, "was_away": reply.key == "back_ok"})

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/api/readiness", self.get_readiness)
        app.router.add_post("/api/contacts/{id}/away", self.set_away)
        app.router.add_post("/api/contacts/{id}/back", self.set_back)


def readiness_json(r: Readiness, config: Config, now: float,
                   from_number: str | None) -> dict[str, Any]:
    tz = config.timezone
    return {
        "ok": r.ok,
        "checked_at": iso(now),
        "steps": [{"policy": s.policy, "step": s.step, "people": list(s.people),
                   "reachable": list(s.reachable), "nobody": s.nobody,
                   "problems": step_problems(s, r, tz, from_number)}
                  for s in r.steps],
        "people": [{
            "id": p.contact.id, "name": p.contact.name, "backup": p.contact.backup,
            "away": None if p.away is None else {"since": iso(p.away.since),
                                                 "until": iso(p.away.until),
                                                 "set_by": p.away.set_by},
            "channels": [{"channel": str(c.channel), "state": str(c.state), "ok": c.ok,
                          "line_type": c.line_type,
                          "opted_out_at": iso(c.opt_out.at) if c.opt_out else None,
                          "opt_out_reason": c.opt_out.reason if c.opt_out else None}
                         for c in p.channels],
            "problems": person_problems(p, tz, from_number),
        } for p in r.people.values()],
    }


async def _form(request: web.Request) -> dict[str, str]:
    if request.content_type == "application/json":
        body = await request.json()
        return {k: str(v) for k, v in body.items()} if isinstance(body, dict) else {}
    return {k: str(v) for k, v in (await request.post()).items()}


def _conflict(error: str) -> web.HTTPConflict:
    """409: the request is understood but cannot apply to this contact."""
    return web.HTTPConflict(text=json.dumps({"error": error}), content_type="application/json")


def _bad(error: str) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(text=f'{{"error": "{error}"}}', content_type="application/json")

