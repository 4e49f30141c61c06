"""How many incidents one sender may open (alertbot/core/limits.py), table by table."""

from __future__ import annotations

from dataclasses import replace

import pytest

from alertbot.core import limits
from alertbot.core.incident import Incident
from alertbot.core.limits import Gate
from alertbot.core.model import Contact, School
from tests.unit.test_who import BURNS, OAK, PRINCIPAL, T0, incident

MINE_OLD = replace(incident(), id=1, created_at=T0 - 20 * 60, school_id="burns")
MINE_NEW = replace(incident(), id=2, created_at=T0 - 60, school_id=None, school_name=None)
MINE_OAK = replace(incident(), id=3, created_at=T0 - 60, school_id="oak")


@pytest.mark.parametrize(("mine", "school", "school_open", "opened", "gate", "target"), [
    ((), None, False, 0, Gate.OPEN, None),
    ((), BURNS, True, 9, Gate.OPEN, None),  # joins the school's open one instead
    ((MINE_NEW,), None, False, 1, Gate.JOIN, 2),  # their recent report
    # names the school their school-less report lacks: as answering "which school?"
    # (new-user trial 2: with the school's incident open it joined that, #2 kept paging)
    ((MINE_NEW,), BURNS, False, 1, Gate.NAME_SCHOOL, 2),
    ((MINE_NEW,), BURNS, True, 1, Gate.NAME_SCHOOL, 2),  # merged into the school's
    ((MINE_OAK, MINE_NEW), BURNS, True, 9, Gate.NAME_SCHOOL, 2),  # even over the cap
    ((replace(MINE_NEW, created_at=T0 - 3600),), BURNS, False, 0, Gate.NAME_SCHOOL, 2),
    ((MINE_OAK,), BURNS, False, 1, Gate.OPEN, None),  # another school: its own
    ((MINE_OAK,), OAK, False, 1, Gate.JOIN, 3),
    ((MINE_OLD,), None, False, 2, Gate.OPEN, None),  # outside the window
    ((MINE_OLD,), None, False, 3, Gate.LIMIT, 1),  # over the cap: their newest
    ((MINE_OLD, MINE_OAK), BURNS, False, 5, Gate.OPEN_TELL, None),  # named: opens
    ((), None, False, 3, Gate.OPEN_TELL, None),  # nothing of theirs open to join
])
def test_how_many_incidents_one_sender_may_open(
        mine: tuple[Incident, ...], school: School | None, school_open: bool, opened: int,
        gate: Gate, target: int | None) -> None:
    decision = limits.sender_gate(mine, school, school_open, opened, T0)
    assert decision.gate is gate
    assert (decision.target.id if decision.target else None) == target
    assert decision.reason


def test_the_window_edge_still_joins() -> None:
    edge = replace(MINE_NEW, created_at=T0 - limits.SENDER_WINDOW)
    assert limits.sender_gate((edge,), None, False, 1, T0).gate is Gate.JOIN
    past = replace(MINE_NEW, created_at=T0 - limits.SENDER_WINDOW - 1)
    assert limits.sender_gate((past,), None, False, 1, T0).gate is Gate.OPEN


CROWD = tuple(replace(incident(reporter=None, phone=f"+1860555018{n}"), id=n, school_id=None)
              for n in range(1, 4))


@pytest.mark.parametrize(("contact", "school", "crowd", "gate", "target"), [
    (None, None, CROWD[:2], Gate.OPEN, None),
    (None, None, CROWD, Gate.CROWD, 3),  # joins the newest
    (None, BURNS, CROWD, Gate.OPEN, None),  # a named school opens its own
    (PRINCIPAL, None, CROWD, Gate.OPEN, None),  # contacts are not the crowd
])
def test_numbers_not_in_contacts_are_one_crowd(
        contact: Contact | None, school: School | None, crowd: tuple[Incident, ...],
        gate: Gate, target: int | None) -> None:
    decision = limits.crowd_gate(contact, school, crowd)
    assert decision.gate is gate
    assert (decision.target.id if decision.target else None) == target
