"""build_plan (who a policy pages, by which address) and select_policy (the routing tree)."""

from __future__ import annotations

import json

import pytest

from alertbot.core.model import (
    Channel,
    Config,
    Contact,
    IncidentType,
    Policy,
    Route,
    School,
    Step,
)
from alertbot.core.plan import Plan, PlanStep, Recipient, build_plan, select_policy

SMS, VOICE, SLACK = Channel.SMS, Channel.VOICE, Channel.SLACK

CONTACTS = {
    c.id: c
    for c in [
        Contact("rivera", "Dr. Jordan Rivera", roles=("superintendent", "admin"),
                phone="+18605550100", slack="U0SUPT001"),
        Contact("lee", "Morgan Lee", roles=("deputy",), phone="+18605550101"),
        Contact("moreno", "Alex Moreno", roles=("security",), phone="+18605550103",
                language="es", channels=(VOICE,)),
        Contact("nguyen", "Casey Nguyen", roles=("security",), phone="+18605550104",
                slack="U0SEC0004", channels=(SMS, SLACK)),
        Contact("slacker", "Pat Chen", roles=("it",), slack="U0IT00005", channels=(SLACK,)),
        Contact("nophone", "Jo Park", roles=("it",), channels=(SMS, VOICE)),
        Contact("perez", "Ana Pérez", roles=("principal",), phone="+18605550142",
                language="es", schools=("burns",)),
    ]
}

SCHOOLS = {
    s.id: s
    for s in [
        School("burns", "Burns Academy", "1201", "north"),
        School("maple", "Maple Elementary", "1202", "north"),
        School("riverside-high", "Riverside High School", "2301", "south"),
        School("oak", "Oak Middle School", "2302", "south"),
        School("lincoln", "Lincoln Elementary", "3101"),
        School("pine", "Pine School", "3102"),
    ]
}


def config(*policies: Policy) -> Config:
    return Config(
        organization="Riverside Public Schools", timezone="America/New_York", schools=SCHOOLS,
        triggers=(), incidents={}, escalations={p.name: p for p in policies}, contacts=CONTACTS,
    )


def one_step(*targets: str, channels: tuple[Channel, ...] | None = None) -> PlanStep:
    policy = Policy("p", (Step(targets, 180.0, channels),), None)
    plan = build_plan(config(policy), policy)
    assert len(plan.steps) == 1
    return plan.steps[0]


# --- build_plan --------------------------------------------------------------------------

def test_person_named_by_id_and_by_role_is_paged_once() -> None:
    step = one_step("rivera", "superintendent", "admin", "rivera")
    assert [r.contact_id for r in step.recipients] == ["rivera"]


def test_role_expands_to_everyone_with_it_in_contact_order() -> None:
    step = one_step("security", "lee")
    assert [r.contact_id for r in step.recipients] == ["moreno", "nguyen", "lee"]


def test_contact_channels_are_the_default() -> None:
    step = one_step("rivera", "moreno", "nguyen")
    assert [(r.contact_id, r.addresses) for r in step.recipients] == [
        ("rivera", ((SMS, "+18605550100"), (VOICE, "+18605550100"))),  # default sms, voice
        ("moreno", ((VOICE, "+18605550103"),)),
        ("nguyen", ((SMS, "+18605550104"), (SLACK, "U0SEC0004"))),
    ]
    assert step.unreachable == ()


def test_step_channels_override_contact_channels() -> None:
    step = one_step("rivera", "moreno", channels=(SMS,))
    assert [(r.contact_id, r.addresses) for r in step.recipients] == [
        ("rivera", ((SMS, "+18605550100"),)),
        ("moreno", ((SMS, "+18605550103"),)),  # moreno's own channels say voice only
    ]


def test_recipient_carries_name_and_language() -> None:
    step = one_step("moreno")
    assert step.recipients == (
        Recipient("moreno", "Alex Moreno", "es", ((VOICE, "+18605550103"),)),
    )


def test_missing_addresses_are_unreachable_never_silent() -> None:
    step = one_step("rivera", "lee", "slacker", channels=(SLACK, SMS))
    # lee has no slack id: paged by sms, listed as unreachable on slack.
    # slacker has no phone: paged by slack, unreachable on sms.
    assert [(r.contact_id, r.addresses) for r in step.recipients] == [
        ("rivera", ((SLACK, "U0SUPT001"), (SMS, "+18605550100"))),
        ("lee", ((SMS, "+18605550101"),)),
        ("slacker", ((SLACK, "U0IT00005"),)),
    ]
    assert step.unreachable == (("lee", "no address for slack"), ("slacker", "no address for sms"))


def test_person_with_no_address_at_all_is_not_a_recipient() -> None:
    step = one_step("it")
    assert [r.contact_id for r in step.recipients] == ["slacker"]
    assert step.unreachable == (("nophone", "no address for sms, voice"),)


def test_plan_keeps_policy_name_waits_and_repeat() -> None:
    policy = Policy("ice_north", (Step(("rivera",), 180.0), Step(("deputy",), 300.0)), 2)
    plan = build_plan(config(policy), policy)
    assert plan.policy == "ice_north"
    assert plan.repeat == 2
    assert [s.wait for s in plan.steps] == [180.0, 300.0]
    assert plan.contact_ids() == frozenset({"rivera", "lee"})


def test_plan_is_frozen_against_later_contact_changes() -> None:
    policy = Policy("p", (Step(("lee",), 60.0),), None)
    plan = build_plan(config(policy), policy)
    contacts_after = {**CONTACTS, "lee": Contact("lee", "Morgan Lee", phone="+18605550109")}
    later = Config(organization="x", timezone="America/New_York", schools=SCHOOLS, triggers=(),
                   incidents={}, escalations={"p": policy}, contacts=contacts_after)
    assert build_plan(later, policy) != plan
    assert plan.steps[0].recipients[0].addresses == ((SMS, "+18605550101"),
                                                     (VOICE, "+18605550101"))


# --- Plan JSON ------------------------------------------------------------------------------

def full_plan() -> Plan:
    policy = Policy("ice_north", (
        Step(("superintendent", "perez"), 180.0),
        Step(("security", "it"), 300.0, (SMS, SLACK)),
    ), None)
    return build_plan(config(policy), policy)


@pytest.mark.parametrize("repeat", [None, 0, 3])
def test_plan_json_round_trip(repeat: int | None) -> None:
    plan = Plan(full_plan().policy, full_plan().steps, repeat)
    assert plan.steps[1].unreachable  # the round trip covers unreachable entries too
    text = plan.to_json()
    again = Plan.from_json(text)
    assert again == plan
    assert all(isinstance(c, Channel) for s in again.steps for r in s.recipients
               for c, _ in r.addresses)


def test_plan_json_is_plain_json_with_unicode_kept() -> None:
    text = full_plan().to_json()
    raw = json.loads(text)
    assert raw["policy"] == "ice_north" and raw["repeat"] is None
    assert "Ana Pérez" in text  # not \u00e9-escaped
    assert raw["steps"][0]["recipients"][0]["addresses"][0] == ["sms", "+18605550100"]


def test_plan_json_without_unreachable_key_still_loads() -> None:
    raw = json.loads(full_plan().to_json())
    for step in raw["steps"]:
        del step["unreachable"]
    plan = Plan.from_json(json.dumps(raw))
    assert all(s.unreachable == () for s in plan.steps)


# --- select_policy --------------------------------------------------------------------------

TREE = (
    Route(when={"region": ("north",)}, escalation="north", routes=(
        Route(when={"school": ("burns",)}, escalation="burns_special"),
        # a matching branch whose own children all miss, and no escalation of its own:
        Route(when={"school": ("maple",)}, routes=(
            Route(when={"school": ("nowhere",)}, escalation="never"),
        )),
    )),
    Route(when={"school": ("oak", "lincoln")}, escalation="oak_or_lincoln"),
    Route(when={"region": ("south",)}, escalation="south"),
    Route(when={"region": ("south",), "school": ("riverside-high",)}, escalation="shadowed"),
    Route(escalation="default"),
)

SELECT = [
    ("nested child wins over its parent", "burns", "burns_special"),
    ("nested branch misses: parent's escalation", "maple", "north"),
    ("school matcher before a region matcher (first match wins)", "oak", "oak_or_lincoln"),
    ("school matcher for a school with no region", "lincoln", "oak_or_lincoln"),
    ("region matcher", "riverside-high", "south"),
    ("catch-all", "pine", "default"),
    ("no school named: only catch-alls match", None, "default"),
]


@pytest.mark.parametrize(("case", "school", "expected"), SELECT, ids=[row[0] for row in SELECT])
def test_select_policy(case: str, school: str | None, expected: str) -> None:
    assert select_policy(TREE, SCHOOLS[school] if school else None) == expected


def test_all_conditions_of_a_route_must_match() -> None:
    routes = (
        Route(when={"region": ("south",), "school": ("oak",)}, escalation="oak_south"),
        Route(escalation="default"),
    )
    assert select_policy(routes, SCHOOLS["oak"]) == "oak_south"
    assert select_policy(routes, SCHOOLS["riverside-high"]) == "default"


def test_no_match_without_catch_all() -> None:
    routes = (Route(when={"region": ("north",)}, escalation="north"),)
    assert select_policy(routes, SCHOOLS["burns"]) == "north"
    assert select_policy(routes, SCHOOLS["oak"]) is None
    assert select_policy(routes, SCHOOLS["lincoln"]) is None  # no region at all
    assert select_policy(routes, None) is None
    assert select_policy((), SCHOOLS["burns"]) is None


def test_region_matcher_never_matches_a_school_without_region() -> None:
    routes = (Route(when={"region": ("north", "south")}, escalation="regional"),
              Route(escalation="default"))
    assert select_policy(routes, SCHOOLS["lincoln"]) == "default"


def test_nested_catch_all_inside_a_branch() -> None:
    routes = (
        Route(when={"region": ("north",)}, routes=(
            Route(when={"school": ("burns",)}, escalation="burns"),
            Route(escalation="north_rest"),
        )),
        Route(escalation="default"),
    )
    assert select_policy(routes, SCHOOLS["burns"]) == "burns"
    assert select_policy(routes, SCHOOLS["maple"]) == "north_rest"
    assert select_policy(routes, SCHOOLS["oak"]) == "default"
    assert select_policy(routes, None) == "default"


def test_sample_like_incident_type_routes() -> None:
    ice = IncidentType("ice", "Enforcement visit at {school}", {"en": "..."}, routes=(
        Route(when={"region": ("north",)}, escalation="ice_north"),
        Route(when={"region": ("south",)}, escalation="ice_south"),
        Route(escalation="ice_default"),
    ))
    picked = {sid: select_policy(ice.routes, s) for sid, s in SCHOOLS.items()}
    assert picked == {
        "burns": "ice_north", "maple": "ice_north", "riverside-high": "ice_south",
        "oak": "ice_south", "lincoln": "ice_default", "pine": "ice_default",
    }
