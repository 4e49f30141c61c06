"""A circuit breaker per provider: stop hammering a dead provider, page by other means.

closed ── ``threshold`` temporary failures in a row ──► open ── ``interval`` ──► half-open
  ▲                                                       ▲                      │
  │                                                       └── the probe fails ◄──┤
  └────────────────────────── the probe succeeds ◄──────── one probe at a time ──┘

A blip must not hold back every text for long (issue 9, kind 4: five 5xx cost 32 s):
the provider is probed again after ``interval`` seconds, which starts short (2 s) and
doubles while the probes keep failing, up to ``max_interval`` (30 s); any success
closes the circuit and resets it. Only one probe is out at a time; one that never
reports back (its task was cancelled) is given up after ``probe_timeout`` seconds.
Times are seconds on ``clock`` (injected: tests move it by hand).
"""

from __future__ import annotations

import time
from collections.abc import Callable


class CircuitBreaker:
    def __init__(self, threshold: int = 5, interval: float = 2.0, max_interval: float = 30.0,
                 probe_timeout: float = 15.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if not 0 < interval <= max_interval:
            raise ValueError("need 0 < interval <= max_interval")
        self.threshold = threshold
        self.first_interval = interval
        self.max_interval = max_interval
        self.probe_timeout = probe_timeout
        self.clock = clock
        self.failures = 0  # temporary failures in a row
        self.interval = interval  # how long the circuit stays open this time
        self.opened_at: float | None = None
        self._probe_at: float | None = None  # when the probe in flight was let through

    @property
    def state(self) -> str:
        """``closed``, ``open`` or ``half-open`` (a probe may go, or is out)."""
        if self.opened_at is None:
            return "closed"
        return "half-open" if self.clock() - self.opened_at >= self.interval else "open"

    def allow(self) -> bool:
        """May a send be tried now? In half-open state, one probe at a time."""
        state = self.state
        if state == "closed":
            return True
        if state == "open":
            return False
        now = self.clock()
        if self._probe_at is not None and now - self._probe_at < self.probe_timeout:
            return False
        self._probe_at = now
        return True

    def remaining(self) -> float:
        """Seconds until a probe may go (0 when closed or half-open)."""
        if self.opened_at is None:
            return 0.0
        return max(0.0, self.interval - (self.clock() - self.opened_at))

    def success(self) -> None:
        self.failures = 0
        self.opened_at = None
        self.interval = self.first_interval
        self._probe_at = None

    def failure(self) -> None:
        self.failures += 1
        if self._probe_at is not None:  # the probe failed: open again, for longer
            self.interval = min(self.max_interval, self.interval * 2)
            self.opened_at = self.clock()
            self._probe_at = None
        elif self.opened_at is None and self.failures >= self.threshold:
            self.opened_at = self.clock()
