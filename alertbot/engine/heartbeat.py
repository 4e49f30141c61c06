"""The heartbeat (issue 14, decision 0042): a GET to ``ALERTBOT_HEARTBEAT_URL`` every
``interval`` seconds (60) while this instance is healthy, for a dead-man's switch
outside (healthchecks.io, Cronitor, Better Stack: each takes a plain GET on the URL it
gives, and alerts when the requests stop).

Healthy means what ``/healthz`` means: the engine finished a cycle within its
``stall_after`` seconds and the database answers a read within ``PING_TIMEOUT``. An
unhealthy instance sends nothing (counted ``skipped``): the silence is the alarm. A
heartbeat that cannot be delivered (refused, timed out, not 2xx) is logged and counted
``failed`` in ``alertbot_heartbeats``; it never touches paging (its own task, its own
HTTP session, a ``timeout`` on every request). The URL is a secret (it carries the
monitor's key): only its host is ever logged.
"""

from __future__ import annotations

import asyncio
import logging
from urllib.parse import urlsplit

import aiohttp

from alertbot.core.redact import Secret
from alertbot.engine.loop import Engine
from alertbot.metrics import Metrics
from alertbot.store.sql import Store

log = logging.getLogger("alertbot.heartbeat")

PING_TIMEOUT = 2.0  # seconds the database has to answer (as /healthz)
REQUEST_TIMEOUT = 10.0  # seconds for the heartbeat request, all of it


class Heartbeat:
    def __init__(self, url: Secret, engine: Engine, store: Store, metrics: Metrics,
                 interval: float = 60.0, timeout: float = REQUEST_TIMEOUT) -> None:
        self.url = url
        self.host = urlsplit(url.value).hostname or "?"
        self.engine = engine
        self.store = store
        self.metrics = metrics
        self.interval = interval
        self.timeout = timeout
        self._session: aiohttp.ClientSession | None = None

    async def healthy(self) -> bool:
        """The engine cycles and the database answers."""
        if not self.engine.alive():
            return False
        try:
            return await asyncio.wait_for(self.store.ping(), PING_TIMEOUT)
        except TimeoutError:
            return False

    async def beat(self) -> str:
        """One heartbeat: ``ok``, ``failed`` (not delivered) or ``skipped`` (unhealthy)."""
        if not await self.healthy():
            log.warning("not healthy (engine %s): no heartbeat sent",
                        "cycling" if self.engine.alive() else "stalled")
            result = "skipped"
        else:
            result = await self._send()
        self.metrics.heartbeats.labels(result=result).inc()
        return result

    async def _send(self) -> str:
        if self._session is None:
            self._session = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.timeout))
        try:
            async with self._session.get(self.url.value) as response:
                if 200 <= response.status < 300:
                    return "ok"
                log.warning("heartbeat to %s answered HTTP %d", self.host, response.status)
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            log.warning("heartbeat to %s failed: %s", self.host, type(exc).__name__)
        return "failed"

    async def run(self) -> None:
        """Beat every ``interval`` seconds until cancelled."""
        try:
            while True:
                try:
                    await self.beat()
                except Exception:
                    log.exception("heartbeat failed")
                await asyncio.sleep(self.interval)
        finally:
            if self._session is not None:
                await self._session.close()
