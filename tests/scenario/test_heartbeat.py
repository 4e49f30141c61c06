"""The heartbeat (issue 14, decision 0042) against a fake dead-man's switch on 127.0.0.1.

A short ``heartbeat_interval`` (0.1 s) stands for the minute: the service GETs the URL
every interval while the engine cycles and the database answers, and never once the
engine is stuck; a switch that cannot be reached is logged and counted, and paging goes
on regardless."""

from __future__ import annotations

import asyncio
import logging
import re
from pathlib import Path

import pytest

from alertbot import appkeys
from alertbot.core.redact import Secret
from tests.fakes.monitors import FakeDeadMansSwitch
from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import ATTORNEY, PRINCIPAL, SUPERINTENDENT, Harness

INTERVAL = 0.1


def counted(h: Harness, result: str) -> float:
    value = h.app[appkeys.METRICS].registry.get_sample_value(
        "alertbot_heartbeats_total", {"result": result})
    return value or 0.0


async def test_a_heartbeat_every_interval_while_healthy_none_while_stuck(
        fake: FakeTwilio, tmp_path: Path) -> None:
    async with FakeDeadMansSwitch() as switch:
        extra = {"heartbeat_url": Secret(switch.ping_url), "heartbeat_interval": INTERVAL}
        async with Harness(fake, tmp_path, extra=extra) as h:
            await asyncio.sleep(12 * INTERVAL)
            beats = len(switch.pings)
            assert 6 <= beats <= 14, beats
            assert {method for _, method in switch.pings} == {"GET"}
            gaps = [b[0] - a[0] for a, b in zip(switch.pings, switch.pings[1:], strict=False)]
            assert min(gaps) >= 0.8 * INTERVAL  # one per interval, not a burst
            assert counted(h, "ok") == beats and counted(h, "failed") == 0

            # The engine gets stuck: its loop stops cycling.
            h.engine.stall_after = 3 * INTERVAL
            h.engine._stopping = True
            h.engine.nudge()
            await asyncio.sleep(5 * INTERVAL)  # the last beats of a live engine, at most
            stuck_at = len(switch.pings)
            assert stuck_at <= beats + 5
            await asyncio.sleep(10 * INTERVAL)
            assert len(switch.pings) == stuck_at  # silence: the outside monitor alerts
            assert counted(h, "skipped") >= 5
            h.closed = True  # a stopped engine cannot quiesce; nothing was paged


async def test_an_unreachable_switch_is_counted_and_paging_goes_on(
        fake: FakeTwilio, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    async with FakeDeadMansSwitch() as switch:
        switch.status = 500
        extra = {"heartbeat_url": Secret(switch.ping_url), "heartbeat_interval": INTERVAL}
        async with Harness(fake, tmp_path, extra=extra) as h:
            with caplog.at_level(logging.WARNING, "alertbot.heartbeat"):
                await asyncio.sleep(5 * INTERVAL)
                await switch.close()  # now nobody listens at all
                await asyncio.sleep(5 * INTERVAL)
                reply = await h.text(PRINCIPAL, "ICE 2 agents at front desk")
                assert reply.startswith("#1 opened")
                await h.received("ALERT #1", SUPERINTENDENT, ATTORNEY)
            assert counted(h, "failed") >= 6 and counted(h, "ok") == 0
            assert "answered HTTP 500" in caplog.text
            assert "ClientConnectorError" in caplog.text or "ClientOSError" in caplog.text
            assert switch.key not in caplog.text  # the URL's key is a secret
            assert h.session is not None
            async with h.session.get(h.url + "/metrics") as r:
                text = await r.text()
            assert re.search(r'alertbot_heartbeats_total\{result="failed"\} [1-9]', text)
