"""The console's HTTP handlers (issue 11): they translate, the receiver decides.

| route | answer |
|---|---|
| ``GET /`` | the board (the sign-in page when not signed in) |
| ``GET /board/incidents/{id}`` | one board card (HTML); 404 not visible, 204 not on the board |
| ``GET /incidents/{id}`` | the incident page, audited as "viewed" (303 to / unsigned) |
| ``GET /readiness`` | who can be paged now (admins, ``console.see_all``; ``readiness_view.py``) |
| ``GET /api/events`` | server-sent events (``live.py``) |
| ``POST /api/incidents/{id}/page`` | form ``target`` (contact id or role): page now |
| ``POST /api/incidents/{id}/message`` | form ``text`` (≤ 1,600 characters): text the reporter |

The two POSTs take a session and its CSRF token (403 without), or the bearer
``ALERTBOT_API_TOKEN`` acting for the contact in form field ``contact``, as
acknowledge/resolve/notes do (``web/actions.py``); each is one command applied by the
receiver (``service/console_actions.py``) and audited. They answer JSON like those:
``outcome``, ``key``, ``reply`` (words in the person's language), ``incident``; 403 when
refused, 404 for an incident the person may not see.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web
from markupsafe import Markup

from alertbot.core import commands as cmd
from alertbot.core.actors import Actor, Proof
from alertbot.core.lengths import TooLong
from alertbot.core.model import Contact
from alertbot.service.console_actions import MESSAGE_LIMIT
from alertbot.text.console import say
from alertbot.text.web import render_web
from alertbot.web import actions
from alertbot.web.audit import Audit
from alertbot.web.auth import SignIn
from alertbot.web.console import live, readiness_view, views
from alertbot.web.console.viewer import Viewer, may_view
from alertbot.web.session import Gate, return_to

if TYPE_CHECKING:
    from alertbot.clock import Clock
    from alertbot.sandbox.panel import Panel
    from alertbot.service.receiver import Receiver
    from alertbot.settings import Settings
    from alertbot.store.sql import Store

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "connect-src 'self'; media-src 'self'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'")
STATIC = Path(str(resources.files("alertbot.web").joinpath("static")))


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Every response: the strict Content-Security-Policy (no inline script or style, no
    other origin; it replaces any a handler set, so no page is weaker — except the one
    stricter policy of a document download, ``documents_api.DOWNLOAD_CSP``: nothing loads
    and the file is sandboxed), no framing, no MIME sniffing, no Referer off the site."""
    from alertbot.web.documents_api import DOWNLOAD_CSP

    if response.headers.get("Content-Security-Policy") != DOWNLOAD_CSP:
        response.headers["Content-Security-Policy"] = CSP
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if not request.path.startswith("/static/"):
        response.headers.setdefault("Cache-Control", "no-store")


def _html(body: str, status: int = 200) -> web.Response:
    return web.Response(text=body, status=status, content_type="text/html")


def _number(request: web.Request) -> int:
    number = cmd.whole_number(request.match_info["id"])
    if number is None:
        raise web.HTTPNotFound(text="no such incident")
    return number



def too_long_response(refused: TooLong, number: int, language: str) -> web.Response:
    """400 for a text to the reporter the service refused whole (``TooLong``): the words
    (``reply`` and ``message``, in ``language``; the console shows them and keeps the
    typed text) and, for a script, ``field``, ``limit`` and ``length`` (decision 0052)."""
    words = say(language, "message_too_long", n=number, length=refused.length,
                limit=refused.limit)
    return web.json_response({
        "outcome": "invalid", "key": "message_too_long", "reply": words, "message": words,
        "problems": [f"{refused.field}: at most {refused.limit} characters "
                     f"({refused.length} sent); nothing was sent"], "incident": number,
        **refused.machine()}, status=400)

class Console:
    """The console's pages, fragments, live events and two actions, with what they use
    (decision 0046): the ``Gate`` (who asks), the ``Audit`` log, its ``Views``, the
    ``SignIn`` page (shown when nobody is signed in), the ``ReadinessPage``, the live
    hub, the store and receiver as getters, the settings (sandbox), the clock, and in
    sandbox mode the ``Panel`` that plays a contact."""

    def __init__(self, gate: Gate, audit: Audit, pages: views.Views, sign_in: SignIn,
                 readiness: readiness_view.ReadinessPage, hub: live.LiveHub,
                 store: Callable[[], Store], receiver: Callable[[], Receiver],
                 settings: Settings, clock: Clock, panel: Panel | None = None) -> None:
        self._gate, self._audit, self._views, self._sign_in = gate, audit, pages, sign_in
        self._readiness, self._hub, self._store, self._receiver = (
            readiness, hub, store, receiver)
        self._settings, self._clock, self._panel = settings, clock, panel

    async def _audit_viewed(self, request: web.Request, viewer: Viewer,
                            incident_id: int) -> None:
        """Record that ``viewer`` viewed incident ``incident_id``'s details (FERPA, 34 CFR
        99.32: a record of who looked at education-record information)."""
        await self._audit.record(request, viewer, "viewed", incident_id=incident_id)

    async def _seen(self, request: web.Request) -> Viewer:
        seen = await self._gate.current_viewer(request)
        if seen is None:
            raise web.HTTPUnauthorized(text="sign in first", content_type="text/plain")
        return seen

    def _now(self, request: web.Request) -> float:
        return self._clock.now()

    async def index(self, request: web.Request) -> web.StreamResponse:
        """The board; the sign-in page when not signed in. An old ``?token=`` link is never
        honoured: it goes back to ``/`` (out of the address bar and history)."""
        if "token" in request.query:
            raise web.HTTPSeeOther("/")
        seen = await self._gate.current_viewer(request)
        if seen is None:
            return self._sign_in.sign_in_page(request)
        now = self._now(request)
        cards = await self._views.board_cards(request, seen, now)
        panel = Markup("")
        if self._settings.sandbox and self._panel is not None:
            panel = self._panel.panel_html(request, seen)
        titles = {"unacked": "unacked", "acked": "acked", "resolved": "resolved_today",
                  "drills": "drills"}
        return _html(self._views.page(request, seen, "board.html", now, cards=cards,
                                sections=list(titles), titles=titles, sandbox_panel=panel,
                                readiness_link=readiness_view.link(
                                         self._receiver().config, seen)))

    async def board_card(self, request: web.Request) -> web.Response:
        seen = await self._seen(request)
        loaded = await self._views.load_incident(request, seen, _number(request))
        if loaded is None:
            raise web.HTTPNotFound(text="no such incident")
        now = self._now(request)
        card = self._views.card_of(request, loaded, now)
        if card is None:
            return web.Response(status=204)
        return _html(self._views.page(request, seen, "card.html", now, card=card, on_page=False))

    async def incident(self, request: web.Request) -> web.Response:
        seen = await self._gate.current_viewer(request)
        if seen is None:  # a link opened before signing in: the sign-in page, then back here
            raise web.HTTPSeeOther(f"/?next={return_to(request.path)}")
        number = _number(request)
        loaded = await self._views.load_incident(request, seen, number)
        now = self._now(request)
        if loaded is None:
            return _html(self._views.page(request, seen, "missing.html", now), status=404)
        await self._audit_viewed(request, seen, number)
        return _html(await self._views.incident_page(request, seen, loaded, now))

    async def events(self, request: web.Request) -> web.StreamResponse:
        async def still_signed_in(req: web.Request) -> Contact | None:
            seen = await self._gate.recheck_viewer(req)
            return seen.contact if seen else None

        return await live.events(request, self._hub, still_signed_in)

    async def _apply(self, request: web.Request, action: str,
                     command: Callable[[dict[str, str], str],
                                       cmd.PageNow | cmd.MessageReporter]
                     ) -> web.Response:
        """Who acts (``Gate.acting_viewer``: a session with its CSRF token, or the bearer
        token for form field ``contact``), on an incident they may see (else 404, as if it
        did not exist), with ``command(form, language)`` (which raises 400 for bad input, in the
        viewer's language where a person reads it); applied by
        the receiver in one unit of work, recorded in the audit log as ``action``."""
        viewer = await self._gate.acting_viewer(request)
        number = _number(request)
        form = {k: str(v) for k, v in (await request.post()).items()}
        made = command(form, viewer.contact.language)
        receiver = self._receiver()
        incident = await self._store().read(lambda tx: tx.get_incident(number))
        if incident is None or not may_view(receiver.config, viewer.contact, incident):
            await self._audit.record(request, viewer, action, incident_id=number,
                                     outcome="not_found")
            raise web.HTTPNotFound(text='{"error": "no such incident"}',
                                   content_type="application/json")
        contact = viewer.contact
        try:
            reply = await receiver.handle(
                Actor(contact, phone=contact.phone, slack_id=contact.slack,
                      proof=Proof.PROVIDER), made, "console")
        except TooLong as refused:  # refused whole by the service: nothing was sent
            await self._audit.record(request, viewer, action, incident_id=number,
                                     outcome="invalid", detail=f"too long: {refused.field}")
            return too_long_response(refused, number, contact.language)
        detail = f"target {made.target}" if isinstance(made, cmd.PageNow) else ""
        await self._audit.record(request, viewer, action, incident_id=number,
                                 outcome=str(reply.outcome), detail=detail)
        return web.json_response(
            {"outcome": str(reply.outcome), "key": str(reply.key), "reply": render_web(reply),
             "incident": number}, status=actions.STATUS.get(reply.outcome, 200))

    async def page_now(self, request: web.Request) -> web.Response:
        number = _number(request)

        def command(form: dict[str, str], language: str) -> cmd.PageNow:
            target = form.get("target", "").strip()
            if not target:
                raise web.HTTPBadRequest(text="form field 'target' (a contact id or role) is "
                                              "required")
            return cmd.PageNow(number, target)

        return await self._apply(request, "page", command)

    async def message(self, request: web.Request) -> web.Response:
        number = _number(request)

        def command(form: dict[str, str], language: str) -> cmd.MessageReporter:
            text = form.get("text", "").strip()
            if not text:
                raise web.HTTPBadRequest(text=f"form field 'text' must hold 1 to {MESSAGE_LIMIT} "
                                              "characters")
            return cmd.MessageReporter(number, text)  # over the limit: TooLong, whole

        return await self._apply(request, "message_reporter", command)

    def add_routes(self, app: web.Application) -> None:
        """Mount the console: pages, fragments, events, actions, /static/, headers."""
        app.on_response_prepare.append(security_headers)
        app.router.add_get("/", self.index)
        app.router.add_get("/board/incidents/{id}", self.board_card)
        app.router.add_get("/incidents/{id}", self.incident)
        self._readiness.add_routes(app)  # GET /readiness (issue 14)
        app.router.add_get("/api/events", self.events)
        app.router.add_post("/api/incidents/{id}/page", self.page_now)
        app.router.add_post("/api/incidents/{id}/message", self.message)
        app.router.add_static("/static/", STATIC, append_version=False)

