"""Stage 4, breaker: a circuit breaker per provider; stop hammering a dead provider,
page by other means.

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

``Breakers`` is the stage: one breaker per channel, asked before each send
(``admit``: go, or hold until the next probe) and told each send's outcome
(``observe``). A held page waits in the outbox with the error ``circuit_open(channel)``;
when a probe gets through, the record stage makes every message so held due at once
(``RecordTx.release_held``), so a blip costs seconds, not each page's own backoff.
Breakers are per process, like the rate limits: each instance learns on its own that a
provider is down (at most ``threshold`` failed sends each).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from alertbot.core.model import Channel

RECHECK = 1.0  # seconds: a page the circuit held looks again this soon at least


def circuit_open(channel: Channel) -> str:
    """The error a message held back by an open circuit carries (``release_held``
    matches its start)."""
    return f"{channel} provider circuit open"


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


@dataclass(frozen=True)
class Held:
    """The circuit is open: the page waits ``delay`` seconds (until the next probe may
    go, ``RECHECK`` at least) with ``error``."""

    delay: float
    error: str


class Breakers:
    """One ``CircuitBreaker`` per channel (``by_channel``), all on one clock."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.by_channel = {channel: CircuitBreaker(clock=clock) for channel in Channel}

    def admit(self, channel: Channel) -> Held | None:
        """None: send now (closed, or this is the probe). Else how long to hold it."""
        breaker = self.by_channel[channel]
        if breaker.allow():
            return None
        return Held(max(RECHECK, breaker.remaining()), circuit_open(channel))

    def answered(self, channel: Channel) -> bool:
        """The provider answered (sent, or refused for good): close the circuit. True if
        it was not closed (a probe got through: release what it held)."""
        breaker = self.by_channel[channel]
        reopened = breaker.state != "closed"
        breaker.success()
        return reopened

    def failed(self, channel: Channel) -> bool:
        """The provider failed a send (5xx, 429, timeout). True if the circuit is now
        not closed (the provider counts as failing: page by other means too)."""
        breaker = self.by_channel[channel]
        breaker.failure()
        return breaker.state != "closed"
