"""Fakes for alertbot watching itself (issue 14): real aiohttp servers on 127.0.0.1.

``FakeDeadMansSwitch``: a heartbeat receiver like healthchecks.io's ping URL
(``GET /ping/<key>``); it records each request's time and answers ``status``.
``FakeInstance``: an alertbot instance's ``GET /healthz`` for ``alertbot watchdog``,
answering 200 ``{"status": "ok"}`` while ``healthy``, else 503.
"""

from __future__ import annotations

import time

from aiohttp import web

from .server import LocalServer


class FakeDeadMansSwitch(LocalServer):
    def __init__(self, key: str = "0b7c6a1e-5f2d-4c11-9a3e-7d8f00112233") -> None:
        self.host, self.port = "127.0.0.1", 0
        self.key = key
        self.status = 200
        self.pings: list[tuple[float, str]] = []  # (monotonic time, method)
        self.app = web.Application()
        self.app.router.add_route("*", "/ping/{key}", self._ping)

    async def _ping(self, request: web.Request) -> web.Response:
        if request.match_info["key"] != self.key:
            return web.Response(status=404, text="not found")
        self.pings.append((time.monotonic(), request.method))
        return web.Response(status=self.status, text="OK")

    @property
    def ping_url(self) -> str:
        return f"{self.url}/ping/{self.key}"


class FakeInstance(LocalServer):
    def __init__(self, healthy: bool = True) -> None:
        self.host, self.port = "127.0.0.1", 0
        self.healthy = healthy
        self.checks = 0
        self.app = web.Application()
        self.app.router.add_get("/healthz", self._healthz)

    async def _healthz(self, request: web.Request) -> web.Response:
        self.checks += 1
        if self.healthy:
            return web.json_response({"status": "ok", "database": "ok", "engine": "ok"})
        return web.json_response({"status": "unavailable", "database": "ok",
                                  "engine": "stalled"}, status=503)
