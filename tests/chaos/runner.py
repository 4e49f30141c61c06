"""Kill alertbot at a named point mid-escalation, restart it, and count pages.

Used by tests/chaos (a few points, in CI) and ``python -m bench.chaos`` (many random
points). The service runs as a real process (``python -m alertbot serve``) with a
crash point from alertbot/faults.py; the fake Twilio runs in this process and keeps
counting across the restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from tests.fakes.signing import TEST_DATA_KEY, post_twilio
from tests.fakes.twilio_server import FakeTwilio

ROOT = Path(__file__).resolve().parents[2]
RESPONDERS = {"a": "+18605550100", "b": "+18605550102", "c": "+18605550101"}
PRINCIPAL = "+18605550142"
ADMIN = "+18605550105"
WAIT = 1.0  # seconds between steps
ROUNDS = 2  # repeat: 1 → two rounds
# Pages each responder must get over the whole policy (a, b in step 1; c in step 2).
EXPECTED = {"a": ROUNDS, "b": ROUNDS, "c": ROUNDS}

CONFIG = f"""
version: 1
organization: Chaos District
timezone: America/New_York
fallback_phone: "+1 860 555 0199"
admins: [admin]
schools:
  - {{id: burns, name: Burns Academy, code: "1201"}}
triggers:
  - {{keyword: ICE, incident: ice}}
incidents:
  ice:
    title: "Visit at {{school}}"
    guidance: {{en: "Do not allow entry without a judicial warrant."}}
    escalation: policy
escalations:
  policy:
    steps:
      - {{notify: [a, b], channels: [sms], wait: {WAIT}}}
      - {{notify: [c], channels: [sms], wait: {WAIT}}}
    repeat: {ROUNDS - 1}
"""

CONTACTS = """
- {id: a, name: Responder A, phone: "+1 860 555 0100"}
- {id: b, name: Responder B, phone: "+1 860 555 0102"}
- {id: c, name: Responder C, phone: "+1 860 555 0101"}
- {id: admin, name: Admin, roles: [admin], phone: "+1 860 555 0105", channels: [sms]}
- {id: p, name: Principal, schools: [burns], phone: "+1 860 555 0142"}
"""


@dataclass
class Outcome:
    point: str
    hit: int
    crashed: bool
    received: dict[str, int] = field(default_factory=dict)
    recovery_seconds: float | None = None  # restart up → first page after it

    @property
    def lost(self) -> int:
        return sum(max(0, n - self.received.get(k, 0)) for k, n in EXPECTED.items())

    @property
    def duplicated(self) -> int:
        return sum(max(0, self.received.get(k, 0) - n) for k, n in EXPECTED.items())

    @property
    def worst_duplicate(self) -> int:
        """The most extra copies any one responder got (the rule: at most one)."""
        return max((self.received.get(k, 0) - n for k, n in EXPECTED.items()), default=0)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Service:
    def __init__(self, workdir: Path, fake: FakeTwilio, database_url: str) -> None:
        self.workdir = workdir
        self.fake = fake
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database_url = database_url
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self, crash_at: str | None = None) -> float:
        env = {k: v for k, v in os.environ.items()
               if not k.startswith(("ALERTBOT_", "TWILIO_", "SLACK_"))}
        env.update({
            "ALERTBOT_CONFIG": str(self.workdir / "escalation.yaml"),
            "ALERTBOT_CONTACTS": str(self.workdir / "contacts"),
            "ALERTBOT_DATABASE_URL": self.database_url, "ALERTBOT_PORT": str(self.port),
            "ALERTBOT_TICK": "0.2", "TWILIO_ACCOUNT_SID": self.fake.account_sid,
            "ALERTBOT_DATA_KEY": TEST_DATA_KEY,
            "TWILIO_AUTH_TOKEN": self.fake.auth_token, "TWILIO_FROM": "+18605550000",
            "TWILIO_API_URL": self.fake.url, "PYTHONPATH": str(ROOT),
            # 1 s steps on a real clock, under the floors a district gets (decision 0016).
            "ALERTBOT_ALLOW_SHORT_WAITS": "1",
        })
        if crash_at:
            env["ALERTBOT_CRASH_AT"] = crash_at
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "alertbot", "serve", cwd=self.workdir, env=env,
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL)
        deadline = time.monotonic() + 30  # a loaded CI machine starts slowly
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < deadline:
                if self.proc.returncode is not None:
                    return time.monotonic()
                try:
                    async with session.get(self.url + "/healthz") as r:
                        if r.status == 200:
                            return time.monotonic()
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.05)
        await self.stop()  # never leave a process behind (one ran for an hour once)
        raise RuntimeError("alertbot did not start")

    async def wait_exit(self, within: float) -> bool:
        assert self.proc is not None
        try:
            await asyncio.wait_for(self.proc.wait(), within)
            return True
        except TimeoutError:
            return False

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.terminate()
            if not await self.wait_exit(10):
                self.proc.kill()
                await self.proc.wait()


async def text(service: Service, from_: str, body: str) -> tuple[int, str]:
    """A signed inbound text; (0, error) if the process died before answering."""
    async with aiohttp.ClientSession() as session:
        try:
            return await post_twilio(
                session, service.url, "/twilio/sms",
                {"MessageSid": "SM" + os.urandom(16).hex(), "From": from_, "Body": body},
                service.fake.auth_token)
        except aiohttp.ClientError as exc:
            return 0, str(exc)


# Points reached inside the trigger's own request, before its reply: the process dies
# and the text gets no answer (status 0), as a text sent to a crashing server does.
# The first page's send starts before the reply is written (decision 0048, further), so
# its ``before-send`` is one of them.
BEFORE_THE_REPLY = frozenset({"after-unit-claim", "before-send"})


async def trigger(service: Service, dies_before_reply: bool = False) -> None:
    status, _ = await text(service, PRINCIPAL, "ICE")
    if status != 200 and not (dies_before_reply and status == 0):
        raise RuntimeError(f"trigger answered {status}")


@contextlib.contextmanager
def workspace() -> Iterator[Path]:
    """A folder with the chaos district's escalation.yaml and contacts/."""
    with tempfile.TemporaryDirectory(prefix="alertbot-chaos-") as tmp:
        workdir = Path(tmp)
        (workdir / "contacts").mkdir()
        (workdir / "escalation.yaml").write_text(CONFIG)
        (workdir / "contacts" / "people.yaml").write_text(CONTACTS)
        yield workdir


def _counts(fake: FakeTwilio) -> dict[str, int]:
    return {k: len(fake.sms_to(number)) for k, number in RESPONDERS.items()}


async def run_once(point: str, hit: int, database_url: str | None = None) -> Outcome:
    """Trigger, crash at ``point`` on its ``hit``-th pass, restart, wait for the policy."""
    with workspace() as workdir:
        url = database_url or f"sqlite:///{workdir / 'alertbot.db'}"
        async with FakeTwilio() as fake:
            service = Service(workdir, fake, url)
            await service.start(crash_at=f"{point}:{hit}")
            outcome = Outcome(point, hit, crashed=False)
            try:
                await trigger(service, dies_before_reply=point in BEFORE_THE_REPLY)
                budget = WAIT * 2 * ROUNDS + 3
                outcome.crashed = await service.wait_exit(budget)
                if not outcome.crashed:
                    await service.stop()  # the point was never reached: a clean stop
                before = sum(_counts(fake).values())
                up = await service.start()
                deadline = time.monotonic() + WAIT * 2 * ROUNDS + 4
                while time.monotonic() < deadline:
                    now_total = sum(_counts(fake).values())
                    if outcome.recovery_seconds is None and now_total > before:
                        outcome.recovery_seconds = time.monotonic() - up
                    if fake.sms_to(ADMIN):  # the policy ran out: admins were told
                        break
                    await asyncio.sleep(0.05)
                await asyncio.sleep(0.3)
                outcome.received = _counts(fake)
            finally:
                await service.stop()
        return outcome
