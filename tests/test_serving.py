"""The real ``alertbot serve`` process under slow and hoarding clients (issue 9, kind 12).

Each test starts the service as a subprocess (sandbox, its own SQLite file, a free
port on 127.0.0.1), plays the clients, and stops it. Every client connection is opened
with a timeout and closed at the end: the tests stop themselves.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import resource
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import aiohttp
import pytest

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "serving-test-token-5b1d"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Service:
    def __init__(self, tmp: Path, fd_limit: int | None = None, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp / "serve.log"
        self.env = {**os.environ, "ALERTBOT_PORT": str(self.port),
                    "ALERTBOT_HOST": "127.0.0.1",
                    "ALERTBOT_DATABASE_URL": f"sqlite:///{tmp / 'serve.db'}",
                    "ALERTBOT_API_TOKEN": TOKEN, **env}
        self.fd_limit = fd_limit
        self.proc: subprocess.Popen[bytes] | None = None

    def _limit(self) -> Callable[[], None] | None:
        limit = self.fd_limit
        if limit is None:
            return None

        def apply() -> None:
            resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))
        return apply

    async def start(self) -> Service:
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(  # noqa: ASYNC220 - started once, waited below
                [sys.executable, "-m", "alertbot", "serve", "--sandbox"], cwd=ROOT,
                env=self.env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                preexec_fn=self._limit())
        async with aiohttp.ClientSession() as session:
            for _ in range(300):
                with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                    async with session.get(self.url + "/healthz",
                                           timeout=aiohttp.ClientTimeout(total=1)) as r:
                        if r.status == 200:
                            return self
                assert self.proc.poll() is None, self.log.read_text()
                await asyncio.sleep(0.05)
        raise AssertionError("the service did not come up:\n" + self.log.read_text())

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def log_lines(self) -> list[str]:
        """Lines the service logged (not the sandbox banner, which shows the token)."""
        banner = ("alertbot sandbox:", "  Console:", "  Sign in:", "  Token:",
                  "  Or type here:")
        return [line for line in self.log.read_text(errors="replace").splitlines()
                if not line.startswith(banner)]


@contextlib.asynccontextmanager
async def service(tmp: Path, fd_limit: int | None = None, **env: str
                  ) -> AsyncIterator[Service]:
    svc = Service(tmp, fd_limit, **env)
    try:
        yield await svc.start()
    finally:
        svc.stop()


@contextlib.contextmanager
def closing_all(writers: list[asyncio.StreamWriter]) -> Iterator[None]:
    try:
        yield
    finally:
        for w in writers:
            w.close()


async def idle_clients(port: int, n: int) -> list[asyncio.StreamWriter]:
    """``n`` connections that send nothing (each connect gives up after 2 s)."""
    async def one() -> asyncio.StreamWriter:
        _, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 2)
        return writer
    opened = await asyncio.gather(*(one() for _ in range(n)), return_exceptions=True)
    return [w for w in opened if isinstance(w, asyncio.StreamWriter)]


async def healthz(url: str) -> int:
    async with aiohttp.ClientSession() as session, session.get(
            url + "/healthz", timeout=aiohttp.ClientTimeout(total=5)) as r:
        return r.status


async def test_hundreds_of_idle_clients_under_a_low_fd_limit(tmp_path: Path) -> None:
    async with service(tmp_path, fd_limit=128) as svc:
        clients = await idle_clients(svc.port, 300)
        with closing_all(clients):
            await asyncio.sleep(1.0)
            assert await healthz(svc.url) == 200  # room is made for it
            status, reply = await sandbox_text(svc.url, "principal-burns", "ICE burns")
            assert status == 200 and "#1" in reply  # and for real work
            await asyncio.sleep(1.0)
            assert await healthz(svc.url) == 200
        lines = svc.log_lines()
        assert len(lines) < 60, "\n".join(lines[:40])
        assert not [line for line in lines if "Traceback" in line]


async def sandbox_text(url: str, who: str, body: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.post(
            url + "/sandbox/sms", json={"from": "+18605550142", "body": body},
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=aiohttp.ClientTimeout(total=5)) as r:
        return r.status, (await r.json()).get("reply", "")


async def trickle(port: int, data: bytes, every: float, within: float) -> tuple[bytes, float]:
    """Send ``data`` a byte every ``every`` seconds on a new connection until the server
    answers or hangs up; (what it answered, seconds it took). Gives up after ``within``."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 2)
    try:
        return await trickle_on(reader, writer, data, every, within)
    finally:
        writer.close()


async def test_slow_headers_and_a_slow_body_are_cut_off(tmp_path: Path) -> None:
    async with service(tmp_path, ALERTBOT_READ_TIMEOUT="1") as svc:
        headers = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + b"a" * 200
        answer, took = await trickle(svc.port, headers, 0.05, within=8)
        assert answer == b"" and took < 4  # hung up on, well before the client finished
        body = b"From=%2B18605550142&Body=ICE+burns&MessageSid=SM1&pad=" + b"x" * 200
        request = (b"POST /twilio/sms HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                   b"Content-Type: application/x-www-form-urlencoded\r\n"
                   b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n")
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", svc.port),
                                                2)
        try:
            writer.write(request)
            await writer.drain()
            answer, took = await trickle_on(reader, writer, body, 0.05, within=8)
        finally:
            writer.close()
        assert answer.startswith(b"HTTP/1.1 408") and took < 4, answer[:200]
        assert await healthz(svc.url) == 200
        # A body declared too large is refused at once (413), not after the read timeout.
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", svc.port),
                                                2)
        try:
            started = time.monotonic()
            writer.write(b"POST /twilio/sms HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                         b"Content-Type: application/x-www-form-urlencoded\r\n"
                         b"Content-Length: 10000000000\r\n\r\nFrom=")
            await writer.drain()
            answer = await asyncio.wait_for(reader.read(4096), 4)
        finally:
            writer.close()
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        assert time.monotonic() - started < 0.9  # the read timeout here is 1 s


async def trickle_on(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, data: bytes,
                     every: float, within: float) -> tuple[bytes, float]:
    started = time.monotonic()

    async def send() -> None:
        with contextlib.suppress(ConnectionError):
            for i in range(len(data)):
                writer.write(data[i:i + 1])
                await writer.drain()
                await asyncio.sleep(every)

    sender = asyncio.create_task(send())
    answer = b""
    try:
        answer = await asyncio.wait_for(reader.read(4096), within)
    except (TimeoutError, ConnectionError):
        pass
    finally:
        sender.cancel()
        with contextlib.suppress(asyncio.CancelledError, ConnectionError):
            await sender
    return answer, time.monotonic() - started


async def test_no_secret_in_any_log_line(tmp_path: Path) -> None:
    async with service(tmp_path) as svc:
        async with aiohttp.ClientSession() as session:
            async with session.get(f"{svc.url}/?token={TOKEN}", allow_redirects=False,
                                   headers={"Referer": f"{svc.url}/?token={TOKEN}"}) as r:
                assert r.status == 303  # back to the sign-in page, signed in as nobody
            async with session.post(svc.url + "/auth/code", data={"phone": "+18605550198"},
                                    allow_redirects=False) as r:
                assert r.status == 200
            async with session.get(svc.url + "/api/incidents",
                                   headers={"Authorization": f"Bearer {TOKEN}"}) as r:
                assert r.status == 200
        await asyncio.sleep(0.3)
        lines = svc.log_lines()
    assert any('"POST /auth/code" 200' in line for line in lines), lines
    assert [line for line in lines if TOKEN in line] == []


async def test_a_newcomer_signs_in_with_the_code_the_sandbox_prints(tmp_path: Path) -> None:
    """``alertbot serve --sandbox``: the sign-in code is "sent" like every sandbox
    message, printed where the newcomer runs it, so they can sign in from there."""
    import re

    from tests.console import console_client

    async with service(tmp_path) as svc, console_client(svc.url) as client:
        async with client.post("/auth/code", data={"phone": "860-555-0100"}) as r:
            assert r.status == 200
        code = None
        for _ in range(100):
            found = re.search(r"SMS +→ \+18605550100: (\d{6}) is your alertbot sign-in",
                              svc.log.read_text(errors="replace"))
            if found:
                code = found.group(1)
                break
            await asyncio.sleep(0.05)
        assert code, svc.log.read_text()
        async with client.post("/auth/verify", data={"phone": "860-555-0100",
                                                     "code": code}) as r:
            assert r.status == 200 and "Signed in as" in await r.text()
        async with client.get("/api/incidents") as r:
            assert r.status == 200


@pytest.mark.parametrize("limit, expected", [(128, 80), (1024, 768), (64, 16)])
def test_connections_leave_room_for_the_database_and_providers(limit: int,
                                                               expected: int) -> None:
    from alertbot.settings import Settings
    from alertbot.web.serving import connection_limit

    assert connection_limit(Settings(), limit) == expected
    assert connection_limit(Settings(max_connections=50), limit) == min(50, expected)


def test_settings_read_the_new_variables() -> None:
    from alertbot.core.redact import Secret
    from alertbot.settings import Settings

    settings = Settings.from_env({"ALERTBOT_METRICS_TOKEN": " m-secret ",
                                  "ALERTBOT_MAX_CONNECTIONS": "300",
                                  "ALERTBOT_READ_TIMEOUT": "5"})
    assert settings.metrics_token == Secret("m-secret") and "m-secret" not in repr(settings)
    assert (settings.max_connections, settings.read_timeout) == (300, 5.0)
    assert Settings.from_env({}).metrics_token is None


def test_a_recurring_error_is_logged_once_per_period_with_a_count(
        caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from alertbot.web.serving import RateLimitedLog

    say = RateLimitedLog(logging.getLogger("alertbot.web.serving"), every=0.2)
    with caplog.at_level(logging.ERROR, logger="alertbot.web.serving"):
        for _ in range(10_000):
            say("cannot accept connections: %s", "Too many open files")
        time.sleep(0.25)
        say("cannot accept connections: %s", "Too many open files")
    assert caplog.messages == [
        "cannot accept connections: Too many open files",
        "cannot accept connections: Too many open files (9999 more since the last report)"]
