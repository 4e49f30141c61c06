"""Issue 12's "who may" rules (core/who.py), table-tested: ticking off a procedure step,
writing the encounter log / warrant aid / records requests, counsel's sign-off, and who
is reminded of a records request's due times."""

from __future__ import annotations

from dataclasses import replace

import pytest

from alertbot.core import who
from alertbot.core.incident import Incident, State
from alertbot.core.model import Contact
from tests.unit.test_who import (
    ADMIN,
    AREA_LEAD,
    CONFIG,
    DEPUTY,
    PRINCIPAL,
    SUPT,
    TEACHER,
    incident,
)

ATTORNEY = Contact("attorney", "Sam Okafor", ("staff_attorney",), "+18605550102")
OAK_LEAD = Contact("oak-lead", "Eli Romero", ("principal",), "+18605550145", schools=("oak",))
WITH_COUNSEL = replace(CONFIG, contacts={**CONFIG.contacts, ATTORNEY.id: ATTORNEY,
                                         OAK_LEAD.id: OAK_LEAD})

# (who, the step's roles, reported into it) -> allowed, refusal key
STEP_TABLE: list[tuple[Contact | None, tuple[str, ...], bool, bool, str]] = [
    (ADMIN, ("staff_attorney",), False, True, ""),  # an admin may complete any step
    (SUPT, ("superintendent",), False, True, ""),  # role held, on the plan
    (DEPUTY, ("deputy",), False, True, ""),  # on the plan's second step
    (SUPT, ("staff_attorney",), False, False, "step_not_yours"),  # on the plan, wrong role
    (PRINCIPAL, ("principal",), True, True, ""),  # the reporter, with the role
    (PRINCIPAL, ("principal",), False, True, ""),  # leader of the incident's school
    (AREA_LEAD, ("principal",), False, True, ""),  # burns is one of their schools
    (OAK_LEAD, ("principal",), False, False, "not_allowed"),  # another school's leader
    (TEACHER, ("principal",), True, False, "step_not_yours"),  # reported, no role
    (TEACHER, ("teacher",), False, False, "not_allowed"),  # the role, not involved
    (TEACHER, ("teacher",), True, True, ""),  # the role, and reported into it
    (ATTORNEY, ("attorney",), False, False, "not_allowed"),  # named by id, not involved
    (SUPT, ("superintendent-id", "superintendent"), False, True, ""),
    (None, ("principal",), True, False, "unknown_sender"),  # a stranger
]


@pytest.mark.parametrize(("contact", "roles", "reported", "allowed", "key"), STEP_TABLE)
def test_who_may_complete_a_step(contact: Contact | None, roles: tuple[str, ...],
                                 reported: bool, allowed: bool, key: str) -> None:
    verdict = who.may_complete_step(WITH_COUNSEL, contact, incident(), roles, reported)
    assert (verdict.allowed, verdict.key) == (allowed, key)
    assert verdict.reason


def test_a_step_named_by_contact_id_admits_that_contact_when_involved() -> None:
    verdict = who.may_complete_step(WITH_COUNSEL, SUPT, incident(), ("superintendent",),
                                    False)
    assert verdict.allowed
    by_id = who.may_complete_step(WITH_COUNSEL, DEPUTY, incident(), ("deputy",), False)
    assert by_id.allowed


LOG_TABLE: list[tuple[Contact | None, bool, bool]] = [
    (ADMIN, False, True), (SUPT, False, True), (DEPUTY, False, True),
    (PRINCIPAL, False, True), (AREA_LEAD, False, True), (OAK_LEAD, False, False),
    (TEACHER, False, False), (TEACHER, True, True), (ATTORNEY, False, False),
    (None, True, False),
]


@pytest.mark.parametrize(("contact", "reported", "allowed"), LOG_TABLE)
def test_who_may_write_the_log_and_records(contact: Contact | None, reported: bool,
                                           allowed: bool) -> None:
    assert who.may_log(WITH_COUNSEL, contact, incident(), reported).allowed is allowed


@pytest.mark.parametrize(("contact", "allowed"), [
    (ATTORNEY, True), (ADMIN, True), (SUPT, False), (PRINCIPAL, False), (None, False)])
def test_only_counsel_or_an_admin_signs_off(contact: Contact | None, allowed: bool) -> None:
    verdict = who.may_sign_off_for_counsel(WITH_COUNSEL, contact)
    assert verdict.allowed is allowed
    if contact is not None and not allowed:
        assert verdict.key == "counsel_only"


def test_reminders_go_to_the_acknowledger_and_counsel_else_the_admins() -> None:
    acked = replace(incident(), state=State.ACKNOWLEDGED, acknowledged_by="superintendent",
                    acknowledged_by_name=SUPT.name)
    assert [c.id for c in who.reminded_about_records(WITH_COUNSEL, acked)] == [
        "superintendent", "attorney"]
    # counsel acknowledged: reminded once
    by_counsel = replace(acked, acknowledged_by="attorney")
    assert [c.id for c in who.reminded_about_records(WITH_COUNSEL, by_counsel)] == [
        "attorney"]
    # no acknowledger and no counsel in contacts: the admins
    assert [c.id for c in who.reminded_about_records(CONFIG, incident())] == ["admin"]


def _acked(by: Contact) -> Incident:
    return replace(incident(), state=State.ACKNOWLEDGED, acknowledged_by=by.id,
                   acknowledged_by_name=by.name)


# (the step's roles, who acknowledged, a drill) -> who is texted that the step is overdue
STEP_REMINDER_TABLE: list[tuple[tuple[str, ...], Contact | None, bool, list[str]]] = [
    # the step's role holders on the plan (superintendent; deputy, and the Slack-only
    # deputy the role "deputy" names)
    (("superintendent", "deputy"), None, False, ["superintendent", "deputy", "slacker"]),
    # the acknowledger first when they hold a role
    (("superintendent", "deputy"), DEPUTY, False, ["deputy", "superintendent", "slacker"]),
    # the school's leaders hold "principal" (burns: the principal and the area lead);
    # the oak leader, the teacher and the admin do not count
    (("principal",), None, False, ["principal-burns", "area-lead"]),
    # ... but a drill reminds only the people its plan names
    (("principal",), None, True, ["admin"]),
    (("principal",), SUPT, True, ["superintendent"]),
    # nobody with the role is on it (the attorney is in contacts, not on the plan):
    # the acknowledger, who runs the response; else the admins
    (("staff_attorney",), SUPT, False, ["superintendent"]),
    (("staff_attorney",), None, False, ["admin"]),
    # a role an admin holds does not make the admin responsible for every step
    (("admin",), None, False, ["admin"]),
]


@pytest.mark.parametrize(("roles", "acked_by", "drill", "expected"), STEP_REMINDER_TABLE)
def test_who_is_reminded_of_an_overdue_step(roles: tuple[str, ...], acked_by: Contact | None,
                                           drill: bool, expected: list[str]) -> None:
    inc = incident() if acked_by is None else _acked(acked_by)
    people = who.reminded_about_step(WITH_COUNSEL, replace(inc, drill=drill), roles)
    assert [c.id for c in people] == expected
