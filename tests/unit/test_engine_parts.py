"""The engine's small parts: backoff, the circuit breaker, the token bucket, crash points."""

from __future__ import annotations

import asyncio
import logging
import random

import pytest

from alertbot.engine.breaker import CircuitBreaker
from alertbot.engine.dispatch import MAX_BACKOFF, backoff
from alertbot.engine.ratelimit import TokenBucket
from alertbot.faults import CrashPoints


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


@pytest.mark.parametrize(("attempts", "low", "high"), [
    (1, 0.8, 1.2), (2, 1.6, 2.4), (3, 3.2, 4.8), (6, 25.6, 38.4), (7, 48, 72), (30, 48, 72)])
def test_backoff_grows_exponentially_with_jitter_and_a_cap(attempts: int, low: float,
                                                           high: float) -> None:
    rng = random.Random(7)
    for _ in range(50):
        assert low <= backoff(attempts, None, rng) <= high
    assert backoff(30, None, rng) <= MAX_BACKOFF * 1.2


def test_backoff_honours_a_longer_retry_after() -> None:
    assert backoff(1, 30.0, random.Random(1)) == 30.0
    assert backoff(6, 0.5, random.Random(1)) > 0.5


def test_breaker_opens_after_threshold_and_half_opens_after_its_interval() -> None:
    clock = Clock()
    b = CircuitBreaker(threshold=3, interval=10, max_interval=40, clock=clock)
    for _ in range(2):
        b.failure()
    assert b.state == "closed" and b.allow()
    b.failure()
    assert b.state == "open" and not b.allow()
    assert b.remaining() == 10
    clock.t += 10
    assert b.state == "half-open"
    assert b.allow()  # one trial
    assert not b.allow()  # and only one
    b.failure()  # the trial failed: open again, for twice as long
    assert b.state == "open" and b.remaining() == 20
    clock.t += 20
    assert b.allow()
    b.success()
    assert b.state == "closed" and b.allow() and b.allow()


def test_breaker_probes_within_seconds_then_backs_off_to_a_cap() -> None:
    """Issue 9, kind 4: a blip costs about two seconds, a long outage a probe per 30 s."""
    clock = Clock()
    b = CircuitBreaker(clock=clock)  # the defaults the dispatcher uses
    for _ in range(5):
        b.failure()
    assert b.state == "open" and b.remaining() == 2.0
    waits = []
    for _ in range(7):  # every probe fails
        waits.append(b.remaining())
        clock.t += b.remaining()
        assert b.allow() and not b.allow()
        b.failure()
    assert waits == [2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0]
    clock.t += 30
    assert b.allow()
    b.success()  # the provider is back: closed, and the next blip starts short again
    for _ in range(5):
        b.failure()
    assert b.remaining() == 2.0


def test_a_probe_that_never_reports_is_given_up() -> None:
    clock = Clock()
    b = CircuitBreaker(threshold=1, interval=2, probe_timeout=15, clock=clock)
    b.failure()
    clock.t += 2
    assert b.allow()  # the probe's task is then cancelled: it never reports
    clock.t += 14
    assert not b.allow()
    clock.t += 1
    assert b.allow()  # another probe may go
    with pytest.raises(ValueError):
        CircuitBreaker(interval=0)


def test_token_bucket_refills_at_its_rate() -> None:
    clock = Clock()
    bucket = TokenBucket(rate=2, burst=2, clock=clock)
    assert bucket.available() == 2
    bucket.take(2)
    assert bucket.available() == 0
    assert bucket.wait() == pytest.approx(0.5)
    clock.t += 0.5
    assert bucket.available() == 1
    clock.t += 100
    assert bucket.available() == 2  # never more than the burst
    with pytest.raises(ValueError):
        TokenBucket(0)


def test_crash_points_are_named_and_counted() -> None:
    assert CrashPoints(None).name is None
    points = CrashPoints("before-send:3")
    assert (points.name, points.at) == ("before-send", 3)
    points.hit("after-escalate")  # another point: nothing happens
    assert points.hits == 0
    with pytest.raises(ValueError, match="unknown point"):
        CrashPoints("nowhere")


def test_our_twilio_signature_matches_the_sdks() -> None:
    import random as rnd
    import string

    from twilio.request_validator import RequestValidator

    from alertbot.inbound.twilio_auth import expected_signature, genuine

    rng = rnd.Random(3)
    for _ in range(50):
        params = {"".join(rng.choices(string.ascii_letters, k=rng.randint(1, 12))):
                  "".join(rng.choices(string.printable, k=rng.randint(0, 40)))
                  for _ in range(rng.randint(0, 8))}
        url = "https://alerts.example.org/twilio/sms?x=" + str(rng.randint(0, 9))
        sdk = RequestValidator("tok3n").compute_signature(url, params)
        assert expected_signature("tok3n", url, params) == sdk
        assert genuine("tok3n", url, params, sdk)
        assert not genuine("other", url, params, sdk)
    # Twilio may sign the URL with the default port spelled out: still accepted.
    with_port = RequestValidator("tok3n").compute_signature(
        "https://alerts.example.org:443/twilio/sms", {"Body": "ICE"})
    assert genuine("tok3n", "https://alerts.example.org/twilio/sms", {"Body": "ICE"}, with_port)


async def test_an_exception_that_ends_a_send_task_is_logged(
        caplog: pytest.LogCaptureFixture) -> None:
    """Issue 9, kind 12: the task's done-callback used to drop it silently."""
    from collections.abc import Callable
    from typing import Any

    from alertbot.channels.base import OutboundMessage, SendResult
    from alertbot.clock import FakeClock
    from alertbot.domain.model import Channel
    from alertbot.domain.records import OutboxItem, OutboxKind, OutboxStatus
    from alertbot.engine.dispatch import Dispatcher
    from alertbot.engine.events import IncidentEvents
    from alertbot.metrics import Metrics

    item = OutboxItem(id=7, kind=OutboxKind.PAGE, channel=Channel.SMS,
                      address="+18605550100", body="ALERT #1", language="en",
                      incident_id=1, contact_id="sup", step=0, round=0, reason="opened",
                      status=OutboxStatus.PENDING, due_at=0.0, attempts=0, created_at=0.0)

    class Claims:
        def claim_due_outbox(self, *_args: Any, **_kw: Any) -> list[OutboxItem]:
            return [item]

    class GoneAfterTheClaim:  # the database goes away while the text is in flight
        postgres = False

        def __init__(self) -> None:
            self.opened = 0

        async def write(self, work: Callable[[Claims], Any]) -> Any:
            self.opened += 1
            if self.opened > 1:
                raise RuntimeError("database went away")
            return work(Claims())

    class Sends:
        channel = Channel.SMS

        async def send(self, message: OutboundMessage) -> SendResult:
            return SendResult("SM1")

        async def close(self) -> None:
            return None

    dispatcher = Dispatcher(
        GoneAfterTheClaim(), {Channel.SMS: Sends()}, FakeClock(), Metrics(),  # type: ignore[arg-type]
        lambda: None, IncidentEvents(), CrashPoints(None), "t", lambda: None,  # type: ignore[arg-type, return-value]
        lease=10, send_timeout=1, max_in_flight=5, batch=5)
    with caplog.at_level(logging.ERROR, logger="alertbot.engine"):
        assert await dispatcher() == 1
        await dispatcher.drain()
        await asyncio.sleep(0)  # done-callbacks run on the next turn of the loop
    [record] = [r for r in caplog.records if "outbox 7" in r.getMessage()]
    assert record.exc_info is not None and "database went away" in str(record.exc_info[1])
