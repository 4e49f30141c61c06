"""A bridge call is not placed twice when an earlier try reached Twilio but its answer
was lost (new-user trial; decision 0036): against the fake Twilio, real SDK, real HTTP."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator

import pytest

from alertbot.core.model import Channel
from alertbot.notify.base import OutboundMessage, TemporaryFailure
from alertbot.twilio.sms_sender import make_twilio_client
from alertbot.twilio.voice_sender import TwilioVoice
from tests.fakes.twilio_server import FakeTwilio

FROM = "+18605550000"
TO = "+18605550102"
PUBLIC = "https://alertbot.example.org"


def bridge(tries_before: int = 0, queued_at: float | None = None) -> OutboundMessage:
    return OutboundMessage(outbox_id=7, channel=Channel.VOICE, to=TO, language="en",
                           body="Dr. Jordan Rivera is calling you into the team call for "
                                "incident number 1.", incident_id=1, kind="bridge",
                           tries_before=tries_before,
                           queued_at=time.time() if queued_at is None else queued_at)


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


def calls(fake: FakeTwilio) -> list[str]:
    return [r.sid for r in fake.requests if r.kind == "call" and r.accepted]


async def test_a_timed_out_try_that_twilio_placed_is_not_placed_again(
        fake: FakeTwilio, voice: TwilioVoice) -> None:
    message = bridge()
    fake.hang_next(1, seconds=0.8)  # Twilio creates the call; its answer comes too late
    with pytest.raises(TemporaryFailure):
        await voice.send(message)
    await asyncio.sleep(0.6)
    [placed] = calls(fake)
    again = await voice.send(bridge(tries_before=1, queued_at=message.queued_at))
    assert again.provider_id == placed and again.detail == "placed by an earlier try"
    assert calls(fake) == [placed]  # the person's phone rang once
    assert fake.call_lists == [{"To": TO, "From": FROM, "PageSize": "20"}]


async def test_a_try_that_never_reached_twilio_is_placed(fake: FakeTwilio,
                                                         voice: TwilioVoice) -> None:
    fake.fail_next(1, status=503)
    with pytest.raises(TemporaryFailure):
        await voice.send(bridge())
    assert calls(fake) == []
    placed = await voice.send(bridge(tries_before=1))
    assert calls(fake) == [placed.provider_id]


async def test_an_older_call_to_the_same_person_is_not_taken_for_this_one(
        fake: FakeTwilio, voice: TwilioVoice) -> None:
    older = await voice.send(bridge())  # an earlier BRIDGE's call
    later = await voice.send(bridge(tries_before=1, queued_at=time.time() + 60))
    assert later.provider_id != older.provider_id and len(calls(fake)) == 2


async def test_the_first_try_never_asks(fake: FakeTwilio, voice: TwilioVoice) -> None:
    await voice.send(bridge())
    assert fake.call_lists == []
