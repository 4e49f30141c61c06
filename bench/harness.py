"""Processes the benchmarks run: the real service, the fake Twilio, an echo server.

The service is started as a user would: ``python -m alertbot serve`` with the
documented environment (ALERTBOT_CONFIG, ALERTBOT_CONTACTS, ALERTBOT_DATABASE_URL,
TWILIO_* with TWILIO_API_URL pointing at the fake). Every process listens on
127.0.0.1 only and is stopped by the ``async with`` that started it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import aiohttp

from tests.fakes.signing import TEST_DATA_KEY, twilio_signature
from tests.fakes.twilio_server import DEFAULT_SID, DEFAULT_TOKEN

ROOT = Path(__file__).resolve().parents[1]
FROM_NUMBER = "+18605550000"
API_TOKEN = "bench-api-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of ``pid`` in MB, from /proc/PID/status."""
    values: dict[str, float] = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024  # kB → MB
    return values.get("VmRSS", 0.0), values.get("VmHWM", 0.0)


def cpu_seconds(pid: int | None = None) -> float:
    """User + system CPU seconds of ``pid`` (default: this process), from /proc."""
    fields = Path(f"/proc/{pid or 'self'}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _child_env(extra: Mapping[str, str] | None = None, service: bool = False
               ) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("ALERTBOT_", "TWILIO_", "SLACK_"))}
    env["PYTHONPATH"] = str(ROOT)
    # BENCH_ALERTBOT_PATH=/path/to/other/checkout runs the service from that tree (to
    # measure a candidate fix against the same harness); the fakes always come from here.
    if service and os.environ.get("BENCH_ALERTBOT_PATH"):
        env["PYTHONPATH"] = os.environ["BENCH_ALERTBOT_PATH"]
    env.update(extra or {})
    return env


class Helper:
    """A ``python -m MODULE`` child that prints ``READY <url>`` when it listens."""

    def __init__(self, module: str, *args: str) -> None:
        self.module, self.args = module, args
        self.proc: asyncio.subprocess.Process | None = None
        self.url = ""

    async def __aenter__(self) -> Helper:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", self.module, *self.args, cwd=ROOT, env=_child_env(),
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE)
        assert self.proc.stdout is not None
        line = await asyncio.wait_for(self.proc.stdout.readline(), 30)
        if not line.startswith(b"READY "):
            raise RuntimeError(f"{self.module} did not start: {line!r}")
        self.url = line.decode().split()[1]
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.terminate()
            try:
                await asyncio.wait_for(self.proc.wait(), 5)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()


class FakeTwilioProcess(Helper):
    """bench/fake_twilio.py in its own process, and a client for its control routes."""

    account_sid = DEFAULT_SID
    auth_token = DEFAULT_TOKEN

    def __init__(self, delay: float = 0.0) -> None:
        super().__init__("bench.fake_twilio", "--delay", str(delay))
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> FakeTwilioProcess:
        await super().__aenter__()
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=700))
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        if self._session is not None:
            await self._session.close()
        await super().__aexit__(exc_type, exc, tb)

    @property
    def session(self) -> aiohttp.ClientSession:
        assert self._session is not None
        return self._session

    async def records(self, since: int = 0) -> list[dict[str, Any]]:
        async with self.session.get(f"{self.url}/_bench/records",
                                    params={"since": str(since)}) as r:
            result: list[dict[str, Any]] = await r.json()
            return result

    async def wait(self, count: int, timeout: float) -> int:  # noqa: ASYNC109
        """Wait (in the fake) until ``count`` requests were answered; the count then."""
        async with self.session.get(f"{self.url}/_bench/wait", params={
                "count": str(count), "timeout": str(timeout)}) as r:
            return int((await r.json())["count"])

    async def set_delay(self, seconds: float) -> None:
        async with self.session.post(f"{self.url}/_bench/delay",
                                     params={"seconds": str(seconds)}):
            pass

    async def clear(self) -> None:
        async with self.session.post(f"{self.url}/_bench/clear"):
            pass


class Service:
    """``python -m alertbot serve`` against the fake Twilio, with a config from ``workdir``."""

    def __init__(self, workdir: Path, fake: FakeTwilioProcess, database_url: str | None = None,
                 env: Mapping[str, str] | None = None, port: int | None = None,
                 command: tuple[str, ...] = ()) -> None:
        self.workdir = workdir
        self.fake = fake
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database_url = database_url or f"sqlite:///{workdir / 'alertbot.db'}"
        self.extra_env = dict(env or {})
        self.command = command  # a prefix, e.g. a profiler: ("py-spy", "record", …, "--")
        self.proc: asyncio.subprocess.Process | None = None
        self.spawned_at = 0.0  # time.time() when the process was started
        self.up_at = 0.0  # time.time() when /healthz first answered 200
        self.session: aiohttp.ClientSession | None = None
        self._log: Any = None

    @property
    def pid(self) -> int:
        """The service's own pid (under a profiler prefix: its child, found by /proc)."""
        assert self.proc is not None
        if not self.command:
            return self.proc.pid
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        with contextlib.suppress(OSError, ValueError, IndexError):  # no child: a shim
            return int(children.read_text().split()[0])
        return self.proc.pid

    def env(self) -> dict[str, str]:
        return _child_env(service=True, extra={
            "ALERTBOT_CONFIG": str(self.workdir / "escalation.yaml"),
            "ALERTBOT_CONTACTS": str(self.workdir / "contacts"),
            "ALERTBOT_DATABASE_URL": self.database_url,
            "ALERTBOT_HOST": "127.0.0.1", "ALERTBOT_PORT": str(self.port),
            "ALERTBOT_API_TOKEN": API_TOKEN,
            "ALERTBOT_INSTANCE_ID": f"bench:{self.port}",
            "TWILIO_ACCOUNT_SID": self.fake.account_sid,
            "ALERTBOT_DATA_KEY": TEST_DATA_KEY,  # bench/seed.py seals with it too
            "TWILIO_AUTH_TOKEN": self.fake.auth_token,
            "TWILIO_FROM": FROM_NUMBER, "TWILIO_API_URL": self.fake.url,
            # Burst and recovery time step 2 at 0.5-2 s on a real clock (decision 0016).
            "ALERTBOT_ALLOW_SHORT_WAITS": "1",
            **self.extra_env,
        })

    async def start(self, within: float = 60.0) -> float:
        """Start the process and wait for /healthz 200; returns the wall time it was up."""
        if self.session is None:
            self.session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=200),
                timeout=aiohttp.ClientTimeout(total=60))
        if self._log is None:
            self._log = self._open_log()
        self.spawned_at = time.time()
        self.proc = await asyncio.create_subprocess_exec(
            *self.command, sys.executable, "-m", "alertbot", "serve", cwd=self.workdir,
            env=self.env(), stdin=asyncio.subprocess.DEVNULL, stdout=self._log,
            stderr=self._log)
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self.proc.returncode is not None:
                raise RuntimeError(f"alertbot exited {self.proc.returncode}; see "
                                   f"{self.workdir / 'alertbot.log'}:\n{self.log_tail()}")
            with contextlib.suppress(aiohttp.ClientError, OSError):
                async with self.session.get(self.url + "/healthz") as r:
                    if r.status == 200:
                        self.up_at = time.time()
                        return self.up_at
            await asyncio.sleep(0.02)
        raise RuntimeError(f"alertbot did not become healthy:\n{self.log_tail()}")

    def _open_log(self) -> Any:
        return open(self.workdir / "alertbot.log", "ab")  # closed in close()

    def log_tail(self, lines: int = 30) -> str:
        path = self.workdir / "alertbot.log"
        if not path.exists():
            return ""
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])

    def kill9(self) -> None:
        assert self.proc is not None
        os.kill(self.pid, signal.SIGKILL)

    async def wait_exit(self, within: float) -> bool:
        assert self.proc is not None
        try:
            await asyncio.wait_for(self.proc.wait(), within)
            return True
        except TimeoutError:
            return False

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            if self.command:  # a profiler in front: stop the service, the profiler follows
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.pid, signal.SIGINT)
            else:
                self.proc.terminate()
            if not await self.wait_exit(30):
                self.proc.kill()
                await self.proc.wait()

    async def close(self) -> None:
        await self.stop()
        if self.session is not None:
            await self.session.close()
            self.session = None
        if self._log is not None:
            self._log.close()
            self._log = None

    async def __aenter__(self) -> Service:
        await self.start()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.close()

    # --- what the load generator uses -------------------------------------------

    def signed(self, params: Mapping[str, str], path: str = "/twilio/sms"
               ) -> tuple[str, dict[str, str], dict[str, str]]:
        """(url, form, headers) of a webhook signed as Twilio signs it."""
        form = dict(params)
        signature = twilio_signature(self.fake.auth_token, self.url + path, form)
        return self.url + path, form, {"X-Twilio-Signature": signature}

    def sms_form(self, sid: str, from_: str, body: str) -> dict[str, str]:
        return {"MessageSid": sid, "AccountSid": self.fake.account_sid, "From": from_,
                "To": FROM_NUMBER, "Body": body, "NumMedia": "0"}

    async def metrics_text(self) -> str:
        assert self.session is not None
        async with self.session.get(self.url + "/metrics") as r:
            return await r.text()

    async def incidents(self, limit: int = 500) -> list[dict[str, Any]]:
        assert self.session is not None
        async with self.session.get(self.url + "/api/incidents", params={"limit": str(limit)},
                                    headers={"Authorization": f"Bearer {API_TOKEN}"}) as r:
            result: list[dict[str, Any]] = await r.json()
            return result

    def rss(self) -> tuple[float, float]:
        return rss_mb(self.pid)
