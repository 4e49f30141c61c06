"""The Twilio voice adapter against the fake Twilio server (real SDK, real HTTP)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from alertbot.core.model import Channel
from alertbot.notify.base import OutboundMessage, PermanentFailure, TemporaryFailure
from alertbot.twilio.sms_sender import make_twilio_client
from alertbot.twilio.voice_sender import TwilioVoice, voicemail_twiml
from tests.fakes.twilio_server import FakeTwilio

FROM = "+18605550000"
TO = "+18605550100"
PUBLIC = "https://alertbot.example.org"


def page(to: str = TO) -> OutboundMessage:
    return OutboundMessage(outbox_id=5, channel=Channel.VOICE, to=to, language="en",
                           body="ALERT #12: Visit at Burns. Reported 08:14 by Ana Perez. "
                                "Reply ACK 12 to respond.", incident_id=12)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTwilio]:
    async with FakeTwilio() as server:
        yield server


@pytest.fixture
async def voice(fake: FakeTwilio) -> AsyncIterator[TwilioVoice]:
    client, _ = make_twilio_client(fake.account_sid, fake.auth_token, fake.url, timeout=0.5)
    sender = TwilioVoice(client, FROM, PUBLIC + "/")
    yield sender
    await sender.close()


async def test_call_carries_inline_twiml_amd_and_callbacks(
        fake: FakeTwilio, voice: TwilioVoice) -> None:
    result = await voice.send(page())
    rec = await fake.expect_call(TO, contains="Visit at Burns")
    assert result.provider_id == rec.sid
    assert rec.from_ == FROM
    assert rec.status_callback == PUBLIC + "/twilio/status"
    assert rec.params["StatusCallbackMethod"] == "POST"
    assert rec.params["MachineDetection"] == "DetectMessageEnd"
    assert rec.params["AsyncAmd"] == "true"
    assert rec.params["AsyncAmdStatusCallback"] == \
        PUBLIC + "/twilio/voice/amd?outbox=5&n=12&lang=en"
    assert int(rec.params["TimeLimit"]) > 0
    assert rec.twiml is not None and PUBLIC + "/twilio/voice/page?outbox=5&amp;n=12" in rec.twiml


@pytest.mark.parametrize(("status", "code", "failure"), [
    (400, 21211, PermanentFailure),  # invalid number
    (400, 21215, PermanentFailure),  # no permission to call that region
    (429, 20429, TemporaryFailure),
    (503, None, TemporaryFailure),
])
async def test_provider_errors_are_classified(fake: FakeTwilio, voice: TwilioVoice,
                                              status: int, code: int | None,
                                              failure: type[Exception]) -> None:
    fake.fail_next(status=status, code=code)
    with pytest.raises(failure):
        await voice.send(page())


async def test_update_call_replaces_the_live_twiml(fake: FakeTwilio, voice: TwilioVoice) -> None:
    result = await voice.send(page())
    assert result.provider_id
    await voice.update_call(result.provider_id, voicemail_twiml("en", page().body, 12))
    update = await fake.expect_call_update(result.provider_id, contains="text ACK 12")
    assert update.to == TO


async def test_update_of_an_unknown_call_is_a_channel_error(voice: TwilioVoice) -> None:
    with pytest.raises(PermanentFailure):
        await voice.update_call("CA" + "0" * 32, "<Response/>")
