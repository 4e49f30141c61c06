"""The circuit breaker (stage 4's state machine), with a clock moved by hand."""

from __future__ import annotations

import pytest

from alertbot.notify.breaker import CircuitBreaker
from tests.unit.notify.fakes import Tick


def test_breaker_opens_after_threshold_and_half_opens_after_its_interval() -> None:
    clock = Tick()
    b = CircuitBreaker(threshold=3, interval=10, max_interval=40, clock=clock)
    for _ in range(2):
        b.failure()
    assert b.state == "closed" and b.allow()
    b.failure()
    assert b.state == "open" and not b.allow()
    assert b.remaining() == 10
    clock.t += 10
    assert b.state == "half-open"
    assert b.allow()  # one trial
    assert not b.allow()  # and only one
    b.failure()  # the trial failed: open again, for twice as long
    assert b.state == "open" and b.remaining() == 20
    clock.t += 20
    assert b.allow()
    b.success()
    assert b.state == "closed" and b.allow() and b.allow()


def test_breaker_probes_within_seconds_then_backs_off_to_a_cap() -> None:
    """Issue 9, kind 4: a blip costs about two seconds, a long outage a probe per 30 s."""
    clock = Tick()
    b = CircuitBreaker(clock=clock)  # the defaults the dispatcher uses
    for _ in range(5):
        b.failure()
    assert b.state == "open" and b.remaining() == 2.0
    waits = []
    for _ in range(7):  # every probe fails
        waits.append(b.remaining())
        clock.t += b.remaining()
        assert b.allow() and not b.allow()
        b.failure()
    assert waits == [2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0]
    clock.t += 30
    assert b.allow()
    b.success()  # the provider is back: closed, and the next blip starts short again
    for _ in range(5):
        b.failure()
    assert b.remaining() == 2.0


def test_a_probe_that_never_reports_is_given_up() -> None:
    clock = Tick()
    b = CircuitBreaker(threshold=1, interval=2, probe_timeout=15, clock=clock)
    b.failure()
    clock.t += 2
    assert b.allow()  # the probe's task is then cancelled: it never reports
    clock.t += 14
    assert not b.allow()
    clock.t += 1
    assert b.allow()  # another probe may go
    with pytest.raises(ValueError):
        CircuitBreaker(interval=0)
