"""Event-loop lag: how late the loop runs a timer, measured continuously.

Every webhook, Slack acknowledgement (3 s budget), escalation timer and ``/healthz``
answer shares one event loop; anything that blocks it delays them all. The monitor
sleeps ``interval`` seconds over and over and records how much later than asked it
woke up. Figures go to ``/metrics`` (``alertbot_event_loop_lag_seconds``) and
``/healthz`` (the p99 and maximum of the last ``window`` samples, milliseconds).
"""

from __future__ import annotations

import asyncio
import collections
import math

from alertbot.metrics import Metrics

SLOW_P99 = 1.0  # seconds of p99 lag at which /healthz says the loop is "slow"


class LoopLag:
    """Samples loop lag every ``interval`` seconds; keeps the last ``window`` samples."""

    def __init__(self, metrics: Metrics | None = None, interval: float = 0.1,
                 window: int = 600) -> None:
        self.metrics = metrics
        self.interval = interval
        self.samples: collections.deque[float] = collections.deque(maxlen=window)

    async def run(self) -> None:
        """Measure until cancelled."""
        loop = asyncio.get_running_loop()
        while True:
            started = loop.time()
            await asyncio.sleep(self.interval)
            self.record(max(0.0, loop.time() - started - self.interval))

    def record(self, lag: float) -> None:
        """One sample, in seconds."""
        self.samples.append(lag)
        if self.metrics is not None:
            self.metrics.loop_lag.observe(lag)

    def p99(self) -> float:
        """The 99th percentile of the recent samples, seconds (0 before any)."""
        if not self.samples:
            return 0.0
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, math.ceil(0.99 * len(ordered)) - 1)]

    def worst(self) -> float:
        """The largest recent sample, seconds."""
        return max(self.samples, default=0.0)

    def summary(self) -> dict[str, object]:
        """For ``/healthz``: ``{"loop": "ok"|"slow", "loop_lag_p99_ms": …,
        "loop_lag_max_ms": …}`` over the recent window."""
        p99 = self.p99()
        return {"loop": "slow" if p99 >= SLOW_P99 else "ok",
                "loop_lag_p99_ms": round(p99 * 1000, 1),
                "loop_lag_max_ms": round(self.worst() * 1000, 1)}
