"""decide() and schedule(): the escalation rule, table-driven, with ``now`` passed in."""

from __future__ import annotations

from dataclasses import replace

import pytest

from alertbot.core.incident import Incident, State
from alertbot.core.model import Channel
from alertbot.core.plan import Plan, PlanStep, Recipient
from alertbot.core.policy import LATE_TOLERANCE, Decision, PageIntent, decide, schedule

T0 = 1_700_000_000.0  # the incident opens; any fixed instant will do
SMS, VOICE, SLACK = Channel.SMS, Channel.VOICE, Channel.SLACK

RIVERA = Recipient(
    "superintendent",
    "Dr. Jordan Rivera",
    "en",
    ((SMS, "+18605550100"), (VOICE, "+18605550100"), (SLACK, "U0SUPT001")),
)
OKAFOR = Recipient("attorney", "Sam Okafor", "en", ((SMS, "+18605550102"),))
MORENO = Recipient("security-north", "Alex Moreno", "es", ((VOICE, "+18605550103"),))
LEE = Recipient("deputy", "Morgan Lee", "en", ((SMS, "+18605550101"), (VOICE, "+18605550101")))

STEP1 = PlanStep((RIVERA, OKAFOR, MORENO), wait=180.0,
                 unreachable=(("security-south", "no address for sms, voice"),))
STEP2 = PlanStep((LEE,), wait=300.0)


def plan(repeat: int | None = None, steps: tuple[PlanStep, ...] = (STEP1, STEP2)) -> Plan:
    return Plan("ice_north", steps, repeat)


def incident(*, step: int = -1, round: int = 0, due_at: float | None = T0,
             state: State = State.TRIGGERED, repeat: int | None = None,
             steps: tuple[PlanStep, ...] = (STEP1, STEP2)) -> Incident:
    return Incident(
        id=12, type="ice", title="Enforcement visit at Burns Academy", school_id="burns",
        school_name="Burns Academy", reporter_id="principal-burns", reporter_name="Ana Pérez",
        reporter_phone="+18605550142", source="sms", details="", language="es",
        created_at=T0, plan=plan(repeat, steps), state=state, step=step, round=round,
        due_at=due_at,
    )


def pages_to(*recipients: Recipient) -> tuple[PageIntent, ...]:
    return tuple(
        PageIntent(r.contact_id, r.name, r.language, channel, address)
        for r in recipients for channel, address in r.addresses
    )


# --- what is paged, when, and why ------------------------------------------------------

# (case, incident, now, step, round, next_due_at, words in the reason)
PAGING = [
    ("first page at open", incident(), T0, 0, 0, T0 + 180, ["opened", "step 1"]),
    ("first page, tick just after open", incident(), T0 + 1, 0, 0, T0 + 180, ["opened"]),
    ("step 2 after step 1's wait", incident(step=0, due_at=T0 + 180), T0 + 180,
     1, 0, T0 + 480, ["step 2", "3m", "step 1"]),
    ("repeat to step 1 after the last step (forever)", incident(step=1, due_at=T0 + 480),
     T0 + 480, 0, 1, T0 + 660, ["repeat 1", "step 1"]),
    ("forever keeps counting rounds", incident(step=1, round=7, due_at=T0 + 5000), T0 + 5000,
     0, 8, T0 + 5180, ["repeat 8"]),
    ("repeat: 1 allows one more round", incident(step=1, due_at=T0 + 480, repeat=1),
     T0 + 480, 0, 1, T0 + 660, ["repeat 1"]),
    ("step 2 of the extra round", incident(step=0, round=1, due_at=T0 + 660, repeat=1),
     T0 + 660, 1, 1, T0 + 960, ["step 2"]),
]


@pytest.mark.parametrize(("case", "inc", "now", "step", "rnd", "next_due", "words"), PAGING,
                         ids=[row[0] for row in PAGING])
def test_decide_pages(case: str, inc: Incident, now: float, step: int, rnd: int,
                      next_due: float, words: list[str]) -> None:
    decision = decide(inc, now)
    assert decision is not None
    assert (decision.step, decision.round, decision.next_due_at) == (step, rnd, next_due)
    assert not decision.exhausted
    for word in words:
        assert word in decision.reason
    expected_step = inc.plan.steps[step]
    assert decision.pages == pages_to(*expected_step.recipients)
    assert decision.unreachable == expected_step.unreachable


def test_first_page_reason_is_exact() -> None:
    decision = decide(incident(), T0)
    assert decision is not None
    assert decision.reason == "incident opened: paging step 1"


def test_step_reason_is_exact() -> None:
    decision = decide(incident(step=0, due_at=T0 + 180), T0 + 180)
    assert decision is not None
    assert decision.reason == "step 2: no acknowledgement 3m after step 1"


def test_repeat_reason_is_exact() -> None:
    decision = decide(incident(step=1, round=2, due_at=T0 + 2000), T0 + 2000)
    assert decision is not None
    assert decision.reason == (
        "repeat 3: no acknowledgement after the last step; paging step 1 again"
    )


# --- nothing to do ------------------------------------------------------------------------

NOTHING = [
    ("before the first due time", incident(due_at=T0 + 1), T0),
    ("just before step 2 is due", incident(step=0, due_at=T0 + 180), T0 + 179.999),
    ("acknowledged", incident(step=0, due_at=T0 + 180, state=State.ACKNOWLEDGED), T0 + 999),
    ("resolved", incident(step=0, due_at=T0 + 180, state=State.RESOLVED), T0 + 999),
    ("acknowledged before the first page", incident(state=State.ACKNOWLEDGED), T0),
    ("no due time", incident(step=0, due_at=None), T0 + 999),
]


@pytest.mark.parametrize(("case", "inc", "now"), NOTHING, ids=[row[0] for row in NOTHING])
def test_decide_nothing(case: str, inc: Incident, now: float) -> None:
    assert decide(inc, now) is None


# --- exhaustion -----------------------------------------------------------------------------

EXHAUSTED = [
    # (case, repeat, round of the last step paged, rounds in the reason)
    ("repeat 0: one round only", 0, 0, 1),
    ("repeat 1: two rounds", 1, 1, 2),
    ("repeat 3: four rounds", 3, 3, 4),
]


@pytest.mark.parametrize(("case", "repeat", "rnd", "rounds"), EXHAUSTED,
                         ids=[row[0] for row in EXHAUSTED])
def test_exhausted_after_repeat_rounds(case: str, repeat: int, rnd: int, rounds: int) -> None:
    inc = incident(step=1, round=rnd, due_at=T0 + 9000, repeat=repeat)
    decision = decide(inc, T0 + 9000)
    assert decision == Decision(
        step=1, round=rnd, pages=(), next_due_at=None,
        reason=f"policy exhausted: no acknowledgement after {rounds} round(s); paging stopped",
        exhausted=True,
    )


def test_not_exhausted_one_round_early() -> None:
    decision = decide(incident(step=1, round=0, due_at=T0 + 480, repeat=1), T0 + 480)
    assert decision is not None and not decision.exhausted and decision.pages


def test_plan_without_steps_is_exhausted_at_once() -> None:
    decision = decide(incident(steps=()), T0)
    assert decision is not None
    assert decision.exhausted and decision.pages == () and decision.next_due_at is None
    assert decision.reason == "policy has no steps"


# --- timing: cadence kept when on time, no burst when late ---------------------------------

TIMING = [
    # (case, lateness of the tick, next_due_at relative to the due time)
    ("exactly on time", 0.0, 300.0),
    ("a little late keeps the cadence", 2.0, 300.0),
    ("late by exactly the tolerance keeps the cadence", LATE_TOLERANCE, 300.0),
    ("late beyond the tolerance: timed from now", LATE_TOLERANCE + 0.001,
     LATE_TOLERANCE + 0.001 + 300.0),
    ("an hour late (restart): timed from now, no burst", 3600.0, 3600.0 + 300.0),
]


@pytest.mark.parametrize(("case", "late", "next_due"), TIMING, ids=[row[0] for row in TIMING])
def test_next_due(case: str, late: float, next_due: float) -> None:
    due = T0 + 180
    decision = decide(incident(step=0, due_at=due), due + late)
    assert decision is not None
    assert decision.step == 1
    assert decision.next_due_at == pytest.approx(due + next_due)


def test_late_tick_sends_one_step_not_a_burst() -> None:
    """Hours late, the engine pages the next step once, then waits a full step again."""
    inc = incident(step=0, due_at=T0 + 180)
    now = T0 + 4 * 3600
    first = decide(inc, now)
    assert first is not None and first.step == 1
    inc = replace(inc, step=first.step, round=first.round, due_at=first.next_due_at)
    assert decide(inc, now) is None
    assert decide(inc, now + 299) is None
    assert decide(inc, now + 300) is not None


# --- who is paged ----------------------------------------------------------------------------

def test_pages_go_to_every_channel_and_address_of_each_recipient() -> None:
    decision = decide(incident(), T0)
    assert decision is not None
    assert [(p.contact_id, p.channel, p.address) for p in decision.pages] == [
        ("superintendent", SMS, "+18605550100"),
        ("superintendent", VOICE, "+18605550100"),
        ("superintendent", SLACK, "U0SUPT001"),
        ("attorney", SMS, "+18605550102"),
        ("security-north", VOICE, "+18605550103"),
    ]
    moreno = [p for p in decision.pages if p.contact_id == "security-north"]
    assert moreno == [PageIntent("security-north", "Alex Moreno", "es", VOICE, "+18605550103")]


def test_unreachable_people_are_carried_in_the_decision() -> None:
    decision = decide(incident(), T0)
    assert decision is not None
    assert decision.unreachable == (("security-south", "no address for sms, voice"),)
    later = decide(incident(step=0, due_at=T0 + 180), T0 + 180)
    assert later is not None and later.unreachable == ()


def test_a_step_where_nobody_is_reachable_still_decides_and_says_so() -> None:
    nobody = PlanStep((), wait=60.0, unreachable=(("deputy", "no address for slack"),))
    decision = decide(incident(steps=(nobody,)), T0)
    assert decision is not None
    assert decision.pages == ()
    assert decision.unreachable == (("deputy", "no address for slack"),)
    assert decision.next_due_at == T0 + 60


def test_decide_does_not_change_the_incident() -> None:
    inc = incident()
    decide(inc, T0)
    assert inc == incident()


# --- schedule() --------------------------------------------------------------------------------

def outline(entries: list[tuple[float, Decision]]) -> list[tuple[float, int, int, bool]]:
    return [(at - T0, d.step, d.round, d.exhausted) for at, d in entries]


def test_schedule_forever_one_round_horizon() -> None:
    assert outline(schedule(incident())) == [
        (0, 0, 0, False),
        (180, 1, 0, False),
        (480, 0, 1, False),
        (660, 1, 1, False),
        (960, 0, 2, False),
    ]


def test_schedule_forever_no_horizon_shows_the_first_repeat() -> None:
    assert outline(schedule(incident(), horizon_rounds=0)) == [
        (0, 0, 0, False),
        (180, 1, 0, False),
        (480, 0, 1, False),
    ]


def test_schedule_until_exhausted() -> None:
    entries = schedule(incident(repeat=1), horizon_rounds=5)
    assert outline(entries) == [
        (0, 0, 0, False),
        (180, 1, 0, False),
        (480, 0, 1, False),
        (660, 1, 1, False),
        (960, 1, 1, True),
    ]
    assert "2 round(s)" in entries[-1][1].reason


def test_schedule_repeat_zero() -> None:
    assert outline(schedule(incident(repeat=0))) == [
        (0, 0, 0, False),
        (180, 1, 0, False),
        (480, 1, 0, True),
    ]


def test_schedule_starts_at_due_time_or_creation() -> None:
    assert schedule(incident(due_at=T0 + 30))[0][0] == T0 + 30
    # An incident built only to preview (`alertbot plan`) has no due time yet.
    assert outline(schedule(incident(due_at=None))) == outline(schedule(incident()))


def test_schedule_of_an_acknowledged_incident_is_empty() -> None:
    assert schedule(incident(state=State.ACKNOWLEDGED)) == []
    assert schedule(incident(state=State.RESOLVED)) == []


def test_schedule_agrees_with_decide() -> None:
    inc = incident(repeat=2)
    for at, decision in schedule(inc, horizon_rounds=3):
        assert decide(inc, at) == decision
        if decision.exhausted:
            break
        assert decision.next_due_at is not None
        inc = replace(inc, step=decision.step, round=decision.round,
                      due_at=decision.next_due_at)


def test_channel_delay_spaces_a_contacts_channels_in_order() -> None:
    from alertbot.core.incident import Incident
    from alertbot.core.model import Channel
    from alertbot.core.plan import Plan, PlanStep, Recipient
    from alertbot.core.policy import decide

    recipient = Recipient("sup", "Dr. Rivera", "en",
                          ((Channel.SMS, "+18605550100"), (Channel.VOICE, "+18605550100")),
                          channel_delay=60.0)
    plan = Plan("p", (PlanStep((recipient,), 180.0),), None)
    assert Plan.from_json(plan.to_json()) == plan
    incident = Incident(id=1, type="ice", title="t", school_id=None, school_name=None,
                        reporter_id=None, reporter_name="r", reporter_phone=None,
                        source="sms", details="", language="en", created_at=0.0, plan=plan,
                        due_at=0.0)
    decision = decide(incident, 0.0)
    assert decision is not None
    assert [(p.channel, p.delay) for p in decision.pages] == [
        (Channel.SMS, 0.0), (Channel.VOICE, 60.0)]


def test_plans_stored_before_channel_delay_existed_still_load() -> None:
    from alertbot.core.plan import Plan

    old = ('{"policy": "p", "repeat": null, "steps": [{"wait": 60, "unreachable": [], '
           '"recipients": [{"contact_id": "a", "name": "A", "language": "en", '
           '"addresses": [["sms", "+18605550100"]]}]}]}')
    assert Plan.from_json(old).steps[0].recipients[0].channel_delay == 0.0
