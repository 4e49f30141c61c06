"""Playing Twilio's part in a phone call: read the TwiML, press keys, post callbacks.

    call = await h.call(PRINCIPAL)             # POST /twilio/voice as an inbound call
    assert "press 1" in call.twiml.text
    await call.press("1")                      # Digits to the Gather's action URL
    await call.record(seconds=12)              # the <Record> action, with a RecordingUrl

    rec = await h.fake.expect_call(ATTORNEY)   # a voice page placed through the fake
    answered = h.answer(rec)                   # its inline TwiML
    await answered.press("1")

    call = await dial(h, ADMIN, StirVerstat="TN-Validation-Failed")  # extra call fields

Every request is signed over the public URL, exactly as Twilio signs it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from yarl import URL

from tests.fakes.signing import twilio_signature

if TYPE_CHECKING:
    from tests.scenario.harness import Harness


async def post_exact(h: Harness, public_url: str, params: Mapping[str, str],
                     signature: str | None = None) -> tuple[int, str]:
    """POST as Twilio does: to ``public_url``'s path and query byte for byte (the client
    must not re-quote ``%2F`` or ``%20``), signed over ``public_url`` exactly."""
    assert h.session is not None
    public = h.settings.public_url
    assert public_url.startswith(public), public_url
    if signature is None:
        signature = twilio_signature(h.fake.auth_token, public_url, params)
    target = URL(h.url + public_url[len(public):], encoded=True)
    async with h.session.post(target, data=dict(params),
                              headers={"X-Twilio-Signature": signature}) as response:
        return response.status, await response.text()


@dataclass
class Twiml:
    xml: str
    root: ET.Element

    @classmethod
    def parse(cls, xml: str) -> Twiml:
        return cls(xml, ET.fromstring(xml))

    @property
    def says(self) -> list[ET.Element]:
        return list(self.root.iter("Say"))

    @property
    def text(self) -> str:
        """Everything said, in order."""
        return " ".join((say.text or "") for say in self.says)

    @property
    def languages(self) -> list[str]:
        return [say.get("language", "") for say in self.says]

    @property
    def gather(self) -> ET.Element | None:
        return self.root.find("Gather")

    @property
    def action(self) -> str:
        gather = self.gather
        assert gather is not None, f"no <Gather> in {self.xml}"
        return gather.get("action", "")

    @property
    def record(self) -> ET.Element | None:
        return self.root.find("Record")

    @property
    def redirect(self) -> str | None:
        element = self.root.find("Redirect")
        return element.text if element is not None else None

    @property
    def hangs_up(self) -> bool:
        return self.root.find("Hangup") is not None


class PhoneCall:
    """One call in progress, from Twilio's side of the line."""

    def __init__(self, h: Harness, sid: str, from_: str, to: str, direction: str,
                 twiml: Twiml | None = None) -> None:
        self.h, self.sid, self.from_, self.to, self.direction = h, sid, from_, to, direction
        self.twiml = twiml or Twiml.parse("<Response/>")
        self.last_record: ET.Element | None = None  # the latest <Record> heard
        self.extra: dict[str, str] = {}  # sent with every request (e.g. StirVerstat)

    def fields(self, **extra: str) -> dict[str, str]:
        return {"CallSid": self.sid, "AccountSid": self.h.fake.account_sid, "From": self.from_,
                "To": self.to, "Direction": self.direction, "CallStatus": "in-progress",
                "ApiVersion": "2010-04-01", **self.extra, **extra}

    async def post(self, url: str, **extra: str) -> Twiml:
        status, body = await self.h.post_twilio_url(url, self.fields(**extra))
        assert status == 200, (status, body)
        self.twiml = Twiml.parse(body)
        if self.twiml.record is not None:
            self.last_record = self.twiml.record
        await self.h.settle()
        return self.twiml

    async def press(self, digits: str) -> Twiml:
        """Key in ``digits`` at the current ``<Gather>``."""
        return await self.post(self.twiml.action, Digits=digits)

    @property
    def conference(self) -> ET.Element | None:
        """The ``<Conference>`` of the current TwiML's ``<Dial>``, if any."""
        return self.twiml.root.find("Dial/Conference")

    async def follow(self) -> Twiml:
        """Follow the current TwiML's ``<Redirect>`` (as Twilio does at once)."""
        url = self.twiml.redirect
        assert url, f"no <Redirect> in {self.twiml.xml}"
        return await self.post(url)

    async def wait_silently(self) -> Twiml:
        """Press nothing: the Gather times out and Twilio follows the ``<Redirect>``."""
        url = self.twiml.redirect
        assert url, f"no <Redirect> after the Gather in {self.twiml.xml}"
        return await self.post(url)

    async def record(self, seconds: int = 12, url: str | None = None) -> Twiml:
        element = self.last_record  # the current one; again: Twilio delivers it twice
        assert element is not None, f"no <Record> in {self.twiml.xml}"
        recording = url or f"https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE{self.sid[2:]}"
        return await self.post(element.get("action", ""), RecordingUrl=recording,
                               RecordingDuration=str(seconds), RecordingSid="RE" + self.sid[2:],
                               Digits="#")

    async def transcribe(self, text: str, status: str = "completed") -> None:
        element = self.last_record  # Twilio transcribes after the call moved on
        assert element is not None and element.get("transcribeCallback"), self.twiml.xml
        code, body = await self.h.post_twilio_url(
            element.get("transcribeCallback", ""),
            self.fields(TranscriptionText=text, TranscriptionStatus=status,
                        TranscriptionSid="TR" + self.sid[2:]))
        assert code == 200, (code, body)
        await self.h.settle()


async def dial(h: Harness, from_: str, sid: str | None = None, **fields: str) -> PhoneCall:
    """Like ``h.call``, with call fields Twilio sends on every request of this call
    (``StirVerstat="TN-Validation-Passed-A"``: the carrier verified the caller ID)."""
    import uuid

    from tests.scenario.harness import FROM_NUMBER

    call = PhoneCall(h, sid or f"CA{uuid.uuid4().hex}", from_, FROM_NUMBER, "inbound")
    h.fake.register_inbound(call.sid, from_, FROM_NUMBER)
    call.extra = dict(fields)
    await call.post(h.settings.public_url + "/twilio/voice")
    return call
