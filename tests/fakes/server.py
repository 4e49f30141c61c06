"""What every fake provider shares: an aiohttp app served on 127.0.0.1, port 0 = any."""

from __future__ import annotations

from typing import Self

from aiohttp import web


class LocalServer:
    """Subclasses set ``self.app`` (and ``host``/``port``) and may extend ``close``."""

    app: web.Application
    host: str
    port: int
    _runner: web.AppRunner | None = None

    async def start(self) -> Self:
        self._runner = web.AppRunner(self.app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self.port).start()
        self.port = self._runner.addresses[0][1]
        return self

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"
