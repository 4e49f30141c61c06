"""The incident state machine: triggered → acknowledged → resolved (who may respond:
tests/unit/test_who.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from alertbot.core.incident import Incident, InvalidTransition, State
from alertbot.core.model import Channel
from alertbot.core.plan import Plan, PlanStep, Recipient

T0 = 1_700_000_000.0

PLAN = Plan(
    "ice_north",
    (
        PlanStep((Recipient("superintendent", "Dr. Jordan Rivera", "en",
                            ((Channel.SMS, "+18605550100"),)),),
                 wait=180.0, unreachable=(("security-south", "no address for sms, voice"),)),
        PlanStep((Recipient("deputy", "Morgan Lee", "en", ((Channel.VOICE, "+18605550101"),)),),
                 wait=300.0),
    ),
    None,
)


def opened() -> Incident:
    return Incident(
        id=7, type="ice", title="Enforcement visit at Burns Academy", school_id="burns",
        school_name="Burns Academy", reporter_id="principal-burns", reporter_name="Ana Pérez",
        reporter_phone="+18605550142", source="sms", details="2 agents at front desk",
        language="es", created_at=T0, plan=PLAN, step=0, due_at=T0 + 180,
    )


def acked() -> Incident:
    return opened().acknowledge("superintendent", "Dr. Jordan Rivera", T0 + 60)


def resolved() -> Incident:
    return opened().resolve("deputy", T0 + 90)


def test_a_new_incident_is_triggered_and_open() -> None:
    inc = opened()
    assert inc.state is State.TRIGGERED
    assert inc.is_open
    assert inc.acknowledged_by is None and inc.resolved_by is None


def test_acknowledge_records_who_and_when_and_stops_the_clock() -> None:
    inc = acked()
    assert inc.state is State.ACKNOWLEDGED
    assert inc.is_open
    assert (inc.acknowledged_by, inc.acknowledged_by_name, inc.acknowledged_at) == (
        "superintendent", "Dr. Jordan Rivera", T0 + 60)
    assert inc.due_at is None
    assert (inc.step, inc.round) == (0, 0)  # where the escalation stood is kept


def test_resolve_from_triggered() -> None:
    inc = resolved()
    assert inc.state is State.RESOLVED
    assert not inc.is_open
    assert (inc.resolved_by, inc.resolved_at, inc.due_at) == ("deputy", T0 + 90, None)
    assert inc.acknowledged_by is None


def test_resolve_after_acknowledge_keeps_the_acknowledgement() -> None:
    inc = acked().resolve("superintendent", T0 + 600)
    assert inc.state is State.RESOLVED
    assert inc.acknowledged_by == "superintendent"
    assert inc.acknowledged_at == T0 + 60
    assert (inc.resolved_by, inc.resolved_at) == ("superintendent", T0 + 600)


def test_transitions_return_new_incidents() -> None:
    inc = opened()
    inc.acknowledge("superintendent", "Dr. Jordan Rivera", T0 + 60)
    inc.resolve("deputy", T0 + 90)
    assert inc == opened()


INVALID: list[tuple[str, Callable[[], Incident], Callable[[Incident], Incident], str]] = [
    ("acknowledge twice", acked,
     lambda i: i.acknowledge("deputy", "Morgan Lee", T0 + 70),
     "incident 7 was already acknowledged by Dr. Jordan Rivera"),
    ("acknowledge a resolved incident", resolved,
     lambda i: i.acknowledge("deputy", "Morgan Lee", T0 + 70),
     "incident 7 is already resolved"),
    ("resolve twice", resolved,
     lambda i: i.resolve("superintendent", T0 + 100),
     "incident 7 is already resolved"),
    ("resolve an acknowledged-then-resolved incident",
     lambda: acked().resolve("superintendent", T0 + 600),
     lambda i: i.resolve("deputy", T0 + 700),
     "incident 7 is already resolved"),
]


@pytest.mark.parametrize(("case", "start", "move", "message"), INVALID,
                         ids=[row[0] for row in INVALID])
def test_invalid_transitions(case: str, start: Callable[[], Incident],
                             move: Callable[[Incident], Incident], message: str) -> None:
    inc = start()
    with pytest.raises(InvalidTransition) as info:
        move(inc)
    assert str(info.value) == message
    assert inc == start()  # unchanged


def test_state_values_are_the_api_strings() -> None:
    assert [s.value for s in State] == ["triggered", "acknowledged", "resolved"]
