"""Provider faults seen from the service: rate limits, outages, undelivered texts."""

from __future__ import annotations

from alertbot.core.model import Channel
from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import ADMIN, ATTORNEY, DEPUTY, PRINCIPAL, SUPERINTENDENT, Harness
from tests.unitofwork import transaction


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
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", ATTORNEY, SUPERINTENDENT)


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
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)


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
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await h.received("#1: still paging", PRINCIPAL)
    await h.received("ALERT #1: Enforcement visit at Burns Academy", DEPUTY)


async def test_forged_status_callback_is_refused(h: Harness) -> None:
    assert h.session is not None
    async with h.session.post(h.url + "/twilio/status",
                              data={"MessageSid": "SMx", "MessageStatus": "failed"}) as r:
        assert r.status == 403


# --- a status Twilio delivers twice, or late, has one effect (issue 9, kind 3) --------


async def test_the_same_undelivered_callback_twice_has_one_effect(
        h: Harness, fake: FakeTwilio) -> None:
    await h.text(PRINCIPAL, "ICE")
    page = await fake.expect_sms(ATTORNEY, contains="ACK 1")
    for _ in range(2):  # Twilio retries a callback it thinks failed
        status, _ = await fake.send_status(page, "undelivered", error_code=30007,
                                           post_to=h.url)
        assert status == 204
        await h.settle()
    alerts = [r for r in fake.sms_to(ADMIN) if "could not page Sam Okafor" in r.body]
    assert len(alerts) == 1, [r.body for r in alerts]
    assert len(fake.calls_to(ATTORNEY)) == 1  # one fallback call, not two
    one = await h.incident(1)
    assert [e["kind"] for e in one["timeline"]].count("page_failed") == 1
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await h.received("#1: could not page Sam Okafor by sms (30007)", ADMIN)
    await h.received("ALERT number 1", ATTORNEY, kind="call")


async def test_a_late_sent_does_not_undo_delivered(h: Harness, fake: FakeTwilio) -> None:
    await h.text(PRINCIPAL, "ICE")
    page = await fake.expect_sms(ATTORNEY, contains="ACK 1")
    for status in ("sent", "delivered", "sent", "queued"):  # out of order, as happens
        code, _ = await fake.send_status(page, status, post_to=h.url)
        assert code == 204
    [message] = [m for m in (await h.incident(1))["messages"]
                  if m["contact"] == "attorney" and m["channel"] == "sms"]
    assert message["provider_status"] == "delivered"
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)


async def test_a_failure_after_delivered_still_counts_and_a_late_one_does_not_repeat(
        h: Harness, fake: FakeTwilio) -> None:
    await h.text(PRINCIPAL, "ICE")
    page = await fake.expect_sms(ATTORNEY, contains="ACK 1")
    for status, code in (("failed", 30008), ("undelivered", 30007), ("delivered", None)):
        await fake.send_status(page, status, error_code=code, post_to=h.url)
        await h.settle()
    [message] = [m for m in (await h.incident(1))["messages"]
                  if m["contact"] == "attorney" and m["channel"] == "sms"]
    assert message["provider_status"] == "failed"  # final: nothing moves it
    assert len([r for r in fake.sms_to(ADMIN) if "could not page" in r.body]) == 1
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await h.received("#1: could not page Sam Okafor by sms (30008)", ADMIN)
    await h.received("ALERT number 1", ATTORNEY, kind="call")


async def test_a_page_fails_once_whatever_reports_it(h: Harness, fake: FakeTwilio) -> None:
    """A send failure and a later failure callback for one message: one notice."""
    from alertbot.appkeys import STORE
    from alertbot.notify.send import Permanent

    await h.text(PRINCIPAL, "ICE")
    await fake.expect_sms(ATTORNEY, contains="ACK 1")
    async with transaction(h.app[STORE], write=False) as tx:
        [item] = [m for m in await tx.messages_for(1) if m.contact_id == "attorney"]
    await h.engine.dispatch.pipeline.fail(item, Permanent("refused", "21610"))
    await h.engine.dispatch.pipeline.fail(item, Permanent("provider reported failed", "30008"))
    await h.settle()
    assert len([r for r in fake.sms_to(ADMIN) if "could not page" in r.body]) == 1
    one = await h.incident(1)
    assert [e["kind"] for e in one["timeline"]].count("page_failed") == 1
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await h.received("#1: could not page Sam Okafor by sms (21610)", ADMIN)
    await h.received("ALERT number 1", ATTORNEY, kind="call")


async def test_a_short_blip_does_not_hold_texts_back(h: Harness, fake: FakeTwilio) -> None:
    """Five 5xx in a row open the SMS circuit; once Twilio answers again the texts go
    out within seconds, not after a 30 s cooldown (issue 9, kind 4). Fake clock only."""
    import random

    h.engine.dispatch.pipeline.rng = random.Random(5)  # the backoff's jitter, made repeatable
    fake.fail_next(5, status=503, kind="sms")
    await h.text(PRINCIPAL, "ICE")
    recovered: float | None = None
    for _ in range(400):  # 100 s of fake time at most
        failures = [r for r in fake.requests if r.kind == "sms" and r.answer_status == 503]
        if recovered is None and len(failures) == 5:
            recovered = h.clock.now()  # the provider answers again from here on
        if fake.sms_to(SUPERINTENDENT) and fake.sms_to(ATTORNEY):
            break
        await h.advance(seconds=0.25)
    assert recovered is not None and h.engine.breakers[Channel.SMS].failures == 0
    assert fake.sms_to(SUPERINTENDENT) and fake.sms_to(ATTORNEY)
    assert h.clock.now() - recovered <= 5.0, h.clock.now() - recovered
    # Everyone else alertbot told something in this story:
    await h.received("ALERT number 1", SUPERINTENDENT, ATTORNEY, kind="call")
    await h.received("ALERT #1: Enforcement visit at Burns Academy", ATTORNEY, SUPERINTENDENT)
