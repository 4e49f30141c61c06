"""A paged responder who answers in their own words ("Acknowledged", "On it") is told
plainly that nothing was acknowledged and how to do it; only an explicit ACK counts.
The acknowledger's first-report notice keeps its console link however long the report.
The reporter's "still paging" notice reads right for one name or several. SMS and Slack
DMs (the same receiver) against the fake servers."""

from __future__ import annotations

import pytest

from tests.scenario.harness import (
    ADMIN,
    AREA_LEAD,
    ATTORNEY,
    DEPUTY,
    PRINCIPAL,
    SUPERINTENDENT,
    TEACHER,
    Harness,
)
from tests.scenario.slack_harness import ATTORNEY_U, CHANNEL, PRINCIPAL_U, SlackPlayer

NATURAL = ["Acknowledged", "Acked", "Resolved", "On it", "ok coming", "ACK 6\ufe0f\u20e3"]


@pytest.mark.parametrize("word", NATURAL)
async def test_a_natural_reply_is_told_it_acknowledged_nothing_and_paging_goes_on(
        h: Harness, word: str) -> None:
    await h.text(PRINCIPAL, "ICE 2 agents at front desk")
    await h.fake.expect_sms(SUPERINTENDENT, contains="ACK 1")
    reply = await h.text(SUPERINTENDENT, word)
    assert "Not acknowledged: paging goes on. Reply ACK 1 to take #1." in reply
    assert "to report" not in reply  # not the reporters' help
    [incident] = await h.incidents()
    assert incident["state"] == "triggered"
    await h.advance(minutes=3)
    await h.fake.expect_sms(DEPUTY, contains="ACK 1")  # paging went on
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", ATTORNEY)
    await h.received("#1: still paging", PRINCIPAL)


async def test_a_natural_reply_with_several_incidents_paging_names_them_all(
        h: Harness) -> None:
    await h.text(PRINCIPAL, "ICE")
    await h.text(AREA_LEAD, "ICE 2302")
    await h.text(TEACHER, "ICE 3101")
    reply = await h.text(SUPERINTENDENT, "on my way")
    assert reply.startswith("Not acknowledged: paging goes on.")
    assert "#1, #2, #3" in reply and "ACK <number>" in reply
    assert all(i["state"] == "triggered" for i in await h.incidents())
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await h.received("ALERT #2: Enforcement visit at Oak Middle School", SUPERINTENDENT, ATTORNEY)
    await h.received("ALERT #3: Enforcement visit at Elm Elementary", SUPERINTENDENT, ATTORNEY)


async def test_an_admin_with_incidents_open_hears_nothing_was_acknowledged(
        h: Harness) -> None:
    await h.text(PRINCIPAL, "ICE")
    reply = await h.text(ADMIN, "got it")
    assert "Not acknowledged: paging goes on. Reply ACK 1 to take #1." in reply
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)


async def test_only_unacknowledged_incidents_are_named(h: Harness) -> None:
    await h.text(PRINCIPAL, "ICE")
    await h.text(AREA_LEAD, "ICE 2302")
    await h.text(SUPERINTENDENT, "ACK 1")
    reply = await h.text(SUPERINTENDENT, "Acknowledged")
    assert "Reply ACK 2 to take #2." in reply
    assert "#1" not in reply
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await h.received("ALERT #2: Enforcement visit at Oak Middle School", SUPERINTENDENT, ATTORNEY)
    await h.received("#1 was reported by Ana Perez with no details yet", SUPERINTENDENT)
    await h.received("#1: Dr. Jordan Rivera is on it and is responding.", PRINCIPAL)
    await h.received("#1 acknowledged by Dr. Jordan Rivera", ATTORNEY)


async def test_a_reporter_text_is_still_an_update_and_strangers_to_paging_get_help(
        h: Harness) -> None:
    await h.text(PRINCIPAL, "ICE")
    assert "Added to #1" in await h.text(PRINCIPAL, "on it")  # the reporter's update
    helped = await h.text(TEACHER, "on it")  # not paged, reported nothing
    assert "to report" in helped and "Not acknowledged" not in helped
    await h.text(SUPERINTENDENT, "ACK 1")
    after = await h.text(SUPERINTENDENT, "Acknowledged")  # nothing left unacknowledged
    assert "Not acknowledged" not in after
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await h.received("#1 reported by Ana Perez. The report's words are in the console: "
                     "https://alerts.example.test/incidents/1", SUPERINTENDENT)
    await h.received("#1: Dr. Jordan Rivera is on it and is responding.", PRINCIPAL)
    await h.received("#1 acknowledged by Dr. Jordan Rivera", ATTORNEY)


async def test_a_natural_reply_by_slack_dm_is_told_in_spanish(s: SlackPlayer) -> None:
    status, _ = await s.command(PRINCIPAL_U, "burns 2 agents")
    assert status == 200
    await s.message(ATTORNEY_U, "Recibido, voy", "D0ATTY002", channel_type="im")
    told = await s.slack.expect("chat.postMessage", channel="D0ATTY002",
                                contains="No atendido")
    assert "Responda ACK 1" in told.text and "#1" in told.text
    [incident] = await s.h.incidents()
    assert incident["state"] == "triggered"
    # Everyone else alertbot told something in this story:
    await s.h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await s.h.received("ALERTA #1: Enforcement visit at Burns Academy", ATTORNEY)
    await s.received("#1 Enforcement visit at Burns Academy (triggered)", CHANNEL)
    await s.received("ALERT #1: Enforcement visit at Burns Academy", "D0SUPT001")
    await s.received("ALERTA #1: Enforcement visit at Burns Academy", "D0ATTY002")


# --- the acknowledger is pointed to the console, whatever the report ---------------


async def test_an_emoji_heavy_first_report_stays_in_the_console(h: Harness) -> None:
    # Was: the words cut to fit one SMS before the console link. Decision 0043: no words.
    words = " ".join(["agents \U0001F46E\u200d\u2642\ufe0f at the door"] * 60)
    await h.text(PRINCIPAL, f"ICE {words}")
    await h.text(SUPERINTENDENT, "ACK 1")
    notice = await h.fake.expect_sms(SUPERINTENDENT, contains="in the console")
    assert notice.body == ("#1 reported by Ana Perez. The report's words are in the "
                           "console: https://alerts.example.test/incidents/1")
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await h.received("#1: Dr. Jordan Rivera is on it and is responding.", PRINCIPAL)
    await h.received("#1 acknowledged by Dr. Jordan Rivera", ATTORNEY)


# --- "still paging" reads right for one name or several ----------------------------


async def test_still_paging_names_one_or_several_people_grammatically(h: Harness) -> None:
    await h.text(PRINCIPAL, "ICE")
    await h.advance(minutes=3)
    one = await h.fake.expect_sms(PRINCIPAL, contains="still paging")
    assert one.body == "#1: still paging. Just paged: Morgan Lee."
    await h.advance(minutes=5)
    several = await h.fake.expect_sms(PRINCIPAL, contains="still paging")
    assert several.body == "#1: still paging. Just paged: Dr. Jordan Rivera, Sam Okafor."
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy",
                     SUPERINTENDENT, ATTORNEY, DEPUTY)
    await h.received("#1: Enforcement visit at Burns Academy (2nd", SUPERINTENDENT, ATTORNEY)
