"""Every "who may" rule (alertbot/core/who.py), table by table, with its edge cases."""

from __future__ import annotations

import ast
from dataclasses import replace
from pathlib import Path

import pytest

import alertbot.core
from alertbot.core import who
from alertbot.core.incident import Incident, State
from alertbot.core.model import Config, Contact, IncidentType, Policy, Route, School, Step
from alertbot.core.plan import Plan, PlanStep, Recipient
from alertbot.core.who import Proof, Stop
from tests.unit.test_pure_imports import CLOCK_CALLS, FORBIDDEN, imported_modules, parse

T0 = 1_700_000_000.0
FALLBACK = "+18605550199"

BURNS = School("burns", "Burns Academy", "1201")
OAK = School("oak", "Oak Middle School", "2302")

SUPT = Contact("superintendent", "Dr. Jordan Rivera", ("superintendent",), "+18605550100")
DEPUTY = Contact("deputy", "Morgan Lee", ("deputy",), "+18605550101", pin="2468")
ADMIN = Contact("admin", "Riley Chen", ("admin",), "+18605550105")
PRINCIPAL = Contact("principal-burns", "Ana Perez", ("principal",), "+18605550142",
                    schools=("burns",))
AREA_LEAD = Contact("area-lead", "Gale Porter", ("principal",), "+18605550147",
                    schools=("oak", "burns"))
LOST = Contact("lost", "Lee Lost", ("principal",), "+18605550148", schools=("gone",))
TEACHER = Contact("teacher", "Pat Kim", ("teacher",), "+18605550150")
SLACK_ONLY = Contact("slacker", "Sky Lack", ("deputy",), slack="U0SLACK01")
STRANGER_PHONE = "+18605550198"

CONFIG = Config(
    organization="Test District", timezone="America/New_York",
    schools={"burns": BURNS, "oak": OAK},
    triggers=(), incidents={"ice": IncidentType("ice", "ICE at {school}", {"en": "."},
                                                (Route(escalation="ice"),))},
    escalations={"ice": Policy("ice", (Step(("superintendent",), 180.0),
                                       Step(("deputy",), 300.0)))},
    contacts={c.id: c for c in (SUPT, DEPUTY, ADMIN, PRINCIPAL, AREA_LEAD, LOST, TEACHER,
                                SLACK_ONLY)},
    unknown_reporters="reject", fallback_phone=FALLBACK, admins=("admin",))
ACCEPTING = replace(CONFIG, unknown_reporters="accept", pin="4321")
NO_FALLBACK = replace(CONFIG, fallback_phone=None)

PLAN = Plan("ice", (
    PlanStep((Recipient("superintendent", "Dr. Jordan Rivera", "en", ()),), wait=180.0,
             unreachable=(("teacher", "no address for sms"),)),
    PlanStep((Recipient("deputy", "Morgan Lee", "en", ()),
              Recipient("slacker", "Sky Lack", "en", ())), wait=300.0),
), None)


def incident(state: State = State.TRIGGERED, reporter: Contact | None = PRINCIPAL,
             phone: str | None = None) -> Incident:
    return Incident(
        id=7, type="ice", title="ICE at Burns Academy", school_id="burns",
        school_name="Burns Academy", reporter_id=reporter.id if reporter else None,
        reporter_name=reporter.name if reporter else phone or "?",
        reporter_phone=reporter.phone if reporter else phone, source="sms", details="",
        language="en", created_at=T0, plan=PLAN, state=state)


# --- the fallback --------------------------------------------------------------------


@pytest.mark.parametrize(("config", "base", "key", "values"), [
    (CONFIG, "unknown_sender", "unknown_sender", {"fallback": FALLBACK}),
    (NO_FALLBACK, "unknown_sender", "unknown_sender_nofallback", {}),
    (CONFIG, "intake_error", "intake_error", {"fallback": FALLBACK}),
    (NO_FALLBACK, "intake_error", "intake_error_nofallback", {}),
    (replace(CONFIG, fallback_phone=""), "gave_up", "gave_up_nofallback", {}),
])
def test_the_fallback_is_the_configured_number_or_the_nofallback_key(
        config: Config, base: str, key: str, values: dict[str, object]) -> None:
    fb = who.fallback(config)
    assert fb.key(base) == key
    assert fb.values == values
    assert "911" not in repr(fb) and "office" not in repr(fb)  # never guessed


# --- reporting -----------------------------------------------------------------------


@pytest.mark.parametrize(("config", "contact", "phone", "allowed", "key", "reason"), [
    (CONFIG, PRINCIPAL, PRINCIPAL.phone, True, "", "in contacts"),
    (CONFIG, TEACHER, None, True, "", "in contacts"),  # a contact on Slack: no phone
    (CONFIG, None, STRANGER_PHONE, False, "unknown_sender", "unknown_reporters: reject"),
    (CONFIG, None, None, False, "unknown_sender", "unknown_reporters: reject"),
    (NO_FALLBACK, None, STRANGER_PHONE, False, "unknown_sender_nofallback", "reject"),
    (ACCEPTING, None, STRANGER_PHONE, True, "", "unverified"),
    (ACCEPTING, None, None, False, "unknown_sender", "no phone number to call back"),
    (ACCEPTING, None, "", False, "unknown_sender", "no phone number to call back"),
])
def test_who_may_report(config: Config, contact: Contact | None, phone: str | None,
                        allowed: bool, key: str, reason: str) -> None:
    verdict = who.may_report(config, contact, phone)
    assert (verdict.allowed, verdict.key) == (allowed, key)
    assert reason in verdict.reason
    assert verdict.values == ({} if allowed or config.fallback_phone is None
                              else {"fallback": FALLBACK})


def test_a_stranger_is_refused_alike_whatever_they_ask() -> None:
    """Report, ACK/STATUS/text, respond and add: one key, one fallback."""
    answers = [who.may_report(CONFIG, None, STRANGER_PHONE),
               who.may_command(CONFIG, None),
               who.may_respond(CONFIG, None, incident()),
               who.may_add(CONFIG, None, incident(), reported=False)]
    assert {(v.allowed, v.key, tuple(v.values.items())) for v in answers} == {
        (False, "unknown_sender", (("fallback", FALLBACK),))}


@pytest.mark.parametrize(("config", "contact", "pin"), [
    (ACCEPTING, None, True), (ACCEPTING, PRINCIPAL, False),
    (replace(ACCEPTING, pin=None), None, False), (CONFIG, None, False),
])
def test_who_keys_in_the_district_pin(config: Config, contact: Contact | None,
                                      pin: bool) -> None:
    assert who.needs_district_pin(config, contact) is pin


@pytest.mark.parametrize(("expected", "digits", "ok"), [
    ("4321", "4321", True), ("4321", "1234", False), ("4321", "", False),
    ("4321", None, False), (None, "4321", False), (None, None, False), ("", "", False),
    ("4321", "43210", False),
])
def test_pins_match_exactly(expected: str | None, digits: str | None, ok: bool) -> None:
    assert who.pin_matches(expected, digits) is ok


@pytest.mark.parametrize(("config", "digits", "ok"), [
    (ACCEPTING, "4321", True), (ACCEPTING, "1234", False), (ACCEPTING, None, False),
    (replace(ACCEPTING, pin=None), None, True),  # no district PIN: nothing to key in
])
def test_the_district_pin(config: Config, digits: str | None, ok: bool) -> None:
    assert who.district_pin_ok(config, digits) is ok


@pytest.mark.parametrize(("contact", "digits", "ok"), [
    (DEPUTY, "2468", True), (DEPUTY, "4321", False), (DEPUTY, "", False),
    (SUPT, "", False), (SUPT, "2468", False),  # no personal PIN: never proven by one
    (None, "2468", False),
])
def test_a_personal_pin(contact: Contact | None, digits: str, ok: bool) -> None:
    assert who.personal_pin_ok(contact, digits) is ok


@pytest.mark.parametrize(("contact", "unverified"), [(PRINCIPAL, False), (None, True)])
def test_a_report_from_outside_contacts_is_unverified(contact: Contact | None,
                                                      unverified: bool) -> None:
    assert who.is_unverified(contact) is unverified


# --- which school --------------------------------------------------------------------


@pytest.mark.parametrize(("contact", "named", "school", "reason"), [
    (PRINCIPAL, None, BURNS, "only school"),
    (PRINCIPAL, OAK, OAK, "named"),  # naming another school wins over the default
    (AREA_LEAD, None, None, "2 schools"),
    (AREA_LEAD, OAK, OAK, "named"),
    (TEACHER, None, None, "no school named"),
    (LOST, None, None, "not in the config"),  # a school id the config lost
    (None, None, None, "no school named"),
    (None, BURNS, BURNS, "named"),
])
def test_which_school_a_report_goes_to(contact: Contact | None, named: School | None,
                                       school: School | None, reason: str) -> None:
    choice = who.school_for_report(CONFIG, contact, named)
    assert choice.school == school
    assert choice.ask is (school is None)
    assert reason in choice.reason


@pytest.mark.parametrize(("config", "contact", "phone", "named", "ask"), [
    (CONFIG, AREA_LEAD, AREA_LEAD.phone, None, True),  # two schools: ask
    (CONFIG, AREA_LEAD, AREA_LEAD.phone, OAK, False),
    (CONFIG, PRINCIPAL, PRINCIPAL.phone, None, False),  # the only school
    (CONFIG, LOST, LOST.phone, None, True),
    (CONFIG, None, STRANGER_PHONE, None, False),  # refused first, never asked
    (ACCEPTING, None, STRANGER_PHONE, None, True),  # an accepted caller is asked
    (ACCEPTING, None, None, None, False),  # a Slack stranger: refused, not asked
])
def test_who_is_asked_the_school_before_reporting(
        config: Config, contact: Contact | None, phone: str | None, named: School | None,
        ask: bool) -> None:
    assert who.asks_school_first(config, contact, phone, named) is ask


# --- responding ----------------------------------------------------------------------


@pytest.mark.parametrize(("contact", "allowed", "key", "reason"), [
    (SUPT, True, "", "paged by #7's escalation"),
    (DEPUTY, True, "", "paged by"),  # a later step counts too
    (SLACK_ONLY, True, "", "paged by"),
    (ADMIN, True, "", "admin"),  # not in the plan, but an admin
    (TEACHER, False, "not_allowed", "not on #7's response team"),  # named, unreachable
    (PRINCIPAL, False, "not_allowed", "not on"),  # the reporter does not respond
    (None, False, "unknown_sender", "not in contacts"),
])
def test_who_may_respond(contact: Contact | None, allowed: bool, key: str,
                         reason: str) -> None:
    verdict = who.may_respond(CONFIG, contact, incident())
    assert (verdict.allowed, verdict.key) == (allowed, key)
    assert reason in verdict.reason
    if key == "not_allowed":
        assert verdict.values == {"n": 7}


@pytest.mark.parametrize("state", list(State))
def test_the_state_does_not_change_who_may_respond(state: State) -> None:
    assert [who.may_respond(CONFIG, c, incident(state)).allowed
            for c in (SUPT, ADMIN, TEACHER, PRINCIPAL)] == [True, True, False, False]


def test_the_plan_frozen_at_opening_decides_not_todays_escalation() -> None:
    moved = replace(CONFIG, escalations={"ice": Policy("ice", (Step(("teacher",), 60.0),))})
    assert who.may_respond(moved, SUPT, incident()).allowed
    assert not who.may_respond(moved, TEACHER, incident()).allowed


@pytest.mark.parametrize(("contact", "proof", "state", "ack", "how"), [
    *[(SUPT, p, State.TRIGGERED, True, Stop.NOW) for p in Proof if p is not Proof.CALLER_ID],
    (SUPT, Proof.CALLER_ID, State.TRIGGERED, True, Stop.CONFIRM_BY_CALL),
    (SUPT, Proof.CALLER_ID, State.ACKNOWLEDGED, False, Stop.CONFIRM_BY_CALL),  # resolve
    (SUPT, Proof.CALLER_ID, State.ACKNOWLEDGED, True, Stop.NOW),  # says who has it
    (SUPT, Proof.CALLER_ID, State.RESOLVED, True, Stop.NOW),
    (SLACK_ONLY, Proof.CALLER_ID, State.TRIGGERED, True, Stop.IMPOSSIBLE),
    (SLACK_ONLY, Proof.PROVIDER, State.TRIGGERED, True, Stop.NOW),
])
def test_whether_proof_stops_paging_or_a_call_back_confirms(
        contact: Contact, proof: Proof, state: State, ack: bool, how: Stop) -> None:
    decision = who.stop_paging(contact, proof, incident(state), acknowledge=ack)
    assert decision.how is how
    assert decision.key == {Stop.NOW: "", Stop.CONFIRM_BY_CALL: "confirm_call",
                            Stop.IMPOSSIBLE: "confirm_impossible"}[how]
    assert decision.reason


def test_only_caller_id_falls_short() -> None:
    assert [p for p in Proof if not p.may_stop_paging] == [Proof.CALLER_ID]
    assert who.stop_paging(SUPT, Proof.CALLER_ID).how is Stop.CONFIRM_BY_CALL  # no incident


@pytest.mark.parametrize(("previous", "now", "again"), [
    ((), T0, True),
    ((T0 - 121,), T0, True),
    ((T0 - 120,), T0, True),  # exactly the window: a new call
    ((T0 - 119,), T0, False),
    ((T0 - 500, T0 - 10), T0, False),  # any recent one holds it back
    ((T0 + 5,), T0, False),  # a clock that stepped back: still no second call
])
def test_a_confirmation_call_is_not_repeated_within_two_minutes(
        previous: tuple[float, ...], now: float, again: bool) -> None:
    assert who.call_back_again(previous, now) is again


@pytest.mark.parametrize(("contact", "proof", "asked"), [
    (DEPUTY, Proof.CALLER_ID, True),
    (DEPUTY, Proof.ATTESTED_CALL, False),
    (DEPUTY, Proof.PIN, False),
    (SUPT, Proof.CALLER_ID, False),  # no personal PIN: the call back confirms
    (None, Proof.CALLER_ID, False),
])
def test_who_is_asked_for_a_personal_pin(contact: Contact | None, proof: Proof,
                                         asked: bool) -> None:
    assert who.asks_personal_pin(contact, proof) is asked


@pytest.mark.parametrize(("config", "contact", "offered", "reason"), [
    (CONFIG, SUPT, True, "escalation 'ice'"),
    (CONFIG, DEPUTY, True, "escalation 'ice'"),
    (CONFIG, ADMIN, True, "admin"),
    (CONFIG, PRINCIPAL, False, "no escalation"),
    (CONFIG, TEACHER, False, "no escalation"),
    (CONFIG, None, False, "not in contacts"),
    (replace(CONFIG, escalations={"ice": Policy("ice", (Step(("principal",), 60.0),))}),
     PRINCIPAL, True, "escalation"),  # by role
])
def test_who_is_offered_press_0_on_the_phone_tree(config: Config, contact: Contact | None,
                                                  offered: bool, reason: str) -> None:
    verdict = who.offers_ack_digit(config, contact)
    assert verdict.allowed is offered
    assert reason in verdict.reason


@pytest.mark.parametrize(("contact", "taken"), [(SUPT, True), (PRINCIPAL, True),
                                                (None, False)])
def test_who_may_press_0(contact: Contact | None, taken: bool) -> None:
    assert who.takes_ack_digit(contact) is taken


@pytest.mark.parametrize(("contact", "all_open"), [(ADMIN, True), (SUPT, False),
                                                   (TEACHER, False)])
def test_who_picks_among_every_open_incident(contact: Contact, all_open: bool) -> None:
    assert who.sees_every_open_incident(CONFIG, contact) is all_open


@pytest.mark.parametrize(("contact", "allowed"), [(TEACHER, True), (PRINCIPAL, True),
                                                  (None, False)])
def test_commands_are_for_contacts(contact: Contact | None, allowed: bool) -> None:
    assert who.may_command(CONFIG, contact).allowed is allowed


# --- adding to an incident -----------------------------------------------------------


@pytest.mark.parametrize(("contact", "reported", "allowed", "key"), [
    (PRINCIPAL, True, True, ""),  # the opener
    (AREA_LEAD, True, True, ""),  # joined it
    (None, True, True, ""),  # an unverified caller's own recording
    (SUPT, False, True, ""),  # a responder
    (ADMIN, False, True, ""),
    (TEACHER, False, False, "not_allowed"),
    (None, False, False, "unknown_sender"),
])
def test_who_may_add_to_an_incident(contact: Contact | None, reported: bool, allowed: bool,
                                    key: str) -> None:
    verdict = who.may_add(CONFIG, contact, incident(), reported)
    assert (verdict.allowed, verdict.key) == (allowed, key)


@pytest.mark.parametrize(("contact", "phone", "reporter", "reporter_phone", "opener"), [
    (PRINCIPAL, PRINCIPAL.phone, PRINCIPAL, None, True),
    (AREA_LEAD, AREA_LEAD.phone, PRINCIPAL, None, False),
    (None, STRANGER_PHONE, None, STRANGER_PHONE, True),
    (None, "+18605550197", None, STRANGER_PHONE, False),
    (None, None, None, None, False),  # nothing identifies either: not the opener
    (TEACHER, STRANGER_PHONE, None, STRANGER_PHONE, False),  # a contact is matched by id
])
def test_who_opened_an_incident(contact: Contact | None, phone: str | None,
                                reporter: Contact | None, reporter_phone: str | None,
                                opener: bool) -> None:
    assert who.opened_it(contact, phone, incident(reporter=reporter,
                                                  phone=reporter_phone)) is opener


# --- the core stays pure -------------------------------------------------------------

# --- the console: who sees what (issue 11) ----------------------------------------------

ATTORNEY = Contact("attorney", "Sam Okafor", ("staff_attorney",), "+18605550102")
OAK_PRINCIPAL = Contact("principal-oak", "Eli Romero", ("principal",), "+18605550145",
                        schools=("oak",))
BURNS_TEACHER = Contact("teacher-burns", "Kai Dunn", ("teacher",), "+18605550151",
                        schools=("burns",))
SEEING = replace(CONFIG, see_all=("staff_attorney",), contacts={
    **CONFIG.contacts, **{c.id: c for c in (ATTORNEY, OAK_PRINCIPAL, BURNS_TEACHER)}})


@pytest.mark.parametrize(("config", "contact", "school", "sees"), [
    (SEEING, ADMIN, "burns", True),  # an admin sees every incident
    (SEEING, ADMIN, None, True),
    (SEEING, ATTORNEY, "oak", True),  # console.see_all names the role
    (CONFIG, ATTORNEY, "oak", False),  # … and without it, the attorney sees nothing
    (SEEING, SUPT, "oak", True),  # on the incident's escalation (the frozen plan)
    (SEEING, DEPUTY, None, True),  # a later step of it counts too
    (SEEING, SLACK_ONLY, "burns", True),
    (SEEING, PRINCIPAL, "burns", True),  # a principal: their own school's
    (SEEING, PRINCIPAL, "oak", False),  # … not another school's
    (SEEING, PRINCIPAL, None, False),  # … nor one whose school is not known yet
    (SEEING, AREA_LEAD, "oak", True),  # a principal of several schools: each of them
    (SEEING, OAK_PRINCIPAL, "burns", False),
    (SEEING, BURNS_TEACHER, "burns", False),  # a school but not a school role
    (replace(SEEING, school_roles=("teacher",)), BURNS_TEACHER, "burns", True),
    (replace(SEEING, school_roles=("teacher",)), PRINCIPAL, "burns", False),
    (SEEING, TEACHER, "burns", False),  # anyone else sees nothing
    (SEEING, None, "burns", False),  # not signed in as a contact
])
def test_who_sees_an_incident_in_the_console(config: Config, contact: Contact | None,
                                             school: str | None, sees: bool) -> None:
    seen = replace(incident(), school_id=school,
                   school_name=config.schools[school].name if school else None)
    verdict = who.may_view(config, contact, seen)
    assert verdict.allowed is sees, verdict.reason
    assert verdict.reason


@pytest.mark.parametrize(("contact", "all_"), [
    (ADMIN, True), (ATTORNEY, True), (SUPT, False), (PRINCIPAL, False), (TEACHER, False)])
def test_who_sees_every_incident(contact: Contact, all_: bool) -> None:
    assert who.sees_all(SEEING, contact) is all_


@pytest.mark.parametrize(("contact", "state", "allowed"), [
    (SUPT, State.TRIGGERED, True), (DEPUTY, State.ACKNOWLEDGED, True),
    (ADMIN, State.RESOLVED, True),  # after resolution: the after-action record
    (PRINCIPAL, State.TRIGGERED, False),  # sees it (own school), is not a responder
    (ATTORNEY, State.TRIGGERED, False), (None, State.TRIGGERED, False)])
def test_who_may_add_a_note(contact: Contact | None, state: State, allowed: bool) -> None:
    verdict = who.may_note(SEEING, contact, incident(state))
    assert verdict.allowed is allowed, verdict.reason


CORE = sorted(Path(alertbot.core.__file__).parent.glob("*.py"))


@pytest.mark.parametrize("path", CORE, ids=[p.name for p in CORE])
def test_core_imports_nothing_impure_and_reads_no_clock(path: Path) -> None:
    tree = parse(path)
    bad = [f"{path.name}:{line}: imports {module}" for line, module in imported_modules(tree)
           if module.split(".")[0] in FORBIDDEN or module.split(".")[0] == "datetime"
           or (module.startswith("alertbot.")
               and not module.startswith("alertbot.core"))]
    bad += [f"{path.name}:{n.lineno}: calls .{n.func.attr}()" for n in ast.walk(tree)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute)
            and n.func.attr in CLOCK_CALLS]
    assert bad == []


# --- calls (issue 13) ------------------------------------------------------------------


def test_reporter_phone_is_the_contacts_number_else_the_reporting_number() -> None:
    assert who.reporter_phone(CONFIG, incident()) == PRINCIPAL.phone
    slack = replace(incident(reporter=SLACK_ONLY), reporter_phone=None)
    assert who.reporter_phone(CONFIG, slack) is None  # a Slack reporter with no phone
    assert who.reporter_phone(CONFIG, incident(reporter=None, phone=STRANGER_PHONE)) == \
        STRANGER_PHONE


@pytest.mark.parametrize(("acked", "joined", "requester", "expected"), [
    ("superintendent", [], DEPUTY, ["superintendent", "deputy"]),
    ("superintendent", ["deputy", "superintendent"], SUPT, ["superintendent", "deputy"]),
    ("superintendent", ["slacker"], ADMIN, ["superintendent", "admin"]),  # no phone: left out
    (None, [], DEPUTY, ["deputy"]),
    ("gone", ["nobody"], SUPT, ["superintendent"]),  # ids no longer in contacts
])
def test_bridge_calls_the_acknowledger_those_who_joined_and_the_requester(
        acked: str | None, joined: list[str], requester: Contact,
        expected: list[str]) -> None:
    taken = replace(incident(State.ACKNOWLEDGED), acknowledged_by=acked)
    assert [c.id for c in who.bridge_callees(CONFIG, taken, joined, requester)] == expected


@pytest.mark.parametrize(("contact", "proof", "how"), [
    (SUPT, Proof.ATTESTED_CALL, Stop.NOW),
    (DEPUTY, Proof.PIN, Stop.NOW),
    (SUPT, Proof.PROVIDER, Stop.NOW),
    (SUPT, Proof.CALLER_ID, Stop.CONFIRM_BY_CALL),  # called back into the call
    (SLACK_ONLY, Proof.CALLER_ID, Stop.IMPOSSIBLE),
])
def test_joining_a_team_call_needs_the_acknowledgement_proof(
        contact: Contact, proof: Proof, how: Stop) -> None:
    assert who.joins_call(contact, proof).how is how


# --- documents (issue 12) -----------------------------------------------------------------


@pytest.mark.parametrize(("contact", "reported", "allowed"), [
    (PRINCIPAL, True, True),   # the reporter's photo of the warrant
    (None, True, True),        # an unverified reporter who reported into it
    (SUPT, False, True),       # a responder its plan pages
    (ADMIN, False, True),      # an admin
    (TEACHER, False, False),   # a contact off its team
    (None, False, False),      # a stranger
])
def test_who_may_attach_a_document(contact: Contact | None, reported: bool,
                                   allowed: bool) -> None:
    verdict = who.may_attach(CONFIG, contact, incident(), reported)
    assert verdict.allowed is allowed, verdict.reason
    if not allowed:
        assert verdict.key in ("not_allowed", "unknown_sender")


def test_a_document_goes_to_the_senders_report_before_what_they_respond_to() -> None:
    mine = replace(incident(), id=3)
    paging = [replace(incident(), id=5), replace(incident(), id=4)]
    assert [i.id for i in who.attach_candidates([mine], paging)] == [3]
    assert [i.id for i in who.attach_candidates([], paging)] == [4, 5]
    assert [i.id for i in who.attach_candidates([], [paging[0], paging[0]])] == [5]
    assert who.attach_candidates([], []) == []


# --- readiness and availability from the console (issue 14) -----------------------------


@pytest.mark.parametrize(("contact", "allowed"), [
    (ADMIN, True),      # runs the response: sees who cannot be reached
    (TEACHER, False),   # names and phone states of others are not theirs to read
    (PRINCIPAL, False),
])
def test_who_may_read_readiness(contact: Contact, allowed: bool) -> None:
    assert who.may_see_readiness(CONFIG, contact).allowed is allowed


@pytest.mark.parametrize(("actor", "target", "allowed", "key"), [
    (DEPUTY, DEPUTY, True, ""),    # themselves, as by texting AWAY
    (ADMIN, DEPUTY, True, ""),     # an admin, for someone on leave who cannot text
    (TEACHER, DEPUTY, False, ""),  # anyone else
    (SUPT, DEPUTY, False, ""),
    # a reporter-only principal: AWAY would change nothing, so it is refused with a
    # reply that says so, for themselves and from an admin alike (trial 2, item 3)
    (PRINCIPAL, PRINCIPAL, False, "away_not_paged"),
    (ADMIN, PRINCIPAL, False, "away_not_paged"),
    (TEACHER, PRINCIPAL, False, ""),  # not theirs to set: not told whether she is paged
])
def test_who_may_set_someone_away(actor: Contact, target: Contact, allowed: bool,
                                  key: str) -> None:
    verdict = who.may_set_away(CONFIG, actor, target)
    assert (verdict.allowed, verdict.key) == (allowed, key)


BACKED = replace(DEPUTY, backup="teacher")  # the teacher stands in for the deputy
WITH_BACKUP = replace(CONFIG, contacts={**CONFIG.contacts, "deputy": BACKED})


@pytest.mark.parametrize(("config", "contact", "allowed"), [
    (CONFIG, SUPT, True),          # a step names their role
    (CONFIG, DEPUTY, True),
    (CONFIG, SLACK_ONLY, False),   # role deputy, but the step names the contact "deputy"
    (CONFIG, PRINCIPAL, False),    # reports, is never paged (trial 2: AWAY did "work")
    (CONFIG, ADMIN, False),        # an admin no step names is told of trouble, not paged
    (CONFIG, TEACHER, False),
    (WITH_BACKUP, TEACHER, True),  # a backup is paged in someone's place
])
def test_who_may_be_away(config: Config, contact: Contact, allowed: bool) -> None:
    verdict = who.may_be_away(config, contact)
    assert verdict.allowed is allowed
    assert verdict.key == ("" if allowed else "away_not_paged")
# --- the console's own actions (issue 11) ----------------------------------------------


@pytest.mark.parametrize(("contact", "state", "allowed", "key"), [
    (SUPT, State.TRIGGERED, True, ""),  # on the incident's plan
    (DEPUTY, State.ACKNOWLEDGED, True, ""),  # a later step's responder, once acknowledged
    (ADMIN, State.TRIGGERED, True, ""),
    (PRINCIPAL, State.TRIGGERED, False, "not_allowed"),  # the reporter is not the team
    (TEACHER, State.TRIGGERED, False, "not_allowed"),
    (None, State.TRIGGERED, False, "unknown_sender"),
    (SUPT, State.RESOLVED, False, "console_closed"),  # nobody is paged for a closed one
    (ADMIN, State.RESOLVED, False, "console_closed"),
])
def test_who_may_page_now_from_the_console(contact: Contact | None, state: State,
                                           allowed: bool, key: str) -> None:
    verdict = who.may_page_now(CONFIG, contact, incident(state))
    assert (verdict.allowed, verdict.key) == (allowed, key)


@pytest.mark.parametrize(("contact", "state", "allowed", "key"), [
    (SUPT, State.TRIGGERED, True, ""),
    (ADMIN, State.RESOLVED, True, ""),  # an all-clear after the end
    (DEPUTY, State.RESOLVED, True, ""),
    (PRINCIPAL, State.ACKNOWLEDGED, False, "not_allowed"),
    (AREA_LEAD, State.TRIGGERED, False, "not_allowed"),  # a principal of the school
    (None, State.TRIGGERED, False, "unknown_sender"),
])
def test_who_may_text_the_reporter_from_the_console(contact: Contact | None, state: State,
                                                    allowed: bool, key: str) -> None:
    verdict = who.may_message_reporter(CONFIG, contact, incident(state))
    assert (verdict.allowed, verdict.key) == (allowed, key)


# --- no existence oracle: a hidden incident answers as a missing one ------------------


@pytest.mark.parametrize(("contact", "exists", "reported", "known", "key"), [
    (SUPT, True, False, True, ""),  # on its plan
    (ADMIN, True, False, True, ""),
    (PRINCIPAL, True, False, True, ""),  # sees their own school's (then told not_allowed)
    (OAK_PRINCIPAL, True, False, False, "no_such"),  # another school's: as if missing
    (OAK_PRINCIPAL, False, False, False, "no_such"),  # … the very same answer
    (TEACHER, True, False, False, "no_such"),
    (TEACHER, True, True, True, ""),  # reported into it: knows it exists
    (TEACHER, False, False, False, "no_such"),
    (None, True, False, False, "unknown_sender"),  # a stranger: the stranger's refusal
    (None, False, False, False, "unknown_sender"),  # … whether it exists or not
    (None, True, True, True, ""),  # an unverified reporter of it
])
def test_who_may_know_an_incident_exists(contact: Contact | None, exists: bool,
                                         reported: bool, known: bool, key: str) -> None:
    verdict = who.may_know_of(SEEING, contact, 7, incident() if exists else None, reported)
    assert verdict.allowed is known, verdict.reason
    assert verdict.key == key and verdict.reason
    if key == "no_such":
        assert verdict.values == {"n": 7}


@pytest.mark.parametrize(("person", "allowed", "key"), [
    (SUPT, True, ""),  # on the plan: may open and answer
    (DEPUTY, True, ""),  # a later step's responder
    (ADMIN, True, ""),
    (PRINCIPAL, False, "console_cannot_answer"),  # sees the school's incident, answers nothing
    (AREA_LEAD, False, "console_cannot_answer"),
    (TEACHER, False, "console_cannot_see"),  # would get a link that 404s
])
def test_who_may_be_paged_from_the_console(person: Contact, allowed: bool, key: str) -> None:
    """A console page links to the incident and asks for an ACK (trial 3: a principal
    was paged "Reply ACK 3" and their ACK was refused)."""
    verdict = who.may_be_paged_now(CONFIG, person, incident(State.ACKNOWLEDGED))
    assert (verdict.allowed, verdict.key) == (allowed, key)
