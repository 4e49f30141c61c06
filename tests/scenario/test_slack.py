"""Slack end to end: /ice, the school picker, buttons, the live post, DM pages.

The real service talks to a fake Slack (slack_sdk over HTTP) and a fake Twilio; the
test plays Slack by POSTing signed requests to /slack/events, as Slack does.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

import pytest

from alertbot.slack.inbound import SLACK
from tests.fakes.slack_server import FakeSlack
from tests.scenario.harness import ADMIN, ATTORNEY, DEPUTY, PRINCIPAL, SUPERINTENDENT
from tests.scenario.slack_harness import (
    AREA_LEAD_U,
    ATTORNEY_U,
    CHANNEL,
    PRINCIPAL_U,
    STRANGER_U,
    SUPERINTENDENT_U,
    TEACHER_U,
    SlackPlayer,
)


def actions(blocks: list[dict[str, Any]]) -> dict[str, str]:
    """action_id -> value of every button in ``blocks``."""
    return {e["action_id"]: e["value"] for b in blocks if b["type"] == "actions"
            for e in b["elements"]}


async def open_incident(s: SlackPlayer, text: str = "burns 2 agents at the front desk"
                        ) -> dict[str, Any]:
    """/ice as the Burns principal; returns the channel post as the fake Slack keeps it."""
    status, reply = await s.command(PRINCIPAL_U, text)
    assert status == 200, reply
    call = await s.slack.expect("chat.postMessage", channel=CHANNEL, contains="#1")
    return s.slack.message(CHANNEL, call.result["ts"])


async def test_slash_command_opens_an_incident_and_pages_step_one(s: SlackPlayer) -> None:
    status, reply = await s.command(PRINCIPAL_U, "BURNS 2 agents at the front desk")
    assert status == 200
    assert reply["response_type"] == "ephemeral"
    assert "#1 opened" in reply["text"] and "warrant signed by a judge" in reply["text"]
    assert "Burns Academy" in json.dumps(reply["blocks"])
    page = await s.h.fake.expect_sms(SUPERINTENDENT, contains="ACK 1")
    assert "front desk" not in page.body
    await s.h.fake.expect_sms(ATTORNEY, contains="ACK 1")
    await s.h.fake.assert_no_sms(DEPUTY)
    [incident] = await s.h.incidents()
    assert (incident["school"], incident["source"]) == ("burns", "slack")
    assert incident["reporter"]["id"] == "principal-burns"
    assert incident["details"] == "2 agents at the front desk"
    # Everyone else alertbot told something in this story:
    await s.received("#1 Enforcement visit at Burns Academy (triggered)", CHANNEL)
    await s.received("ALERT #1: Enforcement visit at Burns Academy", "D0SUPT001")
    await s.received("ALERTA #1: Enforcement visit at Burns Academy", "D0ATTY002")


async def test_the_channel_post_shows_the_incident_and_its_thread_the_timeline(
        s: SlackPlayer) -> None:
    post = await open_incident(s)
    shown = json.dumps(post["blocks"])
    for expected in ("#1 Enforcement visit at Burns Academy", "Ana Perez", "in the console",
                     "NOT acknowledged", "Dr. Jordan Rivera", "Sam Okafor", "step 1"):
        assert expected in shown, expected
    assert "front desk" not in shown  # a reporter's words stay off Slack
    assert actions(post["blocks"]) == {"ack": "1", "resolve": "1"}
    thread = " ".join(m["text"] for m in s.slack.thread(CHANNEL, post["ts"]))
    assert "*opened*" in thread and "*paged*" in thread
    assert "front desk" not in thread
    assert "SMS sent" in json.dumps(s.slack.message(CHANNEL, post["ts"])["blocks"])
    # Everyone else alertbot told something in this story:
    await s.h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await s.h.received("ALERTA #1: Enforcement visit at Burns Academy", ATTORNEY)
    await s.received("ALERT #1: Enforcement visit at Burns Academy", "D0SUPT001")
    await s.received("ALERTA #1: Enforcement visit at Burns Academy", "D0ATTY002")


async def test_a_slow_receipt_follows_through_response_url(s: SlackPlayer) -> None:
    s.h.app[SLACK].ack_budget = 0.0  # as if the database were slow: Slack's 3 s come first
    status, reply = await s.command(PRINCIPAL_U, "burns")
    assert status == 200 and reply["text"].startswith("Opening your incident")
    later = await s.slack.expect_response(contains="#1 opened")
    assert "warrant signed by a judge" in later.text
    await s.command(AREA_LEAD_U, "", trigger_id="trig.S1")
    view = (await s.slack.expect("views.open", trigger_id="trig.S1")).result["view"]
    status, answer = await s.submit(AREA_LEAD_U, view, "elm")
    assert (status, answer) == (200, {})  # the modal just closes
    await s.slack.expect_response(contains="#2 opened (Elm Elementary)")
    # Everyone else alertbot told something in this story:
    await s.h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await s.h.received("ALERTA #1: Enforcement visit at Burns Academy", ATTORNEY)
    await s.h.received("ALERT #2: Enforcement visit at Elm Elementary", SUPERINTENDENT)
    await s.h.received("ALERTA #2: Enforcement visit at Elm Elementary", ATTORNEY)
    await s.received("#1 Enforcement visit at Burns Academy (triggered)", CHANNEL)
    await s.received("ALERT #1: Enforcement visit at Burns Academy", "D0SUPT001")
    await s.received("ALERTA #1: Enforcement visit at Burns Academy", "D0ATTY002")
    await s.received("#2 Enforcement visit at Elm Elementary (triggered)", CHANNEL)
    await s.received("ALERT #2: Enforcement visit at Elm Elementary", "D0SUPT001")
    await s.received("ALERTA #2: Enforcement visit at Elm Elementary", "D0ATTY002")


async def test_a_reporter_with_one_school_may_leave_it_out(s: SlackPlayer) -> None:
    status, reply = await s.command(PRINCIPAL_U, "two agents in the lobby")
    assert status == 200 and "#1 opened" in reply["text"]
    [incident] = await s.h.incidents()
    assert incident["school"] == "burns"
    assert incident["details"] == "two agents in the lobby"
    # Everyone else alertbot told something in this story:
    await s.h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await s.h.received("ALERTA #1: Enforcement visit at Burns Academy", ATTORNEY)
    await s.received("#1 Enforcement visit at Burns Academy (triggered)", CHANNEL)
    await s.received("ALERT #1: Enforcement visit at Burns Academy", "D0SUPT001")
    await s.received("ALERTA #1: Enforcement visit at Burns Academy", "D0ATTY002")


async def test_channel_post_is_updated_when_someone_acks_by_sms(s: SlackPlayer) -> None:
    post = await open_incident(s)
    await s.h.text(ATTORNEY, "ACK 1")
    await s.settle()
    update = await s.slack.expect("chat.update", ts=post["ts"], contains="Acknowledged by")
    assert "Sam Okafor" in update.text
    assert actions(update.args["blocks"]) == {"resolve": "1"}
    thread = " ".join(m["text"] for m in s.slack.thread(CHANNEL, post["ts"]))
    assert "acknowledged by Sam Okafor via sms" in thread
    # Everyone else alertbot told something in this story:
    await s.h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await s.h.received("ALERTA #1: Enforcement visit at Burns Academy", ATTORNEY)
    await s.h.received("#1 reportado por Ana Perez. Las palabras del reporte estan en la "
                       "consola", ATTORNEY)
    await s.h.received("#1: Sam Okafor is on it and is responding.", PRINCIPAL)
    await s.h.received("#1 acknowledged by Sam Okafor", SUPERINTENDENT)
    await s.received("ALERT #1: Enforcement visit at Burns Academy", "D0SUPT001")
    await s.received("ALERTA #1: Enforcement visit at Burns Academy", "D0ATTY002")


async def test_ack_button_acknowledges_and_stops_sms_paging(s: SlackPlayer) -> None:
    post = await open_incident(s)
    status, _ = await s.press(SUPERINTENDENT_U, "ack", 1, message_ts=post["ts"])
    assert status == 200
    answer = await s.slack.expect_response(contains="acknowledged #1")
    assert answer.args["response_type"] == "ephemeral"
    assert answer.args["replace_original"] is False
    await s.h.fake.expect_sms(PRINCIPAL, contains="Dr. Jordan Rivera")
    await s.h.advance(minutes=30)
    await s.h.fake.assert_no_sms(DEPUTY)
    [incident] = await s.h.incidents()
    assert incident["state"] == "acknowledged"
    assert incident["acknowledged_by"]["id"] == "superintendent"
    await s.settle()
    assert actions(s.slack.message(CHANNEL, post["ts"])["blocks"]) == {"resolve": "1"}
    # Everyone else alertbot told something in this story:
    await s.h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await s.h.received("ALERTA #1: Enforcement visit at Burns Academy", ATTORNEY)
    await s.h.received("#1 reported by Ana Perez. The report's words are in the console",
                       SUPERINTENDENT)
    await s.h.received("#1 atendido por Dr. Jordan Rivera", ATTORNEY)
    await s.received("ALERT #1: Enforcement visit at Burns Academy", "D0SUPT001")
    await s.received("ALERTA #1: Enforcement visit at Burns Academy", "D0ATTY002")


async def test_resolve_button_closes_the_incident_and_the_post_loses_its_buttons(
        s: SlackPlayer) -> None:
    post = await open_incident(s)
    await s.press(ATTORNEY_U, "resolve", 1, message_ts=post["ts"])
    await s.slack.expect_response(contains="#1")
    [incident] = await s.h.incidents()
    assert incident["state"] == "resolved"
    final = s.slack.message(CHANNEL, post["ts"])
    assert actions(final["blocks"]) == {}
    assert "Resolved" in json.dumps(final["blocks"])
    # Everyone else alertbot told something in this story:
    await s.h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await s.h.received("ALERTA #1: Enforcement visit at Burns Academy", ATTORNEY)
    await s.h.received("#1 resolved by Sam Okafor.", PRINCIPAL, SUPERINTENDENT)
    await s.received("ALERT #1: Enforcement visit at Burns Academy", "D0SUPT001")
    await s.received("ALERTA #1: Enforcement visit at Burns Academy", "D0ATTY002")


async def test_buttons_from_people_off_the_team_are_refused(s: SlackPlayer) -> None:
    await open_incident(s)
    await s.press(TEACHER_U, "ack", 1)  # may not see it: answered as a missing number
    await s.slack.expect_response(contains="no open incident #1 that you can act on")
    await s.press(PRINCIPAL_U, "resolve", 1)  # sees it (their school), not on the team
    await s.slack.expect_response(contains="not on the response team for #1")
    await s.press(STRANGER_U, "ack", 1)
    await s.slack.expect_response(contains="not in alertbot's contacts")
    [incident] = await s.h.incidents()
    assert incident["state"] == "triggered"
    await s.h.advance(minutes=3)
    await s.h.fake.expect_sms(DEPUTY, contains="ACK 1")
    # Everyone else alertbot told something in this story:
    await s.h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await s.h.received("ALERTA #1: Enforcement visit at Burns Academy", ATTORNEY)
    await s.h.received("#1: still paging", PRINCIPAL)
    await s.received("ALERT #1: Enforcement visit at Burns Academy", "D0SUPT001")
    await s.received("ALERTA #1: Enforcement visit at Burns Academy", "D0ATTY002")


async def test_a_stranger_is_refused_and_nothing_is_paged(s: SlackPlayer) -> None:
    status, reply = await s.command(STRANGER_U, "burns agents at the door")
    assert status == 200
    assert reply["response_type"] == "ephemeral"
    assert "not in alertbot's contacts" in reply["text"] and "+18605550199" in reply["text"]
    assert await s.h.incidents() == []
    await s.h.fake.assert_no_sms()
    await s.slack.assert_no("chat.postMessage")


async def test_forged_requests_get_401_and_have_no_effect(s: SlackPlayer) -> None:
    body = "command=%2Fice&text=burns&user_id=" + PRINCIPAL_U + "&trigger_id=t1"
    old = str(int(time.time()) - 600)
    cases: list[dict[str, Any]] = [
        {"signature": "v0=" + "0" * 64},
        {"signature": ""},
        {"secret": "not-the-signing-secret"},
        {"timestamp": old},  # correctly signed, but replayed after 10 minutes
        {"timestamp": "soon"},
    ]
    for case in cases:
        status, _ = await s.post(body, **case)
        assert status == 401, case
    status, _ = await s.post("ssl_check=1&token=x", signature="v0=" + "1" * 64)
    assert status == 401
    await s.settle()
    assert await s.h.incidents() == []
    await s.h.fake.assert_no_sms()


async def test_slacks_url_verification_is_answered_when_signed(s: SlackPlayer) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "c-123", "token": "x"})
    status, answer = await s.post(body)
    assert (status, json.loads(answer)) == (200, {"challenge": "c-123"})
    assert (await s.post(body, signature="v0=" + "2" * 64))[0] == 401


async def test_missing_school_opens_the_modal_and_its_submission_opens_the_incident(
        s: SlackPlayer) -> None:
    status, reply = await s.command(AREA_LEAD_U, "two agents at the gym", trigger_id="trig.A1")
    assert status == 200 and reply == {}
    opened = await s.slack.expect("views.open", trigger_id="trig.A1")
    view = opened.result["view"]
    assert view["callback_id"] == "alertbot_open"
    picker = view["blocks"][0]["element"]
    mine = [o["value"] for o in picker["option_groups"][0]["options"]]
    assert mine == ["oak", "elm"]  # the reporter's own schools come first
    assert view["blocks"][1]["element"]["initial_value"] == "two agents at the gym"
    assert await s.h.incidents() == []
    status, answer = await s.submit(AREA_LEAD_U, view, "oak", "two agents at the gym")
    assert status == 200
    assert answer["response_action"] == "update"
    assert "#1 opened" in json.dumps(answer["view"])
    [incident] = await s.h.incidents()
    assert (incident["school"], incident["reporter"]["id"]) == ("oak", "area-lead")
    await s.h.fake.expect_sms(SUPERINTENDENT, contains="Oak Middle School")
    # Everyone else alertbot told something in this story:
    await s.h.received("ALERTA #1: Enforcement visit at Oak Middle School", ATTORNEY)
    await s.received("#1 Enforcement visit at Oak Middle School", CHANNEL)
    await s.received("ALERT #1: Enforcement visit at Oak Middle School", "D0SUPT001")
    await s.received("ALERTA #1: Enforcement visit at Oak Middle School", "D0ATTY002")


async def test_modal_without_a_known_school_asks_again(s: SlackPlayer) -> None:
    await s.command(AREA_LEAD_U, "", trigger_id="trig.A2")
    view = (await s.slack.expect("views.open")).result["view"]
    status, answer = await s.submit(AREA_LEAD_U, view, "atlantis")
    assert status == 200
    assert answer == {"response_action": "errors",
                      "errors": {"school": "Choose a school from the list."}}
    assert await s.h.incidents() == []


async def test_retried_requests_have_exactly_one_effect(s: SlackPlayer) -> None:
    first = await s.command(PRINCIPAL_U, "burns", trigger_id="trig.R1")
    again = await s.command(PRINCIPAL_U, "burns", trigger_id="trig.R1", retry_num=1)
    assert first[0] == again[0] == 200
    assert "#1 opened" in first[1]["text"] and again[1] == {}  # shown once
    assert len(await s.h.incidents()) == 1
    await s.h.fake.expect_sms(SUPERINTENDENT, contains="ACK 1")
    await s.h.fake.assert_no_sms(SUPERINTENDENT)
    # A modal is opened once, however often Slack retries the command.
    await s.command(AREA_LEAD_U, "", trigger_id="trig.R2")
    await s.command(AREA_LEAD_U, "", trigger_id="trig.R2", retry_num=1)
    await s.slack.expect("views.open", trigger_id="trig.R2")
    await s.slack.assert_no("views.open")
    # A press retried by Slack acknowledges once and answers once (issue 9).
    await s.press(ATTORNEY_U, "ack", 1, trigger_id="trig.R3")
    await s.press(ATTORNEY_U, "ack", 1, trigger_id="trig.R3", retry_num=1)
    await s.slack.expect_response(contains="#1")
    await s.slack.assert_no("response_url")
    [incident] = await s.h.incidents()
    assert [e["kind"] for e in incident["timeline"]].count("acknowledged") == 1
    # Everyone else alertbot told something in this story:
    await s.h.received("ALERTA #1: Enforcement visit at Burns Academy", ATTORNEY)
    await s.h.received("#1 fue reportado por Ana Perez aun sin detalles", ATTORNEY)
    await s.h.received("#1: Sam Okafor is on it and is responding.", PRINCIPAL)
    await s.h.received("#1 acknowledged by Sam Okafor", SUPERINTENDENT)
    await s.received("#1 Enforcement visit at Burns Academy (triggered)", CHANNEL)
    await s.received("ALERT #1: Enforcement visit at Burns Academy", "D0SUPT001")
    await s.received("ALERTA #1: Enforcement visit at Burns Academy", "D0ATTY002")


async def test_slack_dm_pages_carry_the_ack_button_in_the_contacts_language(
        s: SlackPlayer) -> None:
    await open_incident(s)
    await s.slack.expect("conversations.open", users=SUPERINTENDENT_U)
    dm = await s.slack.expect("chat.postMessage", channel="D0SUPT001", contains="ALERT #1")
    assert actions(dm.args["blocks"]) == {"ack": "1", "resolve": "1"}
    spanish = await s.slack.expect("chat.postMessage", channel="D0ATTY002", contains="#1")
    assert "Atender" in spanish.text and "ALERTA #1" in spanish.text
    # Everyone else alertbot told something in this story:
    await s.h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await s.h.received("ALERTA #1: Enforcement visit at Burns Academy", ATTORNEY)


async def test_a_refused_dm_page_is_made_visible(s: SlackPlayer) -> None:
    s.slack.fail_for_user(SUPERINTENDENT_U, "account_inactive")
    await open_incident(s)
    [incident] = await s.h.incidents()
    failed = [e["text"] for e in incident["timeline"] if e["kind"] == "page_failed"]
    assert failed and "account_inactive" in failed[0]
    await s.h.fake.expect_sms(SUPERINTENDENT, contains="ACK 1")  # SMS still reaches them
    # Everyone else alertbot told something in this story:
    await s.h.received("ALERTA #1: Enforcement visit at Burns Academy", ATTORNEY)
    await s.h.received("#1: could not page Dr. Jordan Rivera by slack", ADMIN)
    await s.received("ALERTA #1: Enforcement visit at Burns Academy", "D0ATTY002")


async def test_a_rate_limited_dm_page_waits_for_slack_and_is_sent(s: SlackPlayer) -> None:
    s.slack.fail_next("conversations.open", "ratelimited", status=429, retry_after=60,
                      users=SUPERINTENDENT_U)
    await s.command(PRINCIPAL_U, "burns")
    await s.slack.expect("chat.postMessage", channel="D0ATTY002", contains="ALERTA #1")
    await s.slack.assert_no("chat.postMessage", channel="D0SUPT001")
    await s.h.advance(seconds=59)
    await s.slack.assert_no("chat.postMessage", channel="D0SUPT001")
    await s.h.advance(seconds=2)
    await s.slack.expect("chat.postMessage", channel="D0SUPT001", contains="ALERT #1")
    # Everyone else alertbot told something in this story:
    await s.h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await s.h.received("ALERTA #1: Enforcement visit at Burns Academy", ATTORNEY)
    await s.received("#1 Enforcement visit at Burns Academy (triggered)", CHANNEL)


def test_sandbox_never_mounts_slack(slack: FakeSlack) -> None:
    from alertbot.app import build_app
    from alertbot.config.loader import load_or_raise
    from alertbot.settings import Settings
    from tests.scenario.slack_harness import SLACK_DISTRICT, slack_settings

    config = load_or_raise(SLACK_DISTRICT / "escalation.yaml", SLACK_DISTRICT / "contacts")

    def paths(settings: Settings) -> set[str]:
        return {r.resource.canonical for r in build_app(settings, config).router.routes()
                if r.resource is not None}
    assert "/slack/events" in paths(Settings(**slack_settings(slack)))
    assert "/slack/events" not in paths(Settings(sandbox=True, **slack_settings(slack)))


async def test_reply_in_the_thread_is_added_to_the_timeline(s: SlackPlayer) -> None:
    post = await open_incident(s)
    status, _ = await s.message(PRINCIPAL_U, "agents left by the east door", CHANNEL,
                                thread_ts=post["ts"], event_id="Ev0THREAD1")
    assert status == 200
    await s.message(PRINCIPAL_U, "agents left by the east door", CHANNEL,
                    thread_ts=post["ts"], event_id="Ev0THREAD1", retry_num=1)
    [incident] = await s.h.incidents()
    updates = [e["text"] for e in incident["timeline"] if e["kind"] == "update"]
    assert updates == ["agents left by the east door"]
    # Everyone else alertbot told something in this story:
    await s.h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await s.h.received("ALERTA #1: Enforcement visit at Burns Academy", ATTORNEY)
    await s.received("ALERT #1: Enforcement visit at Burns Academy", "D0SUPT001")
    await s.received("ALERTA #1: Enforcement visit at Burns Academy", "D0ATTY002")


async def test_ack_by_dm_to_the_bot(s: SlackPlayer) -> None:
    await open_incident(s)
    await s.message(ATTORNEY_U, "ack 1", "D0ATTY002", channel_type="im")
    reply = await s.slack.expect("chat.postMessage", channel="D0ATTY002", contains="atiende #1")
    assert "RESOLVE 1" in reply.text
    [incident] = await s.h.incidents()
    assert incident["acknowledged_by"]["id"] == "attorney"
    # Everyone else alertbot told something in this story:
    await s.h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await s.h.received("ALERTA #1: Enforcement visit at Burns Academy", ATTORNEY)
    await s.h.received("#1 reportado por Ana Perez. Las palabras del reporte estan en la "
                       "consola", ATTORNEY)
    await s.h.received("#1: Sam Okafor is on it and is responding.", PRINCIPAL)
    await s.h.received("#1 acknowledged by Sam Okafor", SUPERINTENDENT)
    await s.received("ALERT #1: Enforcement visit at Burns Academy", "D0SUPT001")
    await s.received("ALERTA #1: Enforcement visit at Burns Academy", "D0ATTY002")


async def test_a_button_carrying_a_huge_number_does_nothing_and_logs_no_error(
        s: SlackPlayer, caplog: pytest.LogCaptureFixture) -> None:
    # Issue 9, kind 12: a button value is outside input; 10**40 must not reach the
    # database as an int it cannot hold.
    await open_incident(s)
    status, _ = await s.press(SUPERINTENDENT_U, "ack", 10**40)
    assert status == 200
    [incident] = await s.h.incidents()
    assert incident["state"] == "triggered"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    # Everyone else alertbot told something in this story:
    await s.h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await s.h.received("ALERTA #1: Enforcement visit at Burns Academy", ATTORNEY)
    await s.received("ALERT #1: Enforcement visit at Burns Academy", "D0SUPT001")
    await s.received("ALERTA #1: Enforcement visit at Burns Academy", "D0ATTY002")
