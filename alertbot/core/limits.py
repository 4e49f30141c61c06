"""How many incidents one sender may open (decision 0013): the page-storm limits. Pure.

Part of the "who may" rules (``core/who.py`` re-exports them): may this sender open
another incident, or does their report join one already open? The receiver gathers the
facts (the sender's open incidents, how many they opened lately) and applies the answer.
Time is the parameter ``now`` (epoch seconds); nothing here reads the clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from alertbot.core.incident import Incident
from alertbot.core.model import Contact, School

# One sender cannot page-storm the team (decision 0013): within SENDER_WINDOW seconds a
# sender's further reports join their open incident; past SENDER_CAP new ones a report
# naming no school joins their newest. Numbers not in contacts are one crowd: past
# UNVERIFIED_CAP open school-less reports from them, a further one joins the newest.
SENDER_WINDOW = 15 * 60.0
SENDER_CAP = 3
UNVERIFIED_CAP = 3


class Gate(StrEnum):
    OPEN = "open"  # open as usual (or join the named school's open incident)
    JOIN = "join"  # join ``target``: the sender's own recent report of it
    OPEN_TELL = "open_tell"  # over the cap, but a genuine report: open; admins told
    LIMIT = "limit"  # over the cap, nothing named: join ``target``, their newest; admins told
    CROWD = "crowd"  # too many school-less unverified reports: join ``target``; admins told
    # The report names a school and the sender's own open ``target`` still has none: the
    # school is theirs to name, as when they answer "which school?" (it merges into the
    # school's open incident if there is one). New-user trial 2: it opened a second one.
    NAME_SCHOOL = "name_school"


@dataclass(frozen=True)
class GateDecision:
    gate: Gate
    reason: str
    target: Incident | None = None


def sender_gate(mine: Sequence[Incident], school: School | None, school_open: bool,
                opened: int, now: float) -> GateDecision:
    """May this sender open another incident? ``mine``: their open incidents of the
    type, oldest first; ``school_open``: the named school has one open already;
    ``opened``: how many they opened in the last ``SENDER_WINDOW`` seconds.

    A report naming a school while the sender has an open incident of the type with no
    school yet names that incident's school (``NAME_SCHOOL``, the newest such), at any
    age: it is the answer to the question the receipt asked, sent as a new report."""
    minutes = int(SENDER_WINDOW // 60)
    pending = [i for i in mine if i.school_id is None]
    if school is not None and pending:
        return GateDecision(Gate.NAME_SCHOOL, f"the sender's #{pending[-1].id} has no "
                                              f"school yet: this report names {school.id}",
                            pending[-1])
    if school is not None and school_open:
        return GateDecision(Gate.OPEN, f"school {school.id} has an open incident to join")
    same = [i for i in mine if i.created_at >= now - SENDER_WINDOW
            and (school is None or i.school_id in (None, school.id))]
    if same:
        return GateDecision(Gate.JOIN, f"the sender reported #{same[-1].id} within "
                                       f"{minutes} min", same[-1])
    if opened < SENDER_CAP:
        return GateDecision(Gate.OPEN, f"{opened} opened by the sender in {minutes} min")
    if school is not None or not mine:
        return GateDecision(Gate.OPEN_TELL, f"{opened} opened by the sender in {minutes} "
                                            "min, but this one names a school or has "
                                            "nothing of theirs open to join")
    return GateDecision(Gate.LIMIT, f"sender limit: {opened} new incidents in {minutes} min",
                        mine[-1])


def crowd_gate(contact: Contact | None, school: School | None,
               crowd: Sequence[Incident]) -> GateDecision:
    """A school-less report from a number not in contacts, given ``crowd``: the open
    school-less unverified incidents of the type opened in the window, oldest first."""
    if contact is not None or school is not None or len(crowd) < UNVERIFIED_CAP:
        return GateDecision(Gate.OPEN, "not a school-less unverified report over the cap")
    return GateDecision(Gate.CROWD, f"limit: {len(crowd)} open reports without a school "
                                    "from numbers not in contacts in "
                                    f"{int(SENDER_WINDOW // 60)} min", crowd[-1])
