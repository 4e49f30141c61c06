"""The Twilio SMS adapter against the fake Twilio server (real SDK, real HTTP)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import aiohttp
import pytest

from alertbot.core.model import Channel
from alertbot.notify.base import (
    ChannelError,
    OutboundMessage,
    PermanentFailure,
    TemporaryFailure,
)
from alertbot.twilio.sms_sender import (
    TwilioSms,
    classify_twilio_error,
    make_twilio_client,
    parse_retry_after,
)

try:  # tests/ is on sys.path when it has no __init__.py (pytest's rootdir-less mode)
    from tests.fakes.signing import post_twilio
    from tests.fakes.twilio_server import FakeTwilio
except ModuleNotFoundError:
    from fakes.signing import post_twilio  # type: ignore[no-redef, import-not-found, unused-ignore]
    from fakes.twilio_server import FakeTwilio  # type: ignore[no-redef, import-not-found, unused-ignore]

FROM = "+18605550000"
TO = "+18605550100"
PUBLIC = "https://alertbot.example.org"


def page(to: str = TO, body: str = "ICE at Burns. Reply ACK 12") -> OutboundMessage:
    return OutboundMessage(outbox_id=1, channel=Channel.SMS, to=to, body=body, incident_id=12)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTwilio]:
    async with FakeTwilio() as server:
        yield server


@pytest.fixture
async def sms(fake: FakeTwilio) -> AsyncIterator[TwilioSms]:
    client, _ = make_twilio_client(fake.account_sid, fake.auth_token, fake.url, timeout=0.5)
    sender = TwilioSms(client, FROM, PUBLIC + "/")
    yield sender
    await sender.close()


async def test_send_sms_reaches_twilio_with_the_right_fields(
    fake: FakeTwilio, sms: TwilioSms
) -> None:
    result = await sms.send(page())
    rec = await fake.expect_sms(TO, contains="reply ack 12")
    assert result.provider_id == rec.sid
    assert rec.sid.startswith("SM") and len(rec.sid) == 34
    assert (rec.to, rec.from_, rec.body) == (TO, FROM, "ICE at Burns. Reply ACK 12")
    assert rec.status_callback == PUBLIC + "/twilio/status"
    assert rec.params["StatusCallback"] == PUBLIC + "/twilio/status"
    assert sms.channel is Channel.SMS
    assert fake.sms_to(TO) == [rec]
    await fake.assert_no_sms(TO, within=0.05)  # consumed by expect_sms


async def test_server_error_is_temporary(fake: FakeTwilio, sms: TwilioSms) -> None:
    fake.fail_next(1, status=500)
    with pytest.raises(TemporaryFailure) as info:
        await sms.send(page())
    assert "500" in str(info.value)
    await fake.assert_no_sms(TO, within=0.05)
    await sms.send(page())  # the next one goes through: no retries inside the SDK
    assert len(fake.requests) == 2 and len(fake.sms_to(TO)) == 1


async def test_rate_limit_carries_retry_after(fake: FakeTwilio, sms: TwilioSms) -> None:
    fake.fail_next(1, status=429, code=20429, retry_after=7)
    with pytest.raises(TemporaryFailure) as info:
        await sms.send(page())
    assert info.value.code == "20429"
    assert info.value.retry_after == 7.0
    fake.fail_next(1, status=503)  # no header: no retry_after left over from before
    with pytest.raises(TemporaryFailure) as info:
        await sms.send(page())
    assert info.value.retry_after is None


async def test_opted_out_recipient_is_permanent(fake: FakeTwilio, sms: TwilioSms) -> None:
    fake.fail_for(TO, code=21610)
    with pytest.raises(PermanentFailure) as info:
        await sms.send(page())
    assert info.value.code == "21610"
    assert "STOP" in str(info.value)
    assert TO not in str(info.value)
    other = "+18605550101"
    await sms.send(page(to=other))  # only that number fails
    await fake.expect_sms(other)


async def test_invalid_number_is_permanent(fake: FakeTwilio, sms: TwilioSms) -> None:
    with pytest.raises(PermanentFailure) as info:
        await sms.send(page(to="+1555"))
    assert info.value.code == "21211"


async def test_hung_request_times_out_as_temporary(fake: FakeTwilio, sms: TwilioSms) -> None:
    fake.hang_next(1, seconds=5)
    started = time.monotonic()
    with pytest.raises(TemporaryFailure, match="timed out"):
        await sms.send(page())
    assert time.monotonic() - started < 2.0  # the client timeout (0.5 s) fired


async def test_wrong_credentials_is_a_channel_error(fake: FakeTwilio) -> None:
    client, http = make_twilio_client(fake.account_sid, "wrong-token", fake.url)
    sender = TwilioSms(client, FROM, PUBLIC)
    try:
        with pytest.raises(ChannelError) as info:
            await sender.send(page())
        assert info.value.code == "20003"
        assert fake.requests == []
    finally:
        await sender.close()
    assert http.session.closed


async def test_unreachable_api_is_temporary() -> None:
    async with FakeTwilio() as gone:
        url, sid, token = gone.url, gone.account_sid, gone.auth_token
    client, _ = make_twilio_client(sid, token, url)
    sender = TwilioSms(client, FROM, PUBLIC)
    try:
        with pytest.raises(TemporaryFailure, match="cannot reach Twilio"):
            await sender.send(page())
    finally:
        await sender.close()


async def test_fake_sends_signed_status_callback(fake: FakeTwilio, sms: TwilioSms) -> None:
    received: list[dict[str, str]] = []
    await sms.send(page())
    rec = await fake.expect_sms(TO)

    async def status(request: aiohttp.web.Request) -> aiohttp.web.Response:
        from twilio.request_validator import RequestValidator

        form = {k: str(v) for k, v in (await request.post()).items()}
        url = PUBLIC + request.path_qs
        ok = RequestValidator(fake.auth_token).validate(
            url, form, request.headers["X-Twilio-Signature"])
        received.append(form)
        return aiohttp.web.Response(status=204 if ok else 403)

    app = aiohttp.web.Application()
    app.router.add_post("/twilio/status", status)
    runner = aiohttp.web.AppRunner(app)
    await runner.setup()
    site = aiohttp.web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        port = runner.addresses[0][1]
        code, _ = await fake.send_status(rec, "delivered", post_to=f"http://127.0.0.1:{port}")
        assert code == 204
        assert received[0]["MessageSid"] == rec.sid
        assert received[0]["MessageStatus"] == "delivered"
        async with aiohttp.ClientSession() as session:
            code, _ = await post_twilio(session, f"http://127.0.0.1:{port}", "/twilio/status",
                                        {"MessageSid": rec.sid}, "not-the-token", PUBLIC)
        assert code == 403
    finally:
        await runner.cleanup()


async def test_fake_records_calls(fake: FakeTwilio) -> None:
    client, http = make_twilio_client(fake.account_sid, fake.auth_token, fake.url)
    try:
        call = await client.calls.create_async(
            to=TO, from_=FROM, twiml="<Response><Say>ICE at Burns</Say></Response>",
            status_callback=PUBLIC + "/twilio/status", machine_detection="Enable",
            async_amd="true")
    finally:
        await http.close()
    rec = await fake.expect_call(TO, contains="ICE at Burns")
    assert call.sid == rec.sid and rec.sid.startswith("CA")
    assert rec.params["MachineDetection"] == "Enable"
    assert rec.params["AsyncAmd"] == "true"
    assert fake.calls_to(TO) == [rec]


@pytest.mark.parametrize(
    ("status", "code", "kind", "expected_code", "reason"),
    [
        (500, None, TemporaryFailure, None, "HTTP 500"),
        (503, 20503, TemporaryFailure, "20503", "unavailable"),
        (429, None, TemporaryFailure, None, "HTTP 429"),
        (429, 20429, TemporaryFailure, "20429", "too many requests"),
        (500, 20500, TemporaryFailure, "20500", "internal"),
        (400, 30003, TemporaryFailure, "30003", "unreachable"),
        (400, 30008, TemporaryFailure, "30008", "unknown"),
        (400, 21611, TemporaryFailure, "21611", "queue"),
        (400, 21211, PermanentFailure, "21211", "invalid"),
        (400, 21610, PermanentFailure, "21610", "opted out"),
        (400, 21614, PermanentFailure, "21614", "not a mobile"),
        (400, 30005, PermanentFailure, "30005", "handset"),
        (400, 30006, PermanentFailure, "30006", "landline"),
        (400, 21408, PermanentFailure, "21408", "region"),
        (400, 21612, PermanentFailure, "21612", "cannot be reached"),
        (400, 30004, PermanentFailure, "30004", "blocked"),
        (400, 30007, PermanentFailure, "30007", "filtered"),
        (401, 20003, PermanentFailure, "20003", "authentication"),
        (404, 20404, PermanentFailure, "20404", "HTTP 404"),
        (400, None, PermanentFailure, None, "HTTP 400"),
        (502, 502, TemporaryFailure, None, "HTTP 502"),  # SDK: code = status if no code
    ],
)
def test_classify_twilio_error(
    status: int, code: int | None, kind: type[ChannelError], expected_code: str | None,
    reason: str,
) -> None:
    err = classify_twilio_error(status, code, "Unable to create record: to +18605550100")
    assert type(err) is kind
    assert err.code == expected_code
    assert reason.lower() in str(err).lower()
    assert "5550100" not in str(err)  # phone numbers never end up in error text


@pytest.mark.parametrize(
    ("header", "expected"),
    [(None, None), ("", None), ("7", 7.0), ("1.5", 1.5), ("-3", 0.0), ("soon", None),
     ("Thu, 01 Jan 1970 00:01:40 GMT", 10.0)],
)
def test_parse_retry_after(header: str | None, expected: float | None) -> None:
    assert parse_retry_after(header, now=90.0) == expected


def test_error_texts_mask_phone_numbers_but_keep_sids_whole() -> None:
    # New-user trial: "CAc9f55ef<number>d3b6…" could not be matched in Twilio's console.
    from alertbot.twilio.sms_sender import classify_twilio_error

    sid = "CAc9f55ef1234567d3b6a0b1c2d3e4f5a6"
    error = classify_twilio_error(400, None, f"Call {sid} to +1 (860) 555-0100 failed")
    assert sid in str(error)
    assert "555-0100" not in str(error) and "<number>" in str(error)
