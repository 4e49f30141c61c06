"""The console's HTTP handlers (issue 11): they translate, the receiver decides.

| route | answer |
|---|---|
| ``GET /`` | the board (the sign-in page when not signed in) |
| ``GET /board/incidents/{id}`` | one board card (HTML); 404 not visible, 204 not on the board |
| ``GET /incidents/{id}`` | the incident page (recorded in the audit log as "viewed") |
| ``GET /api/events`` | server-sent events (``live.py``) |
| ``POST /api/incidents/{id}/page`` | form ``target`` (contact id or role): page now |
| ``POST /api/incidents/{id}/message`` | form ``text`` (≤ 1,600 characters): text the reporter |

The two POSTs take a session and its CSRF token (403 without), or the bearer
``ALERTBOT_API_TOKEN`` acting for the contact in form field ``contact``; each is one
command applied by the receiver (``service/console_actions.py``). They answer JSON
``{"outcome", "reply"}``, or, to htmx (``HX-Request``), the reply as an HTML paragraph.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from aiohttp import web
from markupsafe import Markup

from alertbot import appkeys
from alertbot.core import commands as cmd
from alertbot.core.actors import Actor, Outcome, Proof
from alertbot.core.model import Contact
from alertbot.service.console_actions import MESSAGE_LIMIT
from alertbot.text.web import render_web
from alertbot.web import api, audit
from alertbot.web.auth import sign_in_page
from alertbot.web.console import live, views
from alertbot.web.console.viewer import (
    CSRF_FIELD,
    Viewer,
    audit_viewed,
    check_csrf,
    current_viewer,
    may_view,
)

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
       "connect-src 'self'; media-src 'self'; form-action 'self'; frame-ancestors 'none'; "
       "base-uri 'none'")
STATIC = Path(str(resources.files("alertbot.web").joinpath("static")))


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """Every response: the strict Content-Security-Policy (no inline script or style, no
    other origin; it replaces any a handler set, so no page is weaker), no framing, no
    MIME sniffing, no Referer off the site."""
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


async def _seen(request: web.Request) -> Viewer:
    seen = await current_viewer(request)
    if seen is None:
        raise web.HTTPUnauthorized(text="sign in first", content_type="text/plain")
    return seen


def _now(request: web.Request) -> float:
    return request.app[appkeys.CLOCK].now()


async def index(request: web.Request) -> web.StreamResponse:
    """The board; the sign-in page when not signed in. An old ``?token=`` link is never
    honoured: it goes back to ``/`` (out of the address bar and history)."""
    if "token" in request.query:
        raise web.HTTPSeeOther("/")
    seen = await current_viewer(request)
    if seen is None:
        return sign_in_page(request)
    now = _now(request)
    cards = await views.board_cards(request, seen, now)
    panel = Markup("")
    if request.app[appkeys.SETTINGS].sandbox:
        from alertbot.sandbox.panel import panel_html

        panel = panel_html(request, seen)
    titles = {"unacked": "unacked", "acked": "acked", "resolved": "resolved_today",
              "drills": "drills"}
    return _html(views.page(request, seen, "board.html", now, cards=cards,
                            sections=list(titles), titles=titles, sandbox_panel=panel))


async def board_card(request: web.Request) -> web.Response:
    seen = await _seen(request)
    loaded = await views.load_incident(request, seen, _number(request))
    if loaded is None:
        raise web.HTTPNotFound(text="no such incident")
    now = _now(request)
    card = views.card_of(request, loaded, now)
    if card is None:
        return web.Response(status=204)
    return _html(views.page(request, seen, "card.html", now, card=card))


async def incident(request: web.Request) -> web.Response:
    seen = await _seen(request)
    number = _number(request)
    loaded = await views.load_incident(request, seen, number)
    now = _now(request)
    if loaded is None:
        return _html(views.page(request, seen, "missing.html", now), status=404)
    await audit_viewed(request, seen, number)
    return _html(views.incident_page(request, seen, loaded, now))


async def events(request: web.Request) -> web.StreamResponse:
    async def still_signed_in(req: web.Request) -> Contact | None:
        seen = await current_viewer(req)
        return seen.contact if seen else None

    return await live.events(request, still_signed_in)


async def _actor(request: web.Request) -> tuple[Viewer | None, Contact, dict[str, str]]:
    """Who acts (None: a script with the bearer token), as which contact, and the form: a
    session with its CSRF token, or the bearer token with form field ``contact``."""
    form = {k: str(v) for k, v in (await request.post()).items()}
    if api.bearer_present(request):
        api.require_bearer(request)
        contact = request.app[appkeys.RECEIVER].config.contacts.get(form.get("contact", ""))
        if contact is None:
            raise web.HTTPBadRequest(text="form field 'contact' must be a contact id")
        return None, contact, form
    seen = await _seen(request)
    check_csrf(request, seen, form.get(CSRF_FIELD))
    return seen, seen.contact, form


STATUS = {Outcome.REFUSED: 403, Outcome.NOT_FOUND: 404}


async def _apply(request: web.Request, seen: Viewer | None, contact: Contact,
                 command: cmd.PageNow | cmd.MessageReporter, action: str) -> web.Response:
    """Apply ``command`` for ``contact`` (one unit of work), record it in the audit log
    (``action``, the outcome) and answer."""
    reply = await request.app[appkeys.RECEIVER].handle(
        Actor(contact, phone=contact.phone, proof=Proof.PROVIDER), command, "console")
    detail = f"target {command.target}" if isinstance(command, cmd.PageNow) else ""
    await audit.record(request, seen, action, incident_id=command.number,
                       outcome=str(reply.outcome), detail=detail)
    words = render_web(reply)
    status = STATUS.get(reply.outcome, 200)
    if request.headers.get("HX-Request") == "true":
        return _html(str(Markup("<p>{}</p>").format(words)), status=200)
    return web.json_response({"outcome": str(reply.outcome), "reply": words}, status=status)


async def page_now(request: web.Request) -> web.Response:
    number = _number(request)
    seen, contact, form = await _actor(request)
    target = form.get("target", "").strip()
    if not target:
        raise web.HTTPBadRequest(text="form field 'target' (a contact id or role) is required")
    return await _apply(request, seen, contact, cmd.PageNow(number, target), "page")


async def message(request: web.Request) -> web.Response:
    number = _number(request)
    seen, contact, form = await _actor(request)
    text = form.get("text", "").strip()
    if not text or len(text) > MESSAGE_LIMIT:
        raise web.HTTPBadRequest(text=f"form field 'text' must hold 1 to {MESSAGE_LIMIT} "
                                      "characters")
    return await _apply(request, seen, contact, cmd.MessageReporter(number, text),
                        "message_reporter")


def add_routes(app: web.Application) -> None:
    """Mount the console: pages, fragments, events, actions, /static/, headers."""
    app.on_response_prepare.append(security_headers)
    app.router.add_get("/", index)
    app.router.add_get("/board/incidents/{id}", board_card)
    app.router.add_get("/incidents/{id}", incident)
    app.router.add_get("/api/events", events)
    app.router.add_post("/api/incidents/{id}/page", page_now)
    app.router.add_post("/api/incidents/{id}/message", message)
    app.router.add_static("/static/", STATIC, append_version=False)
    live.mount(app, lambda person, inc: may_view(app[appkeys.RECEIVER].config, person, inc))
