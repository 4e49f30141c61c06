"""The event-loop lag monitor (alertbot/engine/lag.py) and its place in /healthz."""

from __future__ import annotations

import asyncio
import time

from alertbot.engine.lag import SLOW_P99, LoopLag
from alertbot.metrics import Metrics


def test_p99_and_worst_of_the_recent_window() -> None:
    lag = LoopLag(window=100)
    for ms in range(1, 101):
        lag.record(ms / 1000)
    assert lag.p99() == 0.099 and lag.worst() == 0.1
    lag.record(0.0)  # the window slides: 1 ms drops out
    assert len(lag.samples) == 100 and min(lag.samples) == 0.0


def test_the_summary_says_slow_past_the_threshold() -> None:
    lag = LoopLag()
    assert lag.summary() == {"loop": "ok", "loop_lag_p99_ms": 0.0, "loop_lag_max_ms": 0.0}
    for _ in range(10):
        lag.record(SLOW_P99 + 0.5)
    assert lag.summary()["loop"] == "slow"
    assert lag.summary()["loop_lag_max_ms"] == (SLOW_P99 + 0.5) * 1000


def test_samples_go_to_the_metric() -> None:
    metrics = Metrics()
    LoopLag(metrics).record(0.25)
    assert metrics.registry.get_sample_value("alertbot_event_loop_lag_seconds_count") == 1


async def test_a_blocked_loop_shows_as_lag() -> None:
    lag = LoopLag(interval=0.01)
    task = asyncio.create_task(lag.run())
    await asyncio.sleep(0.05)
    time.sleep(0.3)  # noqa: ASYNC251 - the point: something blocks the loop
    await asyncio.sleep(0.05)
    task.cancel()
    assert lag.worst() >= 0.25
