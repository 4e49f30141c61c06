"""Stage 4 (breaker) as the pipeline asks it: admit, answered, failed."""

from __future__ import annotations

from alertbot.core.model import Channel
from alertbot.notify.breaker import RECHECK, Breakers, Held, circuit_open
from tests.unit.notify.fakes import Tick


def test_a_closed_circuit_admits_and_five_failures_hold_for_the_probe() -> None:
    clock = Tick()
    breakers = Breakers(clock)
    assert breakers.admit(Channel.SMS) is None
    assert [breakers.failed(Channel.SMS) for _ in range(5)] == [False] * 4 + [True]
    assert breakers.admit(Channel.SMS) == Held(2.0, circuit_open(Channel.SMS))
    assert breakers.admit(Channel.VOICE) is None  # each provider its own circuit
    clock.t += 1.5
    assert breakers.admit(Channel.SMS) == Held(RECHECK, circuit_open(Channel.SMS))


def test_the_probe_goes_alone_and_its_answer_closes_the_circuit() -> None:
    clock = Tick()
    breakers = Breakers(clock)
    for _ in range(5):
        breakers.failed(Channel.SMS)
    clock.t += 2.0
    assert breakers.admit(Channel.SMS) is None  # the probe
    held = breakers.admit(Channel.SMS)  # while it is out, the rest wait a moment
    assert held is not None and held.delay == RECHECK
    assert breakers.answered(Channel.SMS) is True  # it was open: release what it held
    assert breakers.admit(Channel.SMS) is None
    assert breakers.answered(Channel.SMS) is False  # closed already: nothing to release


def test_a_failed_probe_opens_the_circuit_for_twice_as_long() -> None:
    clock = Tick()
    breakers = Breakers(clock)
    for _ in range(5):
        breakers.failed(Channel.SLACK)
    clock.t += 2.0
    assert breakers.admit(Channel.SLACK) is None
    assert breakers.failed(Channel.SLACK) is True
    held = breakers.admit(Channel.SLACK)
    assert held is not None and held.delay == 4.0
