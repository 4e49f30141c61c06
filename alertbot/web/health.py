"""GET /healthz and GET /metrics: is the service up, and its Prometheus figures.

``/metrics``: the bearer ``ALERTBOT_METRICS_TOKEN``; with none set, only a client on
this machine that is not behind a proxy (decision 0017). ``/healthz`` waits at most
``PING_TIMEOUT`` seconds for the database (decision 0018).
"""

from __future__ import annotations

import asyncio
import ipaddress
from collections.abc import Callable
from typing import TYPE_CHECKING

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from alertbot.web.session import bearer_of, token_matches

if TYPE_CHECKING:
    from alertbot.core.redact import Secret
    from alertbot.engine.lag import LoopLag
    from alertbot.engine.loop import Engine
    from alertbot.metrics import Metrics
    from alertbot.settings import Settings
    from alertbot.store.sql import Store

PING_TIMEOUT = 2.0  # seconds /healthz waits for the database to answer a read
PROXY_HEADERS = ("X-Forwarded-For", "Forwarded", "X-Real-IP", "X-Forwarded-Host")


def _local_unproxied(request: web.Request) -> bool:
    if any(h in request.headers for h in PROXY_HEADERS):
        return False
    try:
        return ipaddress.ip_address(request.remote or "").is_loopback
    except ValueError:
        return False


def metrics_allowed(request: web.Request, token: Secret | None) -> bool:
    """``Authorization: Bearer`` ``token`` (ALERTBOT_METRICS_TOKEN); with no token set,
    only a client on this machine that no proxy forwarded (a proxy on the same host sets
    X-Forwarded-For or X-Real-IP; behind one that does not, set the token)."""
    if token is not None:
        return token_matches(bearer_of(request), token.value)
    return _local_unproxied(request)


class Health:
    """/healthz and /metrics with what they read (decision 0046): the settings (sandbox,
    the metrics token), the store and engine as getters, the metrics and the loop lag."""

    def __init__(self, settings: Settings, store: Callable[[], Store],
                 engine: Callable[[], Engine], metrics: Metrics, loop_lag: LoopLag) -> None:
        self._settings, self._store, self._engine = settings, store, engine
        self._metrics, self._loop_lag = metrics, loop_lag

    async def healthz(self, request: web.Request) -> web.Response:
        """200 with ``status: ok`` when the database answers and the engine runs, else
        503; always the loop lag figures (``loop``, ``loop_lag_p99_ms``, …)."""
        store, engine = self._store(), self._engine()
        try:  # the database answers on its own threads: a stuck one is "down", not a hang
            db_ok = await asyncio.wait_for(store.ping(), PING_TIMEOUT)
        except TimeoutError:
            db_ok = False
        engine_ok = engine.alive()
        body = {"status": "ok" if db_ok and engine_ok else "unavailable",
                "database": "ok" if db_ok else "down",
                "engine": "ok" if engine_ok else "stalled",
                "sandbox": self._settings.sandbox,
                **self._loop_lag.summary()}
        return web.json_response(body, status=200 if db_ok and engine_ok else 503)

    async def metrics(self, request: web.Request) -> web.Response:
        """The Prometheus text format; 401 without the token when one is set, 403 from
        elsewhere than this machine when none is."""
        if not metrics_allowed(request, self._settings.metrics_token):
            if self._settings.metrics_token is not None:
                raise web.HTTPUnauthorized(
                    text="bearer token required (ALERTBOT_METRICS_TOKEN)",
                    headers={"WWW-Authenticate": "Bearer"})
            raise web.HTTPForbidden(text="/metrics answers this machine only; set "
                                         "ALERTBOT_METRICS_TOKEN to scrape it from elsewhere")
        collected = self._metrics
        collected.open_incidents.set(await self._store().read(lambda tx: tx.count_open()))
        for channel, breaker in self._engine().breakers.items():
            collected.circuit_open.labels(channel=str(channel)).set(
                0 if breaker.state == "closed" else 1)
        registry = collected.registry
        return web.Response(body=generate_latest(registry),
                            headers={"Content-Type": CONTENT_TYPE_LATEST})
