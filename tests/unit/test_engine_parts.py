"""The engine's small parts: crash points, the Twilio signature, a send task's end.

(Backoff, the circuit breaker and the token bucket are notify stages now:
tests/unit/notify/.)
"""

from __future__ import annotations

import asyncio
import logging

import pytest

from alertbot.faults import CrashPoints


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

    from alertbot.twilio.signature import expected_signature, genuine

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

    from alertbot.clock import FakeClock
    from alertbot.core.incident import State
    from alertbot.core.model import Channel
    from alertbot.core.records import OutboxItem, OutboxKind, OutboxStatus
    from alertbot.engine.dispatch import Dispatcher
    from alertbot.metrics import Metrics
    from alertbot.notify.base import OutboundMessage, SendResult
    from alertbot.service.events import IncidentEvents

    item = OutboxItem(id=7, kind=OutboxKind.PAGE, channel=Channel.SMS,
                      address="+18605550100", body="ALERT #1", language="en",
                      incident_id=1, contact_id="sup", step=0, round=0, reason="opened",
                      status=OutboxStatus.PENDING, due_at=0.0, attempts=0, created_at=0.0)

    class Claims:  # the claim stage's view of an outbox holding one due text
        def due_outbox(self, *_args: Any) -> list[tuple[OutboxItem, State | None]]:
            return [(item, State.TRIGGERED)]

        def cancel_outbox(self, *_args: Any) -> None:
            raise AssertionError("nothing to cancel")

        def lease_outbox(self, *_args: Any) -> None:
            return None

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
