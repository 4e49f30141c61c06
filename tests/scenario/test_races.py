"""Races through the real webhooks, two instances on one PostgreSQL (issue 9, kind 2)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from alertbot.clock import FakeClock
from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import ATTORNEY, PRINCIPAL, SUPERINTENDENT, Harness
from tests.scenario.teardown import finish


@pytest.fixture
async def pair(request: pytest.FixtureRequest, fake: FakeTwilio, tmp_path: Path,
               pg_url: str) -> AsyncIterator[tuple[Harness, Harness]]:
    clock = FakeClock()
    a = await Harness(fake, tmp_path / "a", database_url=pg_url, clock=clock).start()
    b = await Harness(fake, tmp_path / "b", database_url=pg_url, clock=clock).start()
    try:
        yield a, b
    finally:
        await finish(request, a, b)


async def test_two_bare_acks_on_two_instances_one_winner(
        pair: tuple[Harness, Harness], fake: FakeTwilio) -> None:
    a, b = pair
    await a.text(PRINCIPAL, "ICE")
    await fake.expect_sms(ATTORNEY, contains="ACK 1")
    replies = await asyncio.gather(a.text(SUPERINTENDENT, "ACK"), b.text(ATTORNEY, "ACK"))
    assert sum("You acknowledged #1" in r for r in replies) == 1, replies
    [lost] = [r for r in replies if "You acknowledged" not in r]
    assert lost.startswith("#1 was already acknowledged by ")
    winner = lost.removeprefix("#1 was already acknowledged by ").rstrip(".")
    await asyncio.gather(a.settle(), b.settle())
    on_it = [r.body for r in fake.sms_to(PRINCIPAL) if "is on it" in r.body]
    assert on_it == [f"#1: {winner} is on it and is responding."]
    # Everyone else alertbot told something in this story:
    won, lost_by = ((SUPERINTENDENT, ATTORNEY) if winner == "Dr. Jordan Rivera"
                    else (ATTORNEY, SUPERINTENDENT))
    await a.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await a.received("#1 was reported by Ana Perez with no details yet", won)
    await a.received(f"#1: {winner} is on it and is responding.", PRINCIPAL)
    await a.received(f"#1 acknowledged by {winner}", lost_by)


async def test_two_reports_on_two_instances_open_one_incident(
        pair: tuple[Harness, Harness], fake: FakeTwilio) -> None:
    a, b = pair
    replies = await asyncio.gather(a.text(PRINCIPAL, "ICE"), b.text(PRINCIPAL, "ICE 2 agents"))
    assert all("#1" in r for r in replies), replies
    assert [i["id"] for i in await a.incidents()] == [1]
    # Everyone else alertbot told something in this story:
    await a.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
