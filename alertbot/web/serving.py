"""Serving the app on a socket: bounded connections, read timeouts, a quiet log.

``serve(app, settings)`` is what ``alertbot serve`` runs (instead of ``web.run_app``):

* **Connections are bounded below the file-descriptor limit.** The soft
  ``RLIMIT_NOFILE`` is raised to the hard one, and at most ``connection_limit()``
  client connections are open at once, leaving ``reserve`` descriptors for the
  database, the providers' HTTP clients and Slack. At the bound, the connection idle
  longest (keep-alive, or still sending its headers) is closed to make room, so a few
  hundred slow clients cannot keep ``/healthz`` or a webhook out; when every
  connection is busy, accepting pauses until one ends (the kernel queues the rest).
* **Reads have deadlines** (``ALERTBOT_READ_TIMEOUT``, 10 s): a connection that has not
  finished its request headers that long after connecting (or after its last
  response) is closed, and a request body must arrive within as long again
  (``read_guard`` middleware, 408). Twilio and Slack send in milliseconds.
* **"Too many open files" is logged at most once a minute**, with a count, not once
  per failed ``accept`` (asyncio's own accept loop logged it 80,000 times in 6 s).
* **The access log carries no secret**: method, path (no query string), status,
  size and time; no Referer, no headers.

Shutdown (SIGINT/SIGTERM): stop accepting, let requests and sends finish (5 s), exit.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import signal
import socket
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from aiohttp.typedefs import Middleware
from aiohttp.web_request import BaseRequest
from aiohttp.web_response import StreamResponse

from alertbot.settings import Settings

log = logging.getLogger("alertbot.web.serving")

OUT_OF_FDS = (errno.EMFILE, errno.ENFILE, errno.ENOBUFS, errno.ENOMEM)
LOG_EVERY = 60.0  # seconds between two "too many open files" lines
SHUTDOWN_TIMEOUT = 5.0
CLIENT_MAX_SIZE = 1024 * 1024  # bytes: the largest request body the app reads


# --- limits ----------------------------------------------------------------------------


def raise_fd_limit(ceiling: int = 65536) -> int:
    """Raise the soft RLIMIT_NOFILE to the hard one (at most ``ceiling``); the soft
    limit in force afterwards (a large number where the platform has none)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return ceiling
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = ceiling if hard == resource.RLIM_INFINITY else min(hard, ceiling)
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return ceiling if soft == resource.RLIM_INFINITY else soft
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        return wanted
    return soft


def reserve(fd_limit: int) -> int:
    """Descriptors kept for everything but clients: the database (SQLite's files or a
    PostgreSQL pool), Twilio's and Slack's HTTP pools, the Socket Mode websocket, logs."""
    return max(48, fd_limit // 4)


def connection_limit(settings: Settings, fd_limit: int) -> int:
    """``ALERTBOT_MAX_CONNECTIONS`` if set, else the fd limit less ``reserve``; never
    more than that, never under 8."""
    room = max(8, fd_limit - reserve(fd_limit))
    return max(8, min(settings.max_connections, room)) if settings.max_connections else room


# --- the log -----------------------------------------------------------------------------


class AccessLog(AbstractAccessLogger):
    """One line a request, with nothing secret in it: no query string (old sign-in
    links carried the token there), no Referer, no headers."""

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        self.logger.info('%s "%s %s" %s %s %.3fs', request.remote, request.method,
                         request.path, response.status, response.body_length, time)


class RateLimitedLog:
    """At most one line per ``every`` seconds for a recurring condition, saying how many
    were left out since the last one."""

    def __init__(self, logger: logging.Logger, every: float = LOG_EVERY) -> None:
        self.logger, self.every = logger, every
        self._last = -float("inf")
        self._skipped = 0

    def __call__(self, message: str, *args: Any) -> None:
        now = time.monotonic()
        if now - self._last < self.every:
            self._skipped += 1
            return
        skipped, self._skipped, self._last = self._skipped, 0, now
        more = f" ({skipped} more since the last report)" if skipped else ""
        self.logger.error(message + more, *args)


# --- connections ---------------------------------------------------------------------------


class _Connection(asyncio.Protocol):
    """Wraps aiohttp's protocol for one connection to know when it opens and ends."""

    def __init__(self, inner: asyncio.Protocol, guard: Connections) -> None:
        self.inner, self.guard = inner, guard
        self.transport: asyncio.BaseTransport | None = None
        self.idle_since = time.monotonic()
        self.busy = 0  # requests being handled (headers complete)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self.guard.live[transport] = self
        self.inner.connection_made(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.transport is not None:
            self.guard.live.pop(self.transport, None)
        self.guard.room.set()
        self.inner.connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self.inner.eof_received()

    def pause_writing(self) -> None:
        self.inner.pause_writing()

    def resume_writing(self) -> None:
        self.inner.resume_writing()

    def close(self) -> None:
        if isinstance(self.transport, asyncio.Transport):
            self.transport.abort()  # frees the descriptor now


class Connections:
    """The live client connections of one listener, at most ``limit`` of them."""

    def __init__(self, limit: int, idle_timeout: float) -> None:
        self.limit, self.idle_timeout = limit, idle_timeout
        self.live: dict[asyncio.BaseTransport, _Connection] = {}  # oldest first
        self.room = asyncio.Event()

    def get(self, transport: asyncio.BaseTransport | None) -> _Connection | None:
        return self.live.get(transport) if transport is not None else None

    def idle(self) -> list[_Connection]:
        return [c for c in self.live.values() if not c.busy]

    async def make_room(self) -> None:
        """Return when one more connection may be accepted: below the limit, or after
        closing the connection idle longest; else wait for one to end."""
        while len(self.live) >= self.limit:
            idle = self.idle()
            if idle:
                min(idle, key=lambda c: c.idle_since).close()
                await asyncio.sleep(0)  # the transport releases its descriptor
                continue
            self.room.clear()
            await self.room.wait()

    def sweep(self) -> None:
        """Close connections idle (no request, or headers not complete) too long."""
        deadline = time.monotonic() - self.idle_timeout
        for conn in [c for c in self.live.values() if not c.busy and c.idle_since < deadline]:
            conn.close()


CONNECTIONS: web.AppKey[Connections] = web.AppKey("connections", Connections)


class GuardedSite(web.BaseSite):
    """A TCP listener with its own accept loop: bounded, evicting idle connections,
    pausing (not spinning) when the process is out of descriptors."""

    def __init__(self, runner: web.BaseRunner, host: str, port: int,
                 connections: Connections, backlog: int = 128) -> None:
        super().__init__(runner, backlog=backlog)
        self.host, self.port = host, port
        self.connections = connections
        self.sock: socket.socket | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._out_of_fds = RateLimitedLog(log)

    @property
    def name(self) -> str:
        return f"http://{self.host}:{self.port}"

    async def start(self) -> None:
        await super().start()
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        sock.listen(self._backlog)
        sock.setblocking(False)
        self.sock = sock
        self.port = sock.getsockname()[1]
        self._tasks = [asyncio.create_task(self._accept(), name="alertbot-accept"),
                       asyncio.create_task(self._sweep(), name="alertbot-idle-sweep")]

    async def _accept(self) -> None:
        loop = asyncio.get_running_loop()
        server = self._runner.server
        assert server is not None and self.sock is not None
        while True:
            await self.connections.make_room()
            try:
                client, _ = await loop.sock_accept(self.sock)
            except OSError as exc:
                if exc.errno in OUT_OF_FDS:
                    self._out_of_fds("cannot accept connections: %s (%d open); "
                                     "waiting for one to end", exc.strerror,
                                     len(self.connections.live))
                    self.connections.room.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self.connections.room.wait(), 0.5)
                    continue
                if exc.errno in (errno.ECONNABORTED, errno.EPROTO, errno.EAGAIN):
                    continue
                raise
            try:
                await loop.connect_accepted_socket(
                    lambda: _Connection(server(), self.connections), client)
            except OSError as exc:  # the client left already
                log.debug("connection dropped on accept: %s", exc)
                client.close()

    async def _sweep(self) -> None:
        while True:
            await asyncio.sleep(min(1.0, self.connections.idle_timeout / 4))
            self.connections.sweep()

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self.sock is not None:
            self.sock.close()
        await super().stop()


# --- per request -------------------------------------------------------------------------


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def read_guard(read_timeout: float) -> Middleware:
    """The middleware that marks the connection busy while its request is handled, and
    gives the request body ``read_timeout`` seconds (ALERTBOT_READ_TIMEOUT) to arrive
    (408 and the connection closed after). The connections are ``start``'s, found on
    the app (``CONNECTIONS``; none when the app runs under a test client)."""

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        connections = request.app.get(CONNECTIONS)
        conn = connections.get(request.transport) if connections is not None else None
        if conn is not None:
            conn.busy += 1
        try:
            if request.content_length is not None and request.content_length > CLIENT_MAX_SIZE:
                # Declared too large: refuse at once, not after waiting for a body never read.
                response = web.Response(status=413, text="request body too large")
                response.force_close()
                return response
            if request.body_exists and request.content_type != "multipart/form-data":
                try:
                    async with asyncio.timeout(read_timeout):  # no task per request
                        await request.read()
                except TimeoutError:
                    log.info("%s %s: request body not received within %.0f s",
                             request.method, request.path, read_timeout)
                    response = web.Response(status=408, text="request body too slow")
                    response.force_close()  # the rest of the body is never read
                    return response
            return await handler(request)
        finally:
            if conn is not None:
                conn.busy -= 1
                conn.idle_since = time.monotonic()

    return guard


# --- running -------------------------------------------------------------------------------


def make_runner(app: web.Application, settings: Settings) -> web.AppRunner:
    return web.AppRunner(app, handle_signals=False, access_log_class=AccessLog,
                         keepalive_timeout=settings.read_timeout,
                         shutdown_timeout=SHUTDOWN_TIMEOUT)


async def start(app: web.Application, settings: Settings,
                fd_limit: int | None = None) -> tuple[web.AppRunner, GuardedSite]:
    """Set up the app and listen on ``settings.host:port`` (port 0: any; see
    ``site.port``). The caller ends with ``await runner.cleanup()``."""
    limit = connection_limit(settings, fd_limit if fd_limit is not None else raise_fd_limit())
    connections = Connections(limit, settings.read_timeout)
    app[CONNECTIONS] = connections
    runner = make_runner(app, settings)
    await runner.setup()
    site = GuardedSite(runner, settings.host, settings.port, connections)
    await site.start()
    log.info("listening on %s:%d (at most %d connections)", settings.host, site.port, limit)
    return runner, site


def _stopping(sig: signal.Signals, stop: asyncio.Event) -> None:
    """A stop signal: say so in the log (an operator reading it after a silent stop
    otherwise cannot tell a SIGTERM from a crash), then stop."""
    log.warning("%s received: stopping (in-flight sends get %.0f s)", sig.name,
                SHUTDOWN_TIMEOUT)
    stop.set()


def serve(app: web.Application, settings: Settings) -> None:
    """Run until SIGINT or SIGTERM (``alertbot serve``)."""

    async def main() -> None:
        runner, _site = await start(app, settings)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, _stopping, sig, stop)
        try:
            await stop.wait()
        finally:
            await runner.cleanup()
            log.warning("alertbot stopped")

    asyncio.run(main())
