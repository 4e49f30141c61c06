"""Scenario harness in the style of GoAlert's smoke tests.

The real service (aiohttp app, SQLite store, engine loop) runs on 127.0.0.1 and
pages through the real ``twilio`` client into a fake Twilio server; the test plays
the phones and moves a fake clock:

    reply = await h.text(PRINCIPAL, "ICE 2 agents at front desk")
    await h.fake.expect_sms(SUPERINTENDENT, contains="ACK 1")
    await h.advance(minutes=3)
    await h.fake.expect_sms(DEPUTY, contains="ACK 1")

Every SMS and call the service sends must be expected (or ``h.ignore``d): the scenario
fixtures let the service go quiet (``quiesce``) and then fail the test on anything
left over (tests/fakes/ledger.py). A harness built inside a test does the same as
``async with Harness(...) as h:``.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from alertbot import appkeys
from alertbot.app import build_app
from alertbot.clock import FakeClock
from alertbot.config.loader import load_or_raise
from alertbot.core.redact import Secret
from alertbot.engine.loop import Engine
from alertbot.settings import Settings
from tests.fakes.signing import post_twilio, twilio_signature
from tests.fakes.twilio_server import FakeTwilio, Record
from tests.scenario.voicecall import PhoneCall, Twiml
from tests.unitofwork import transaction

DISTRICT = Path(__file__).parent / "district"
DISTRICT_VOICE = Path(__file__).parent / "district_voice"
API_TOKEN = "test-api-token"
FROM_NUMBER = "+18605550000"

SUPERINTENDENT = "+18605550100"
DEPUTY = "+18605550101"
ATTORNEY = "+18605550102"
ADMIN = "+18605550105"
PRINCIPAL = "+18605550142"
PRINCIPAL_ES = "+18605550145"
AREA_LEAD = "+18605550147"
TEACHER = "+18605550150"
STRANGER = "+18605550198"


class Harness:
    def __init__(self, fake: FakeTwilio, tmp: Path, config_dir: Path = DISTRICT,
                 extra: Mapping[str, Any] | None = None, database_url: str | None = None,
                 clock: FakeClock | None = None) -> None:
        self.fake = fake
        self.clock = clock or FakeClock()
        fake.ledger.use_clock(self.clock.now)
        self.quiet: Callable[[], Awaitable[None]] = self.settle  # quiesce's wait (Slack: more)
        self.config = load_or_raise(config_dir / "escalation.yaml", config_dir / "contacts")
        values: dict[str, Any] = {
            "database_url": database_url or f"sqlite:///{tmp / 'alertbot.db'}",
            "public_url": "https://alerts.example.test",
            "api_token": Secret(API_TOKEN),
            "twilio_account_sid": fake.account_sid,
            "twilio_auth_token": Secret(fake.auth_token),
            "twilio_from": FROM_NUMBER,
            "twilio_api_url": fake.url,
            "tick": 0.2,
        }
        values.update(extra or {})
        self.settings = Settings(**values)
        self.runner: web.AppRunner | None = None
        self.closed = False
        self.session: aiohttp.ClientSession | None = None
        self.url = ""

    async def start(self) -> Harness:
        self.app = build_app(self.settings, self.config, clock=self.clock)
        self.runner = web.AppRunner(self.app)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        self.session = aiohttp.ClientSession()
        for _ in range(200):  # until the engine loop has completed its first cycle
            if self.engine.last_cycle is not None:
                break
            await asyncio.sleep(0.01)
        return self

    async def __aenter__(self) -> Harness:
        return await self.start()

    async def __aexit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        """Quiesce first if the story ran to its end (the ``fake`` fixture then checks
        that every message was expected); close in any case."""
        try:
            if exc_type is None:
                await self.quiesce()
        finally:
            await self.close()

    async def quiesce(self) -> None:
        """Let the service go quiet before the teardown check: run what is due now and
        wait for sends in flight (a Slack harness also drains its Slack work). Nothing
        to do once the story closed the service itself (stopping drained it)."""
        if not self.closed:
            await self.quiet()

    async def received(self, contains: str, *numbers: str, kind: str = "sms") -> list[Record]:
        """Each of ``numbers`` received one SMS (``kind="call"``: one call) containing
        ``contains``: expect (and so consume) one each, in order; the records."""
        expect = self.fake.expect_sms if kind == "sms" else self.fake.expect_call
        return [await expect(number, contains=contains) for number in numbers]

    def ignore(self, kind: str | None = None, to: str | None = None,
               contains: str = "") -> None:
        """SMS/calls the story does not care about (see FakeTwilio.ignore)."""
        self.fake.ignore(kind, to, contains)

    def unchecked(self, reason: str) -> None:
        """Opt this test out of the teardown check, saying why it cannot know what is
        sent (e.g. random webhooks); raises ValueError without a reason."""
        self.fake.ledger.unchecked(reason)

    async def close(self) -> None:
        self.closed = True
        if self.session:
            await self.session.close()
        if self.runner:
            await self.runner.cleanup()

    @property
    def engine(self) -> Engine:
        return self.app[appkeys.ENGINE]

    # --- playing the phones --------------------------------------------------------

    def next_sid(self) -> str:
        return f"SM{uuid.uuid4().hex}"

    async def post_sms(self, from_: str, body: str, sid: str | None = None,
                       signature: str | None = None,
                       media: Sequence[tuple[str, str]] = ()) -> tuple[int, str]:
        """A signed text webhook; ``media``: (MediaUrl, MediaContentType) pairs (MMS)."""
        assert self.session is not None
        params = {"MessageSid": sid or self.next_sid(), "From": from_, "To": FROM_NUMBER,
                  "Body": body, "AccountSid": self.fake.account_sid,
                  "NumMedia": str(len(media))}
        for index, (url, content_type) in enumerate(media):
            params[f"MediaUrl{index}"] = url
            params[f"MediaContentType{index}"] = content_type
        if signature is not None:
            async with self.session.post(self.url + "/twilio/sms", data=params,
                                         headers={"X-Twilio-Signature": signature}) as resp:
                return resp.status, await resp.text()
        return await post_twilio(self.session, self.url, "/twilio/sms", params,
                                 self.fake.auth_token, public_url=self.settings.public_url)

    async def text(self, from_: str, body: str, sid: str | None = None) -> str:
        """Send a text as ``from_``; the reply text from the TwiML ('' for none)."""
        status, twiml = await self.post_sms(from_, body, sid)
        assert status == 200, (status, twiml)
        await self.settle()
        match = re.search(r"<Message>(.*?)</Message>", twiml, re.S)
        return _unescape(match.group(1)) if match else ""

    async def mms(self, from_: str, body: str, *files: tuple[bytes, str],
                  sid: str | None = None) -> str:
        """A text with files (``(bytes, declared content type)``, kept on the fake
        Twilio); the reply text. The engine then fetches them (``settle``)."""
        media = [(self.fake.add_media(data, kind), kind) for data, kind in files]
        status, twiml = await self.post_sms(from_, body, sid, media=media)
        assert status == 200, (status, twiml)
        await self.settle()
        match = re.search(r"<Message>(.*?)</Message>", twiml, re.S)
        return _unescape(match.group(1)) if match else ""

    def sign(self, path: str, params: Mapping[str, str]) -> str:
        return twilio_signature(self.fake.auth_token, self.settings.public_url + path, params)

    # --- playing the phones: calls (tests/scenario/voicecall.py) ---------------------

    async def post_twilio_url(self, url: str, params: Mapping[str, str],
                              signature: str | None = None) -> tuple[int, str]:
        """POST ``params`` to a public URL the app gave Twilio (an action, a callback),
        signed over that URL as Twilio signs it (or with ``signature``)."""
        assert self.session is not None
        public = self.settings.public_url
        path = url[len(public):] if url.startswith(public) else url
        if signature is not None:
            async with self.session.post(self.url + path, data=dict(params),
                                         headers={"X-Twilio-Signature": signature}) as resp:
                return resp.status, await resp.text()
        return await post_twilio(self.session, self.url, path, params, self.fake.auth_token,
                                 public_url=public)

    async def call(self, from_: str, sid: str | None = None) -> PhoneCall:
        """``from_`` dials the district number: POST /twilio/voice; the call, at its
        first prompt (``call.twiml``)."""
        call = PhoneCall(self, sid or f"CA{uuid.uuid4().hex}", from_, FROM_NUMBER, "inbound")
        self.fake.register_inbound(call.sid, from_, FROM_NUMBER)
        await call.post(self.settings.public_url + "/twilio/voice")
        return call

    def answer(self, record: Record) -> PhoneCall:
        """Pick up a call alertbot placed: its inline TwiML is the first prompt."""
        assert record.twiml, f"call {record.sid} has no inline TwiML"
        self.fake.set_call_status(record.sid, "in-progress")  # Twilio knows it was answered
        return PhoneCall(self, record.sid, record.from_, record.to, "outbound-api",
                         Twiml.parse(record.twiml))

    async def incident(self, number: int) -> dict[str, Any]:
        """GET /api/incidents/{number}: the incident, its timeline and its messages."""
        assert self.session is not None
        async with self.session.get(f"{self.url}/api/incidents/{number}",
                                    headers={"Authorization": f"Bearer {API_TOKEN}"}) as r:
            assert r.status == 200
            data: dict[str, Any] = await r.json()
            return data

    # --- time ---------------------------------------------------------------------

    async def settle(self) -> None:
        """Run the engine until nothing is due now, and wait for sends in flight."""
        for _ in range(10):
            await self.engine.cycle()
            await self.engine.drain()
            async with transaction(self.app[appkeys.STORE], write=False) as tx:
                due = await tx.next_due()
            if due is None or due > self.clock.now():
                return

    async def advance(self, seconds: float = 0, minutes: float = 0) -> None:
        self.clock.advance(seconds + 60 * minutes)
        await self.settle()

    # --- API ----------------------------------------------------------------------

    async def incidents(self) -> list[dict[str, Any]]:
        assert self.session is not None
        async with self.session.get(self.url + "/api/incidents",
                                    headers={"Authorization": f"Bearer {API_TOKEN}"}) as r:
            assert r.status == 200
            data: list[dict[str, Any]] = await r.json()
            return data


def district_copy(tmp: Path, source: Path, after: str, add: str) -> Path:
    """A copy of the district folder ``source`` as ``tmp``/district, its
    contacts/people.yaml with ``add`` put after each ``after`` (which must be there):
    e.g. one contact made Spanish-speaking for a story."""
    folder = tmp / "district"
    shutil.copytree(source, folder)
    people = folder / "contacts" / "people.yaml"
    text = people.read_text()
    assert after in text, f"{after!r} is not in {people}"
    people.write_text(text.replace(after, after + add))
    return folder


def _unescape(text: str) -> str:
    return (text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"')
            .replace("&apos;", "'").replace("&amp;", "&"))
