"""One message through breaker → send → record (with fallback), against a fake sender,
an in-memory outbox and a clock moved by hand."""

from __future__ import annotations

import random
from dataclasses import replace

import pytest

from alertbot.clock import FakeClock
from alertbot.core.model import Channel
from alertbot.core.records import OutboxItem, OutboxKind, OutboxStatus
from alertbot.metrics import Metrics
from alertbot.notify.base import PermanentFailure, TemporaryFailure
from alertbot.notify.breaker import circuit_open
from alertbot.notify.pipeline import Pipeline
from alertbot.notify.send import Permanent
from tests.unit.notify.fakes import (
    CONFIG,
    DANA,
    LEE,
    SAM,
    T0,
    FakeOutbox,
    FakeSender,
    incident,
    notice,
    page,
)


class World:
    """A pipeline with an SMS, a voice and a Slack sender, one open incident (#1)."""

    def __init__(self, *sms_script: Exception) -> None:
        self.clock = FakeClock(T0)
        self.outbox = FakeOutbox()
        self.outbox.incidents = {1: incident(1)}
        self.senders = {Channel.SMS: FakeSender(Channel.SMS, *sms_script),
                        Channel.VOICE: FakeSender(Channel.VOICE),
                        Channel.SLACK: FakeSender(Channel.SLACK)}
        self.nudges = 0
        self.published: list[int | None] = []
        self.metrics = Metrics()
        self.pipeline = Pipeline(
            self.outbox, self.senders, self.clock, self.metrics, lambda: CONFIG,
            publish=self.published.append, nudge=self._nudge, rng=random.Random(3),
            wall=lambda: 0.0)

    def _nudge(self) -> None:
        self.nudges += 1

    async def claim_one(self) -> OutboxItem:
        [item] = (await self.pipeline.claim("me", 12.0, 1)).items
        return item

    def count(self, result: str, channel: Channel = Channel.SMS) -> float:
        value = self.metrics.registry.get_sample_value(
            "alertbot_messages_sent_total",
            {"channel": str(channel), "kind": "page", "result": result})
        return value or 0.0


async def test_a_sent_page_is_recorded_and_its_first_page_noted_once() -> None:
    w = World()
    first = w.outbox.add(page())
    second = w.outbox.add(page(Channel.VOICE))
    for _ in (first, second):
        w.clock.advance(3)
        done = await w.pipeline.deliver(await w.claim_one())
        assert done.result == "sent"
    row = w.outbox.get(first.id)
    assert (row.status, row.provider_id) == (OutboxStatus.SENT, "SMS1")
    assert w.outbox.first_page == {1: T0 + 3}
    assert w.count("sent") == 1 and w.count("sent", Channel.VOICE) == 1


async def test_a_temporary_failure_is_retried_with_jittered_capped_backoff() -> None:
    w = World(*[TemporaryFailure("HTTP 503") for _ in range(3)])
    w.pipeline.breakers.by_channel[Channel.SMS].threshold = 99  # the breaker stays out
    item = w.outbox.add(page())
    waits = []
    for _ in range(3):
        claimed = await w.claim_one()
        done = await w.pipeline.deliver(claimed)
        row = w.outbox.get(item.id)
        assert done.result == "retry" and row.status is OutboxStatus.PENDING
        assert row.error == "HTTP 503" and w.outbox.rows[item.id].lease_owner is None
        waits.append(row.due_at - w.clock.now())
        w.clock.advance(row.due_at - w.clock.now())
    assert 0.8 <= waits[0] <= 1.2 and 1.6 <= waits[1] <= 2.4 and 3.2 <= waits[2] <= 4.8
    assert w.count("retry") == 3 and w.nudges == 3
    # The fourth try goes through; a message that failed thirty times waits a minute.
    assert (await w.pipeline.deliver(await w.claim_one())).result == "sent"
    late = w.outbox.add(page())
    w.outbox.rows[late.id].item = replace(w.outbox.get(late.id), attempts=30)
    w.senders[Channel.SMS].script.append(TemporaryFailure("HTTP 503"))
    await w.pipeline.deliver(await w.claim_one())
    assert 48.0 <= w.outbox.get(late.id).due_at - w.clock.now() <= 72.0


async def test_retry_after_is_honoured() -> None:
    w = World(TemporaryFailure("HTTP 429", "20429", retry_after=30.0))
    item = w.outbox.add(page())
    await w.pipeline.deliver(await w.claim_one())
    row = w.outbox.get(item.id)
    assert row.due_at == T0 + 30.0 and row.status is OutboxStatus.PENDING
    assert (await w.pipeline.claim("me", 12.0, 10)).items == []  # not a moment earlier
    w.clock.advance(30.0)
    assert [i.id for i in (await w.pipeline.claim("me", 12.0, 10)).items] == [item.id]


async def test_a_permanent_failure_pages_other_channels_and_tells_admins_once() -> None:
    w = World(PermanentFailure("landline", "21614"))
    item = w.outbox.add(page())
    done = await w.pipeline.deliver(await w.claim_one())
    assert done.result == "failed" and done.admins_told == 2
    assert w.outbox.get(item.id).status is OutboxStatus.FAILED
    fallback = [(m.channel, m.address) for m in w.outbox.pending(OutboxKind.PAGE)]
    assert fallback == [(Channel.VOICE, SAM.phone), (Channel.SLACK, SAM.slack)]
    told = {m.address: m.body for m in w.outbox.pending(OutboxKind.NOTICE)}
    assert set(told) == {DANA.phone, LEE.slack}
    assert "could not page Sam Okafor by sms (21614)" in told[DANA.phone or ""]
    kinds = [k for _, k, _ in w.outbox.timeline]
    assert kinds == ["page_failed", "paged"]
    assert w.published == [1] and w.count("failed") == 1
    # The provider reports the same page undelivered later: nothing more happens.
    again = await w.pipeline.fail(item, Permanent("provider reported undelivered", "30006"))
    assert again.result == "repeat"
    assert len(w.outbox.pending()) == 4 and len(w.outbox.timeline) == 2
    assert w.count("failed") == 1 and w.published == [1]


async def test_a_permanent_failure_does_not_repeat_a_channel_the_step_already_used() -> None:
    w = World(PermanentFailure("opted out", "21610"))
    w.outbox.add(page())
    w.outbox.add(page(Channel.VOICE))  # this step pages Sam by SMS and voice together
    await w.pipeline.deliver(await w.claim_one())
    pages = w.outbox.pending(OutboxKind.PAGE)
    assert [m.channel for m in pages] == [Channel.VOICE]  # the step's own call, no more
    assert len(w.outbox.pending(OutboxKind.NOTICE)) == 2  # the admins are still told


async def test_an_open_breaker_holds_the_page_and_probes() -> None:
    w = World(*[TemporaryFailure("HTTP 503") for _ in range(5)])
    texts = [w.outbox.add(page()) for _ in range(5)]
    # The fifth text has been failing a while: its own backoff is half a minute.
    w.outbox.rows[texts[-1].id].item = replace(texts[-1], attempts=5)
    for _ in texts:  # five failures in a row open the SMS circuit
        await w.pipeline.deliver(await w.claim_one())
    breaker = w.pipeline.breakers.by_channel[Channel.SMS]
    assert breaker.state == "open"
    errors = [w.outbox.get(t.id).error for t in texts]
    assert errors == ["HTTP 503"] * 4 + [f"{circuit_open(Channel.SMS)}: HTTP 503"]
    assert w.outbox.get(texts[-1].id).due_at - T0 > 25.0
    # Meanwhile Sam is paged by voice and Slack: once, not once per failing text.
    others = [m.channel for m in w.outbox.pending(OutboxKind.PAGE)
              if m.channel is not Channel.SMS]
    assert others == [Channel.VOICE, Channel.SLACK]

    fresh = w.outbox.add(page(step=1))  # a new page while the circuit is open
    tries = len(w.senders[Channel.SMS].sent)
    done = await w.pipeline.deliver(w.outbox.get(fresh.id))
    assert done.result == "circuit_open" and len(w.senders[Channel.SMS].sent) == tries
    row = w.outbox.get(fresh.id)
    assert row.error == circuit_open(Channel.SMS) and row.status is OutboxStatus.PENDING
    assert row.due_at == T0 + 2.0  # until the probe, not a backoff
    assert w.count("circuit_open") == 1
    assert [m.channel for m in done.fallback] == [Channel.VOICE, Channel.SLACK]  # step 2

    w.clock.advance(2.0)  # the probe goes; it gets through; what the circuit held goes now
    done = await w.pipeline.deliver(w.outbox.get(fresh.id))
    assert done.result == "sent" and len(w.senders[Channel.SMS].sent) == tries + 1
    assert done.released == 1 and w.outbox.get(texts[-1].id).due_at == w.clock.now()
    assert breaker.state == "closed"


async def test_only_one_probe_goes_while_the_circuit_is_half_open() -> None:
    w = World(*[TemporaryFailure("HTTP 503") for _ in range(6)])
    for _ in range(5):
        w.outbox.add(page())
        await w.pipeline.deliver(await w.claim_one())
    w.clock.advance(30.0)
    a, b = w.outbox.add(page()), w.outbox.add(page())
    assert (await w.pipeline.deliver(w.outbox.get(a.id))).result == "retry"  # the probe
    assert (await w.pipeline.deliver(w.outbox.get(b.id))).result == "circuit_open"
    assert w.pipeline.breakers.by_channel[Channel.SMS].remaining() == 4.0  # twice as long


async def test_a_bug_in_a_sender_is_retried_without_opening_the_circuit() -> None:
    w = World(*[RuntimeError("oops") for _ in range(6)])
    for _ in range(6):
        item = w.outbox.add(page())
        assert (await w.pipeline.deliver(await w.claim_one())).result == "retry"
        assert w.outbox.get(item.id).error == "unexpected error: RuntimeError"
    assert w.pipeline.breakers.by_channel[Channel.SMS].state == "closed"


@pytest.mark.parametrize("failure", [TemporaryFailure("HTTP 503"),
                                     PermanentFailure("landline", "21614")])
async def test_a_notice_that_fails_pages_nobody_else(failure: Exception) -> None:
    w = World(failure)
    item = w.outbox.add(notice())
    await w.pipeline.deliver(await w.claim_one())
    assert [m.id for m in w.outbox.pending()] == ([item.id] if isinstance(
        failure, TemporaryFailure) else [])
    assert w.outbox.timeline == [] and w.published == []
