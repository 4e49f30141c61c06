"""GET / — the console when signed in (the person's own incidents, per core/who.py),
else the sign-in page (web/auth.py).

The shared API token signs nobody in any more (issue 11): people sign in per person;
the token is a bearer for scripts. An old ``?token=`` link is never honoured: it goes
back to ``/`` (out of the address bar and history) and shows the sign-in page.
"""

from __future__ import annotations

import html

from aiohttp import web

from alertbot import appkeys
from alertbot.web import auth, oidc
from alertbot.web.session import current_viewer

CSP = ("default-src 'self'; style-src 'self' 'unsafe-inline'; "
       "script-src 'self' 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")


async def index(request: web.Request) -> web.Response:
    if "token" in request.query:  # an old sign-in link: the token must not ride in URLs
        raise web.HTTPSeeOther("/")
    viewer = await current_viewer(request)
    if viewer is None:
        return auth.sign_in_page(request)
    settings = request.app[appkeys.SETTINGS]
    text = (auth.page("dashboard.html")
            .replace("{{organization}}",
                     html.escape(request.app[appkeys.RECEIVER].config.organization))
            .replace("{{sandbox}}", "true" if settings.sandbox else "false")
            .replace("{{name}}", html.escape(viewer.contact.name))
            .replace("{{csrf}}", html.escape(viewer.csrf_token)))
    return web.Response(text=text, content_type="text/html",
                        headers={"Content-Security-Policy": CSP, "Cache-Control": "no-store",
                                 "Referrer-Policy": "same-origin"})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/", index)
    auth.add_routes(app)
    oidc.add_routes(app)
