"""Issue 9 on the Slack path: one sender cannot page-storm (kind 7); a reporter joining
an acknowledged incident hears who has it and when it is resolved (kind 11)."""

from __future__ import annotations

from tests.scenario.harness import ADMIN, AREA_LEAD, PRINCIPAL, SUPERINTENDENT
from tests.scenario.slack_harness import TEACHER_U, SlackPlayer

AREA_LEAD_U = "U0AREA147"



async def test_slash_commands_past_the_sender_cap_open_schools_and_admins_hear(
        s: SlackPlayer) -> None:
    for school in ("burns", "oak", "elm"):
        status, _reply = await s.command(TEACHER_U, f"{school} agents")
        assert status == 200
    assert len(await s.h.incidents()) == 3
    await s.h.text(SUPERINTENDENT, "RESOLVE 1")
    status, reply = await s.command(TEACHER_U, "burns agents are back")
    assert status == 200
    assert "#4" in reply["text"]  # a school with no open incident opens, past the cap too
    await s.h.fake.expect_sms(ADMIN, contains="Pat Kim has opened 4 incidents")
    status, reply = await s.command(TEACHER_U, "oak a second car")
    assert "#2" in reply["text"] and len(await s.h.incidents()) == 4  # joins Oak's
    # Everyone else alertbot told something in this story:


async def test_a_slack_reporter_joining_an_acknowledged_incident_hears_who_has_it(
        s: SlackPlayer) -> None:
    await s.h.text(PRINCIPAL, "ICE")
    await s.h.text(SUPERINTENDENT, "ACK 1")
    status, reply = await s.command(AREA_LEAD_U, "burns a second car arrived")
    assert status == 200
    assert "Dr. Jordan Rivera is responding" in reply["text"]
    assert "being paged now" not in reply["text"]
    await s.h.text(SUPERINTENDENT, "RESOLVE 1")
    await s.h.fake.expect_sms(AREA_LEAD, contains="#1 resolved by Dr. Jordan Rivera")
    # Everyone else alertbot told something in this story:


async def test_slack_dm_pages_say_when_they_are_a_repeat(s: SlackPlayer) -> None:
    await s.h.text(PRINCIPAL, "ICE")
    await s.settle()
    first = await s.slack.expect("chat.postMessage", contains="ACK 1", channel="D0SUPT001")
    assert "page)" not in first.text
    await s.h.advance(minutes=3)
    await s.h.advance(minutes=5)
    await s.settle()
    await s.slack.expect("chat.postMessage", contains="(2nd page)", channel="D0SUPT001")
    # Everyone else alertbot told something in this story:
