"""GET / — the dashboard (token via ?token= once, then a cookie), and its login page."""

from __future__ import annotations

import hmac
from importlib import resources

from aiohttp import web

from alertbot import appkeys
from alertbot.inbound.api import TOKEN_COOKIE, authorized


def _page(name: str) -> str:
    return resources.files("alertbot.web").joinpath(name).read_text(encoding="utf-8")


async def index(request: web.Request) -> web.Response:
    settings = request.app[appkeys.SETTINGS]
    offered = request.query.get("token")
    if offered is not None:
        if settings.api_token and hmac.compare_digest(offered.encode(),
                                                      settings.api_token.value.encode()):
            response = web.HTTPFound("/")
            response.set_cookie(TOKEN_COOKIE, offered, httponly=True, samesite="Strict",
                                secure=settings.public_url.startswith("https://"))
            raise response
        return web.Response(text=_page("login.html").replace("{{error}}", "Wrong token."),
                            content_type="text/html", status=401)
    if not authorized(request):
        return web.Response(text=_page("login.html").replace("{{error}}", ""),
                            content_type="text/html", status=401)
    html = _page("dashboard.html").replace(
        "{{organization}}", request.app[appkeys.RECEIVER].config.organization).replace(
        "{{sandbox}}", "true" if settings.sandbox else "false")
    return web.Response(text=html, content_type="text/html",
                        headers={"Content-Security-Policy": "default-src 'self'; "
                                 "style-src 'self' 'unsafe-inline'; "
                                 "script-src 'self' 'unsafe-inline'"})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/", index)
