"""A reporter's school-less incident gets the school their next report names (new-user
trial 2, item 1): ``ICE`` (no school: #1 opens, pages and asks which school), then
``ICE <school>`` is the answer to that question, on any channel (SMS, Slack's /ice, the
phone tree all send the receiver an ``Open``). If the school already has an open
incident, #1 is merged into it: one incident, paging once, the timeline says why.
Before the fix the second report joined or opened the school's incident while #1 kept
paging."""

from __future__ import annotations

from tests.scenario.harness import (
    AREA_LEAD,
    ATTORNEY,
    DEPUTY,
    PRINCIPAL,
    SUPERINTENDENT,
    Harness,
)
from tests.scenario.slack_harness import AREA_LEAD_U, SlackPlayer
from tests.scenario.test_issue9_notices import entries


async def test_a_report_naming_the_school_merges_the_pending_one_into_the_schools(
        h: Harness) -> None:
    reply = await h.text(AREA_LEAD, "ICE agents in the parking lot")
    assert "#1 opened" in reply and "Which school" in reply
    await h.received("ALERT #1: Enforcement visit at school not named", SUPERINTENDENT,
                     ATTORNEY)
    await h.text(PRINCIPAL, "ICE 2 agents front desk")
    await h.received("ALERT #2: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    reply = await h.text(AREA_LEAD, "ICE 1201 they are at the gym now")
    assert "#1 is the same as #2 at Burns Academy" in reply
    one, two = await h.incident(1), await h.incident(2)
    assert one["state"] == "resolved" and two["state"] == "triggered"
    assert [e["text"] for e in entries(one, "merged")] == [
        "merged into #2: the same school (Burns Academy); paging stopped (0 queued page(s) "
        "cancelled)"]
    assert entries(two, "merged")
    updates = [e["text"] for e in entries(two, "update")]
    assert any("parking lot" in t for t in updates) and any("gym" in t for t in updates)
    assert len(await h.incidents()) == 2
    await h.received("#1 was the same as #2 at Burns Academy: paging for #1 stopped",
                     SUPERINTENDENT, ATTORNEY)
    # #1 pages nobody any more; #2 goes on (paging once)
    await h.advance(minutes=3)
    await h.received("ALERT #2: Enforcement visit at Burns Academy", DEPUTY)
    await h.advance(minutes=10)
    later = [r.body or "" for n in (SUPERINTENDENT, ATTORNEY, DEPUTY) for r in h.fake.sms_to(n)]
    assert not [b for b in later if "ALERT #1" in b and "page" in b.split(":")[0]]
    h.ignore("sms", contains="ALERT #2")  # its repeats
    h.ignore("sms", contains="#2: still paging")


async def test_a_report_naming_the_school_later_gives_the_pending_one_its_school(
        h: Harness) -> None:
    reply = await h.text(AREA_LEAD, "ICE agents at the door")
    assert "Which school" in reply
    await h.received("ALERT #1: Enforcement visit at school not named", SUPERINTENDENT,
                     ATTORNEY)
    await h.text(SUPERINTENDENT, "ACK 1")
    h.ignore("sms", contains="#1 reported by")
    h.ignore("sms", contains="#1 acknowledged by")
    h.ignore("sms", contains="is on it")
    await h.advance(minutes=20)  # past the sender window: no matter, it is theirs
    reply = await h.text(AREA_LEAD, "ICE 3101 still here")
    assert "#2" not in reply and "#1" in reply
    [incident] = await h.incidents()
    assert incident["school"] == "elm" and incident["state"] == "acknowledged"
    await h.received("#1 update: Enforcement visit at Elm Elementary.", SUPERINTENDENT,
                     ATTORNEY)


async def test_slash_ice_naming_the_school_merges_the_pending_text_report(
        s: SlackPlayer) -> None:
    reply = await s.h.text(AREA_LEAD, "ICE agents in the parking lot")
    assert "Which school" in reply
    assert "#2 opened" in await s.h.text(PRINCIPAL, "ICE")  # Burns' principal: #2
    status, answer = await s.command(AREA_LEAD_U, "burns two agents at the gym")
    assert status == 200, answer
    assert "#1 is the same as #2 at Burns Academy" in answer["text"], answer
    one, two = await s.h.incident(1), await s.h.incident(2)
    assert one["state"] == "resolved" and two["state"] == "triggered"
    assert entries(one, "merged") and entries(two, "merged")
    s.h.ignore("sms")  # pages and notices: the SMS test above checks them
    s.slack.ignore()
