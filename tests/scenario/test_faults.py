"""Provider faults seen from the service: rate limits, outages, undelivered texts."""

from __future__ import annotations

from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import ADMIN, ATTORNEY, PRINCIPAL, SUPERINTENDENT, Harness


async def test_429_with_retry_after_is_honoured(h: Harness, fake: FakeTwilio) -> None:
    fake.fail_next(1, status=429, code=20429, retry_after=30)
    await h.text(PRINCIPAL, "ICE")
    delivered = [r.to for r in fake.sent if r.kind == "sms"]
    assert len(delivered) == 1  # one of the two pages was refused...
    await h.advance(seconds=20)
    assert len([r for r in fake.sent if r.kind == "sms"]) == 1  # ...and not retried early
    await h.advance(seconds=15)
    assert {SUPERINTENDENT, ATTORNEY} <= {r.to for r in fake.sent if r.kind == "sms"}
    [incident] = await h.incidents()
    one = await h.incident(incident["id"])
    retried = [m for m in one["messages"] if m["attempts"] == 2]
    assert len(retried) == 1 and retried[0]["status"] == "sent"


async def test_undelivered_status_callback_reaches_the_person_another_way(
        h: Harness, fake: FakeTwilio) -> None:
    await h.text(PRINCIPAL, "ICE")
    page = await fake.expect_sms(ATTORNEY, contains="ACK 1")
    status, _ = await fake.send_status(page, "undelivered", error_code=30006,
                                       post_to=h.url)
    assert status == 204
    await h.settle()
    call = await fake.expect_call(ATTORNEY)  # a landline: the call still reaches them
    assert call is not None
    alert = await fake.expect_sms(ADMIN, contains="could not page Sam Okafor")
    assert "30006" in alert.body
    one = await h.incident(1)
    assert any(e["kind"] == "page_failed" and "undelivered" in e["text"]
               for e in one["timeline"])


async def test_a_failing_provider_opens_the_circuit_and_pages_by_voice(
        h: Harness, fake: FakeTwilio) -> None:
    fake.fail_next(10, status=503, kind="sms")  # texting is down; calls still work
    await h.text(PRINCIPAL, "ICE")
    for _ in range(6):  # retries with backoff until five failures in a row
        await h.advance(seconds=20)
    calls = {r.to for r in fake.sent if r.kind == "call"}
    assert {SUPERINTENDENT, ATTORNEY} <= calls
    one = await h.incident(1)
    assert any("provider failing" in e["text"] for e in one["timeline"])
    fake.reset()
    for _ in range(4):  # the provider recovers: the texts go out too
        await h.advance(seconds=30)
    assert {SUPERINTENDENT, ATTORNEY} <= {r.to for r in fake.sent if r.kind == "sms"}


async def test_forged_status_callback_is_refused(h: Harness) -> None:
    assert h.session is not None
    async with h.session.post(h.url + "/twilio/status",
                              data={"MessageSid": "SMx", "MessageStatus": "failed"}) as r:
        assert r.status == 403
