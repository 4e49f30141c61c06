"""Signing in to the console, per person (issue 11, decision 0024).

    GET  /              the console when signed in, else the sign-in page
    POST /auth/code     form ``phone``: a one-time code to that contact (SMS, else Slack DM)
    POST /auth/verify   form ``phone``, ``code``: a session cookie and 303 to / (or to the
                        console page a link asked for: ``next``, ``session.return_to``)
    POST /auth/logout   ends the session (CSRF token required)

"Send me a code" answers the same page with the same status (200) whether or not the
number is a contact's, and 429 for a number or client over its limit, known or not.
A wrong, expired, dead or unknown code is the same 401. The shared API token signs
nobody in here: it is for scripts, as ``Authorization: Bearer`` on ``/api/*``.
"""

from __future__ import annotations

import html
import secrets
from collections.abc import Callable
from importlib import resources
from typing import TYPE_CHECKING

from aiohttp import web

from alertbot.core import signin as rules
from alertbot.service import signin
from alertbot.service.signin import hash_token
from alertbot.store.sql import Tx
from alertbot.text.signin_page import language_of, words
from alertbot.web.session import Gate, clear_session_cookie, new_token, return_to

if TYPE_CHECKING:
    from alertbot.clock import Clock
    from alertbot.engine.loop import Engine
    from alertbot.service.receiver import Receiver
    from alertbot.settings import Settings
    from alertbot.store.sql import Store


# The strict Content-Security-Policy is set on every answer (web/console/routes.py,
# security_headers); the page's style is /static/signin.css.
HEADERS = {"Cache-Control": "no-store", "Referrer-Policy": "same-origin"}


def page(name: str) -> str:
    return resources.files("alertbot.web").joinpath(name).read_text(encoding="utf-8")


def language(request: web.Request) -> str:
    """The page's language: the browser's, when we have it (text/signin_page.py)."""
    return language_of(request.headers.get("Accept-Language", ""))


def _say(request: web.Request, key: str, **values: object) -> str:
    return html.escape(words(language(request), key, **values))


def _next_field(back: str) -> str:
    """The page to return to after signing in, carried through the two forms."""
    return (f'<input type="hidden" name="next" value="{html.escape(back)}">'
            if back != "/" else "")


def _phone_form(request: web.Request, typed: str = "", back: str | None = None) -> str:
    back = return_to(request.query.get("next")) if back is None else back
    return ('<form method="post" action="/auth/code">' + _next_field(back) +
            f'<label for="phone">{_say(request, "phone")}</label><input id="phone" '
            f'name="phone" type="tel" autocomplete="tel" required autofocus '
            f'value="{html.escape(typed)}"><button type="submit">{_say(request, "send")}'
            '</button></form>')


def _code_form(request: web.Request, typed: str, back: str = "/") -> str:
    return ('<form method="post" action="/auth/verify">' + _next_field(back) +
            f'<input type="hidden" name="phone" value="{html.escape(typed)}">'
            f'<label for="code">{_say(request, "code")}</label><input id="code" name="code" '
            'inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" '
            f'maxlength="6" required autofocus><button type="submit">'
            f'{_say(request, "sign_in")}</button></form>'
            f'<form method="get" action="/"><button type="submit">{_say(request, "another")}'
            '</button></form>')


class SignIn:
    """The sign-in page and /auth/code, /auth/verify, /auth/logout, with what they use
    (decision 0046): the ``Gate`` (sessions, CSRF, the client), the store, receiver and
    engine as getters (the code is queued, then sent at once), the settings, the clock
    and the HMAC key of one-time codes (``pepper_of``)."""

    def __init__(self, gate: Gate, store: Callable[[], Store],
                 receiver: Callable[[], Receiver], engine: Callable[[], Engine],
                 settings: Settings, clock: Clock, pepper: bytes) -> None:
        self._gate, self._store, self._receiver, self._engine = gate, store, receiver, engine
        self._settings, self._clock, self._pepper = settings, clock, pepper

    def sign_in_page(self, request: web.Request, *, form: str = "", error: str = "", note: str = "",
                     status: int = 200) -> web.Response:
        """The sign-in page in the browser's language: ``form`` (HTML we built), ``error``
        and ``note`` (plain text, escaped here)."""
        settings = self._settings
        oidc = (f'<p class="or">{_say(request, "or")}</p><form method="get" '
                f'action="/auth/oidc/login"><button type="submit">{_say(request, "oidc")}'
                '</button></form>' if settings.oidc_configured else "")
        text = (page("signin.html").replace("{{lang}}", language(request))
                .replace("{{title}}", _say(request, "title"))
                .replace("{{organization}}",
                         html.escape(self._receiver().config.organization))
                .replace("{{error}}", html.escape(error)).replace("{{note}}", html.escape(note))
                .replace("{{form}}", form or _phone_form(request)).replace("{{oidc}}", oidc))
        return web.Response(text=text, content_type="text/html", status=status, headers=HEADERS)

    async def ask_code(self, request: web.Request) -> web.Response:
        """Form ``phone``. 200 and the code form (the same for every number), or 429."""
        self._gate.require_same_origin(request)
        form = await request.post()
        typed = str(form.get("phone", ""))[:200]
        back = return_to(str(form.get("next", "")))
        code = f"{secrets.randbelow(10 ** rules.CODE_DIGITS):0{rules.CODE_DIGITS}d}"
        config, now, pepper = self._receiver().config, self._clock.now(), self._pepper
        result = await self._store().write(lambda tx: signin.request_code(
            tx, config, typed, code, pepper, self._gate.client_of(request), now))
        self._engine().nudge()  # the code goes out now (a no-op when none was queued)
        if result is signin.Result.THROTTLED:
            return self.sign_in_page(request, form=_phone_form(request, typed, back), status=429,
                                error=words(language(request), "too_many_codes"))
        return self.sign_in_page(request, form=_code_form(request, typed, back), note=words(
            language(request), "sent", minutes=int(rules.CODE_LIFETIME // 60)))

    async def verify(self, request: web.Request) -> web.Response:
        """Form ``phone`` and ``code``: 303 to / with the session cookie, 401, or 429."""
        self._gate.require_same_origin(request)
        form = await request.post()
        typed, code = str(form.get("phone", ""))[:200], str(form.get("code", ""))[:20]
        back = return_to(str(form.get("next", "")))
        settings, config = self._settings, self._receiver().config
        token, now, pepper = new_token(), self._clock.now(), self._pepper
        done = await self._store().write(lambda tx: signin.verify_code(
            tx, config, typed, code, pepper, hash_token(token), self._gate.client_of(request), now,
            settings.session_max))
        if done.result is signin.Result.THROTTLED:
            return self.sign_in_page(request, form=_code_form(request, typed, back), status=429,
                                error=words(language(request), "too_many_tries"))
        if done.result is not signin.Result.OK:
            return self.sign_in_page(request, form=_code_form(request, typed, back), status=401,
                                error=words(language(request), "wrong",
                                            minutes=int(rules.CODE_LIFETIME // 60),
                                            tries=rules.CODE_TRIES))
        previous = await self._gate.current_viewer(request)  # this browser's last session: ended
        if previous is not None and previous.session_id is not None:
            ended = previous.session_id
            await self._store().write(
                lambda tx: tx.revoke_session(ended, now, "signed in again"))
        response = web.HTTPSeeOther(back)  # the page a link asked for (session.return_to)
        self._gate.set_session_cookie(response, token)
        raise response

    async def logout(self, request: web.Request) -> web.Response:
        """End this session (CSRF token required) and clear the cookie; 303 to /."""
        viewer = await self._gate.current_viewer(request)
        if viewer is not None and viewer.session_id is not None:
            await self._gate.check_csrf_async(request, viewer)
            session_id = viewer.session_id
            now = self._clock.now()

            def end(tx: Tx) -> None:
                tx.revoke_session(session_id, now, "signed out")
                signin.record(tx, now, "sign_out", viewer.contact, self._gate.client_of(request),
                              via="session", detail=f"session {session_id}")

            await self._store().write(end)
        response = web.HTTPSeeOther("/")
        clear_session_cookie(response)
        raise response

    def add_routes(self, app: web.Application) -> None:
        """POST /auth/code, /auth/verify, /auth/logout."""
        app.router.add_post("/auth/code", self.ask_code)
        app.router.add_post("/auth/verify", self.verify)
        app.router.add_post("/auth/logout", self.logout)


def pepper_of(settings_pepper: str | None) -> bytes:
    """The HMAC key of one-time codes: ALERTBOT_AUTH_PEPPER (or ALERTBOT_DATA_KEY); with
    neither, a random key for this process (codes then do not survive a restart and
    are not shared between instances: set one where several instances serve)."""
    return settings_pepper.encode() if settings_pepper else secrets.token_bytes(32)

