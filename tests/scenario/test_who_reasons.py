"""The timeline says why a report went to its school (core/who.py's reason)."""

from __future__ import annotations

from tests.scenario.harness import (
    AREA_LEAD,
    ATTORNEY,
    PRINCIPAL,
    SUPERINTENDENT,
    TEACHER,
    Harness,
)


async def routed(h: Harness, number: int) -> str:
    [entry] = [e["text"] for e in (await h.incident(number))["timeline"]
               if e["kind"] == "routed"]
    return str(entry)


async def test_the_routed_entry_says_why_this_school(h: Harness) -> None:
    await h.text(PRINCIPAL, "ICE agents at the door")
    await h.text(AREA_LEAD, "ICE elm agents at the gym")
    await h.text(TEACHER, "ICE agents outside")
    assert await routed(h, 1) == ("routed to escalation 'ice_default' "
                                  "(school burns: principal-burns's only school)")
    assert await routed(h, 2) == ("routed to escalation 'ice_default' "
                                  "(school elm named in the report)")
    assert await routed(h, 3) == "routed to escalation 'ice_default' (no school named)"
    for n in (1, 2, 3):
        await h.received(f"ALERT #{n}:", SUPERINTENDENT, ATTORNEY)
