"""Issue 9 on the Slack path: one sender cannot page-storm (kind 7); a reporter joining
an acknowledged incident hears who has it and when it is resolved (kind 11)."""

from __future__ import annotations

from tests.scenario.harness import (
    ADMIN,
    AREA_LEAD,
    ATTORNEY,
    DEPUTY,
    PRINCIPAL,
    SUPERINTENDENT,
    TEACHER,
)
from tests.scenario.slack_harness import CHANNEL, TEACHER_U, SlackPlayer

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
    await s.h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await s.h.received("ALERTA #1: Enforcement visit at Burns Academy", ATTORNEY)
    await s.h.received("ALERT #2: Enforcement visit at Oak Middle School", SUPERINTENDENT)
    await s.h.received("ALERTA #2: Enforcement visit at Oak Middle School", ATTORNEY)
    await s.h.received("ALERT #3: Enforcement visit at Elm Elementary", SUPERINTENDENT)
    await s.h.received("ALERTA #3: Enforcement visit at Elm Elementary", ATTORNEY)
    await s.h.received("#1 resolved by Dr. Jordan Rivera.", TEACHER)
    await s.h.received("#1 cerrado por Dr. Jordan Rivera.", ATTORNEY)
    await s.h.received("ALERT #4: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await s.h.received("ALERTA #4: Enforcement visit at Burns Academy", ATTORNEY)
    await s.received("#1 Enforcement visit at Burns Academy (triggered)", CHANNEL)
    await s.received("ALERT #1: Enforcement visit at Burns Academy", "D0SUPT001")
    await s.received("ALERTA #1: Enforcement visit at Burns Academy", "D0ATTY002")
    await s.received("#2 Enforcement visit at Oak Middle School", CHANNEL)
    await s.received("ALERT #2: Enforcement visit at Oak Middle School", "D0SUPT001")
    await s.received("ALERTA #2: Enforcement visit at Oak Middle School", "D0ATTY002")
    await s.received("#3 Enforcement visit at Elm Elementary (triggered)", CHANNEL)
    await s.received("ALERT #3: Enforcement visit at Elm Elementary", "D0SUPT001")
    await s.received("ALERTA #3: Enforcement visit at Elm Elementary", "D0ATTY002")
    await s.received("#4 Enforcement visit at Burns Academy (triggered)", CHANNEL)
    await s.received("ALERT #4: Enforcement visit at Burns Academy", "D0SUPT001")
    await s.received("ALERTA #4: Enforcement visit at Burns Academy", "D0ATTY002")


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
    await s.h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await s.h.received("ALERTA #1: Enforcement visit at Burns Academy", ATTORNEY)
    await s.h.received("#1 was reported by Ana Perez with no details yet", SUPERINTENDENT)
    await s.h.received("#1: Dr. Jordan Rivera is on it and is responding.", PRINCIPAL)
    await s.h.received("#1 atendido por Dr. Jordan Rivera", ATTORNEY)
    await s.h.received("#1 resolved by Dr. Jordan Rivera.", PRINCIPAL)
    await s.h.received("#1 cerrado por Dr. Jordan Rivera.", ATTORNEY)
    await s.received("#1 Enforcement visit at Burns Academy (triggered)", CHANNEL)
    await s.received("ALERT #1: Enforcement visit at Burns Academy", "D0SUPT001")
    await s.received("ALERTA #1: Enforcement visit at Burns Academy", "D0ATTY002")


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
    await s.h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await s.h.received("ALERTA #1: Enforcement visit at Burns Academy", ATTORNEY)
    await s.h.received("#1: still paging", PRINCIPAL)
    await s.h.received("ALERT #1: Enforcement visit at Burns Academy", DEPUTY)
    await s.h.received("#1: still paging", PRINCIPAL)
    await s.h.received("ALERT #1: Enforcement visit at Burns Academy (2nd", SUPERINTENDENT)
    await s.h.received("ALERTA #1: Enforcement visit at Burns Academy", ATTORNEY)
    await s.received("#1 Enforcement visit at Burns Academy (triggered)", CHANNEL)
    await s.received("ALERTA #1: Enforcement visit at Burns Academy", "D0ATTY002", "D0ATTY002")
