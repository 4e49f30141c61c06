"""GET / — the dashboard; POST /login and POST /logout — signing in with the token.

The token is posted once in a form field and never travels in a URL (URLs end up in
access logs, browser history and Referer headers). A good token sets an HttpOnly,
SameSite=Strict session cookie (Secure when ``ALERTBOT_PUBLIC_URL`` is https) that holds
a value derived from the token, not the token itself. ``?token=`` is no longer accepted.
Cross-site form posts are refused: the cookie is SameSite=Strict, and a POST whose
``Origin`` is not this service's gets 403 (login CSRF, see ``api.same_origin``).
"""

from __future__ import annotations

from importlib import resources

from aiohttp import web

from alertbot import appkeys
from alertbot.web.api import (
    SESSION_COOKIE,
    authorized,
    require_same_origin,
    session_value,
    token_matches,
)

CSP = ("default-src 'self'; style-src 'self' 'unsafe-inline'; "
       "script-src 'self' 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")


def _page(name: str) -> str:
    return resources.files("alertbot.web").joinpath(name).read_text(encoding="utf-8")


def _login(error: str = "", status: int = 401) -> web.Response:
    return web.Response(text=_page("login.html").replace("{{error}}", error),
                        content_type="text/html", status=status,
                        headers={"Content-Security-Policy": CSP, "Cache-Control": "no-store",
                                 "Referrer-Policy": "same-origin"})


async def index(request: web.Request) -> web.Response:
    settings = request.app[appkeys.SETTINGS]
    if "token" in request.query:  # an old sign-in link: the token must not ride in URLs
        if authorized(request):
            raise web.HTTPSeeOther("/")  # out of the address bar and history
        return _login("Sign-in links are no longer accepted: paste the token below.")
    if not authorized(request):
        return _login()
    html = _page("dashboard.html").replace(
        "{{organization}}", request.app[appkeys.RECEIVER].config.organization).replace(
        "{{sandbox}}", "true" if settings.sandbox else "false")
    return web.Response(text=html, content_type="text/html",
                        headers={"Content-Security-Policy": CSP, "Cache-Control": "no-store",
                                 "Referrer-Policy": "same-origin"})


async def login(request: web.Request) -> web.Response:
    """Form field ``token``: 303 to / with the session cookie, else 401 and the form."""
    require_same_origin(request)
    settings = request.app[appkeys.SETTINGS]
    offered = str((await request.post()).get("token", ""))
    if settings.api_token is None or not token_matches(offered, settings.api_token.value):
        return _login("Wrong token.")
    response = web.HTTPSeeOther("/")
    response.set_cookie(SESSION_COOKIE, session_value(settings.api_token.value), path="/",
                        httponly=True, samesite="Strict",
                        secure=settings.public_url.startswith("https://"))
    raise response


async def logout(request: web.Request) -> web.Response:
    require_same_origin(request)
    response = web.HTTPSeeOther("/")
    response.del_cookie(SESSION_COOKIE, path="/")
    raise response


def add_routes(app: web.Application) -> None:
    app.router.add_post("/login", login)
    app.router.add_post("/logout", logout)
