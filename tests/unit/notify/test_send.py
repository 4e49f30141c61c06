"""Stage 5 (send): what a sender does becomes a value; the retry delay."""

from __future__ import annotations

import asyncio
import logging
import random

import pytest

from alertbot.core.model import Channel
from alertbot.notify.base import OutboundMessage, PermanentFailure, SendResult, TemporaryFailure
from alertbot.notify.send import (
    MAX_BACKOFF,
    Outcome,
    Permanent,
    Sent,
    Temporary,
    backoff,
    send,
)
from tests.unit.notify.fakes import FakeOutbox, FakeSender, page

ITEM = FakeOutbox().add(page())


@pytest.mark.parametrize(("answer", "outcome"), [
    (SendResult("SM1"), Sent("SM1")),
    (TemporaryFailure("HTTP 503"), Temporary("HTTP 503")),
    (TemporaryFailure("HTTP 429", "20429", retry_after=30.0), Temporary("HTTP 429", 30.0)),
    (PermanentFailure("landline", "21614"), Permanent("landline", "21614")),
    (ValueError("a bug"), Temporary("unexpected error: ValueError", provider_fault=False)),
])
async def test_what_the_sender_does_becomes_an_outcome(
        answer: Exception | SendResult, outcome: Outcome,
        caplog: pytest.LogCaptureFixture) -> None:
    sender = FakeSender(Channel.SMS, answer)
    with caplog.at_level(logging.ERROR, logger="alertbot.engine"):
        assert await send(sender, ITEM, within=5.0) == outcome
    [message] = sender.sent
    assert (message.outbox_id, message.to, message.body) == (ITEM.id, ITEM.address, ITEM.body)
    bugs = [r for r in caplog.records if "failed unexpectedly" in r.getMessage()]
    assert len(bugs) == (1 if isinstance(answer, ValueError) else 0)


async def test_a_send_that_outlasts_its_timeout_is_a_temporary_failure() -> None:
    class Silent:
        channel = Channel.SMS

        async def send(self, message: OutboundMessage) -> SendResult:
            await asyncio.Event().wait()  # never answers
            raise AssertionError("unreachable")

        async def close(self) -> None:
            return None

    assert await send(Silent(), ITEM, within=0) == Temporary("timed out")


async def test_a_channel_without_a_sender_fails_for_good() -> None:
    assert await send(None, ITEM, within=5.0) == Permanent("channel sms is not configured")


def test_a_permanent_failure_says_its_code() -> None:
    assert Permanent("landline", "21614").why == "landline (code 21614)"
    assert Permanent("refused").why == "refused"


@pytest.mark.parametrize(("attempts", "low", "high"), [
    (1, 0.8, 1.2), (2, 1.6, 2.4), (3, 3.2, 4.8), (6, 25.6, 38.4), (7, 48, 72), (30, 48, 72)])
def test_backoff_grows_exponentially_with_jitter_and_a_cap(attempts: int, low: float,
                                                           high: float) -> None:
    rng = random.Random(7)
    delays = [backoff(attempts, None, rng) for _ in range(50)]
    assert all(low <= d <= high for d in delays)
    assert len(set(delays)) > 1  # jittered: a burst's retries do not all land together
    assert backoff(30, None, rng) <= MAX_BACKOFF * 1.2


def test_backoff_honours_a_longer_retry_after() -> None:
    assert backoff(1, 30.0, random.Random(1)) == 30.0
    assert backoff(6, 0.5, random.Random(1)) > 0.5
