"""The engine's thin Dispatcher over the pipeline: rate limits reach the claim, the
wait is reported to the loop, every claimed message is delivered in its own task."""

from __future__ import annotations

from alertbot.clock import FakeClock
from alertbot.core.model import Channel
from alertbot.core.records import OutboxStatus
from alertbot.engine.dispatch import Dispatcher
from alertbot.faults import CrashPoints
from alertbot.metrics import Metrics
from alertbot.notify.ratelimit import TokenBucket
from alertbot.service.events import IncidentEvents
from tests.unit.notify.fakes import CONFIG, T0, FakeOutbox, FakeSender, Tick, incident, page


async def test_the_dispatcher_claims_what_the_rate_allows_and_sends_it() -> None:
    tick = Tick()
    outbox = FakeOutbox()
    outbox.incidents = {1: incident(1)}
    texts = [outbox.add(page()) for _ in range(3)]
    sms = FakeSender(Channel.SMS)
    dispatcher = Dispatcher(
        outbox, {Channel.SMS: sms}, FakeClock(T0), Metrics(),  # type: ignore[arg-type]
        lambda: CONFIG, IncidentEvents(), CrashPoints(None), "me", lambda: None,
        lease=12, send_timeout=5, max_in_flight=10, batch=10,
        rates={Channel.SMS: TokenBucket(rate=2, burst=1, clock=tick)})
    assert await dispatcher() == 1
    await dispatcher.drain()
    assert [m.outbox_id for m in sms.sent] == [texts[0].id]
    assert outbox.get(texts[0].id).status is OutboxStatus.SENT
    assert await dispatcher() == 0 and dispatcher.throttled == 0.5  # the loop waits this
    tick.t += 0.5
    assert await dispatcher() == 1
    await dispatcher.drain()
    assert [m.outbox_id for m in sms.sent] == [texts[0].id, texts[1].id]
    assert dispatcher.breakers[Channel.SMS].state == "closed"
