"""Several alertbot instances on one PostgreSQL database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from alertbot.clock import FakeClock
from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import ATTORNEY, DEPUTY, PRINCIPAL, SUPERINTENDENT, Harness
from tests.scenario.teardown import finish


@pytest.fixture
async def pair(request: pytest.FixtureRequest, fake: FakeTwilio, tmp_path: Path,
               pg_url: str) -> AsyncIterator[tuple[Harness, Harness]]:
    clock = FakeClock()
    a = await Harness(fake, tmp_path / "a", database_url=pg_url, clock=clock).start()
    # B's loop would sleep for a minute: only a NOTIFY wakes it sooner.
    b = await Harness(fake, tmp_path / "b", database_url=pg_url, clock=clock,
                      extra={"tick": 60.0}).start()
    try:
        yield a, b
    finally:
        await finish(request, a, b)


async def settle_both(a: Harness, b: Harness) -> None:
    await asyncio.gather(a.settle(), b.settle())
    await asyncio.gather(a.settle(), b.settle())


async def test_each_page_is_sent_by_exactly_one_instance(
        pair: tuple[Harness, Harness], fake: FakeTwilio) -> None:
    a, b = pair
    await a.text(PRINCIPAL, "ICE")
    await settle_both(a, b)
    a.clock.advance(180)
    await settle_both(a, b)
    a.clock.advance(300)
    await settle_both(a, b)
    assert len(fake.sms_to(SUPERINTENDENT)) == 2  # round 0 and round 1
    assert len(fake.sms_to(ATTORNEY)) == 2
    assert len(fake.sms_to(DEPUTY)) == 1
    # Everyone else alertbot told something in this story:
    await a.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await a.received("#1: still paging", PRINCIPAL)
    await a.received("ALERT #1: Enforcement visit at Burns Academy", DEPUTY)
    await a.received("#1: still paging", PRINCIPAL)
    await a.received("#1: Enforcement visit at Burns Academy (2nd", SUPERINTENDENT, ATTORNEY)


async def test_ack_on_one_instance_stops_paging_on_all(
        pair: tuple[Harness, Harness], fake: FakeTwilio) -> None:
    a, b = pair
    await a.text(PRINCIPAL, "ICE")
    await settle_both(a, b)
    reply = await b.text(ATTORNEY, "ACK 1")
    assert "acknowledged #1" in reply
    for _ in range(5):
        a.clock.advance(300)
        await settle_both(a, b)
    assert len(fake.sms_to(SUPERINTENDENT)) == 2, [  # the page and "acknowledged by"
        r.body for r in fake.sms_to(SUPERINTENDENT)]
    assert "acknowledged by Sam Okafor" in fake.sms_to(SUPERINTENDENT)[-1].body
    assert fake.sms_to(DEPUTY) == []
    # Everyone else alertbot told something in this story:
    await a.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await a.received("#1 was reported by Ana Perez with no details yet", ATTORNEY)
    await a.received("#1: Sam Okafor is on it and is responding.", PRINCIPAL)
    await a.received("#1 acknowledged by Sam Okafor", SUPERINTENDENT)


async def test_when_one_instance_dies_the_other_carries_on(
        pair: tuple[Harness, Harness], fake: FakeTwilio) -> None:
    a, b = pair
    await a.text(PRINCIPAL, "ICE")
    await a.close()
    a.clock.advance(180)
    await b.settle()
    await fake.expect_sms(DEPUTY, contains="ACK 1")
    # Everyone else alertbot told something in this story:
    await a.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await a.received("#1: still paging", PRINCIPAL)


async def test_listen_notify_wakes_the_other_instance(
        pair: tuple[Harness, Harness], fake: FakeTwilio) -> None:
    """An incident opened on A is paged promptly even if only B's engine loop runs."""
    a, _b = pair
    a.engine._stopping = True  # A takes webhooks but its loop no longer works
    a.engine.nudge()
    await asyncio.sleep(0.05)
    status, _ = await a.post_sms(PRINCIPAL, "ICE")
    assert status == 200
    page = await fake.expect_sms(SUPERINTENDENT, contains="ACK 1", timeout=2.0)
    assert page is not None
    await fake.expect_sms(ATTORNEY, contains="ACK 1", timeout=2.0)
