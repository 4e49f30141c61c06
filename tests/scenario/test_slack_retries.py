"""A Slack request delivered again shows nothing a second time (issue 9, kind 3).

Slack retries an HTTP request it thinks failed (same ``event_id`` / trigger id, with
``X-Slack-Retry-Num``) and redelivers a Socket Mode envelope whose ack it missed (same
``envelope_id``). Every kind of request is played twice, over HTTP and over Socket
Mode, and the test counts what a person would see: DM replies, ephemerals,
``response_url`` posts, modals and acks that carry text.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from alertbot.slack.inbound import SLACK
from tests.fakes.slack_server import FakeSlack
from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import ATTORNEY, PRINCIPAL, SUPERINTENDENT
from tests.scenario.slack_harness import (
    AREA_LEAD_U,
    ATTORNEY_U,
    CHANNEL,
    PRINCIPAL_U,
    STRANGER_U,
    TEACHER_U,
    SlackPlayer,
)
from tests.scenario.teardown import finish
from tests.scenario.test_slack_socket import SocketPlayer

_envelopes = itertools.count(1)


@pytest.fixture(params=["http", "socket"])
async def s(request: pytest.FixtureRequest, fake: FakeTwilio, slack: FakeSlack,
            tmp_path: Path) -> AsyncIterator[SlackPlayer]:
    player = (await SlackPlayer.start(fake, slack, tmp_path) if request.param == "http"
              else await SocketPlayer.start_socket(fake, slack, tmp_path))
    try:
        yield player
    finally:
        await finish(request, player.h)


def twice(s: SlackPlayer) -> tuple[dict[str, Any], dict[str, Any]]:
    """Keyword arguments for a first delivery and its retry (HTTP: X-Slack-Retry-Num;
    Socket Mode: the same envelope id again, with retry_attempt)."""
    if isinstance(s, SocketPlayer):
        envelope = f"env-twice-{next(_envelopes)}"
        return {"envelope_id": envelope}, {"envelope_id": envelope, "retry_num": 1}
    return {}, {"retry_num": 1}


async def open_incident(s: SlackPlayer) -> str:
    """#1 at Burns, opened by /ice; the channel post's ts."""
    _, reply = await s.command(PRINCIPAL_U, "burns")
    assert "#1 opened" in reply["text"]
    post = await s.slack.expect("chat.postMessage", channel=CHANNEL, contains="#1")
    return str(post.result["ts"])


def replies_in(s: SlackPlayer, channel: str, contains: str) -> list[str]:
    return [c.text for c in s.slack.calls_of("chat.postMessage", channel=channel)
            if contains.lower() in c.text.lower()]


async def test_a_retried_dm_ack_confirms_once(s: SlackPlayer) -> None:
    await open_incident(s)
    first, retry = twice(s)
    await s.message(ATTORNEY_U, "ACK 1", "D0ATTY002", channel_type="im", event_id="Ev0ACK1",
                    **first)
    await s.message(ATTORNEY_U, "ACK 1", "D0ATTY002", channel_type="im", event_id="Ev0ACK1",
                    **retry)
    assert len(replies_in(s, "D0ATTY002", "atiende #1")) == 1
    [incident] = await s.h.incidents()
    assert [e["kind"] for e in incident["timeline"]].count("acknowledged") == 1
    # Everyone else alertbot told something in this story:
    await s.h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await s.h.received("ALERTA #1: Enforcement visit at Burns Academy", ATTORNEY)
    await s.h.received("#1 fue reportado por Ana Perez aun sin detalles", ATTORNEY)
    await s.h.received("#1: Sam Okafor is on it and is responding.", PRINCIPAL)
    await s.h.received("#1 acknowledged by Sam Okafor", SUPERINTENDENT)
    await s.received("ALERT #1: Enforcement visit at Burns Academy", "D0SUPT001")
    await s.received("ALERTA #1: Enforcement visit at Burns Academy", "D0ATTY002")
    await s.received("Usted atiende #1; se detuvieron los avisos y se", "D0ATTY002")


async def test_a_dm_event_delivered_twice_at_once_replies_once(s: SlackPlayer) -> None:
    await open_incident(s)
    first, retry = twice(s)
    await asyncio.gather(
        s.message(ATTORNEY_U, "ACK 1", "D0ATTY002", channel_type="im", event_id="Ev0ACK2",
                  **first),
        s.message(ATTORNEY_U, "ACK 1", "D0ATTY002", channel_type="im", event_id="Ev0ACK2",
                  **retry))
    await s.settle()
    answers = [c.text for c in s.slack.calls_of("chat.postMessage", channel="D0ATTY002")
               if "ALERTA" not in c.text]  # not the DM page itself
    assert len(answers) == 1 and "atiende #1" in answers[0], answers
    # Everyone else alertbot told something in this story:
    await s.h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await s.h.received("ALERTA #1: Enforcement visit at Burns Academy", ATTORNEY)
    await s.h.received("#1 fue reportado por Ana Perez aun sin detalles", ATTORNEY)
    await s.h.received("#1: Sam Okafor is on it and is responding.", PRINCIPAL)
    await s.h.received("#1 acknowledged by Sam Okafor", SUPERINTENDENT)
    await s.received("ALERT #1: Enforcement visit at Burns Academy", "D0SUPT001")
    await s.received("ALERTA #1: Enforcement visit at Burns Academy", "D0ATTY002")
    await s.received("Usted atiende #1; se detuvieron los avisos y se", "D0ATTY002")


async def test_a_retried_dm_from_a_stranger_is_refused_once(s: SlackPlayer) -> None:
    first, retry = twice(s)
    for kw in (first, retry):
        await s.message(STRANGER_U, "STATUS", "D0STRANGER", channel_type="im",
                        event_id="Ev0STR1", **kw)
    assert len(replies_in(s, "D0STRANGER", "not in alertbot's contacts")) == 1
    # Everyone else alertbot told something in this story:
    await s.received("Your Slack account is not in alertbot's contacts", "D0STRANGER")


async def test_a_retried_refused_thread_reply_is_shown_once(s: SlackPlayer) -> None:
    post = await open_incident(s)
    first, retry = twice(s)
    for kw in (first, retry):
        await s.message(TEACHER_U, "what is happening?", CHANNEL, thread_ts=post,
                        event_id="Ev0THR9", **kw)
    refusals = s.slack.calls_of("chat.postEphemeral", channel=CHANNEL, user=TEACHER_U)
    assert len(refusals) == 1 and "not on the response team" in refusals[0].text
    # Everyone else alertbot told something in this story:
    await s.h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await s.h.received("ALERTA #1: Enforcement visit at Burns Academy", ATTORNEY)
    await s.received("ALERT #1: Enforcement visit at Burns Academy", "D0SUPT001")
    await s.received("ALERTA #1: Enforcement visit at Burns Academy", "D0ATTY002")
    await s.slack.expect('chat.postEphemeral', contains="You are not on the response team for #1.")


async def test_a_retried_slash_command_answers_once(s: SlackPlayer) -> None:
    first, retry = twice(s)
    _, reply = await s.command(PRINCIPAL_U, "burns", trigger_id="trig.C1", **first)
    assert "#1 opened" in reply["text"]
    _, again = await s.command(PRINCIPAL_U, "burns", trigger_id="trig.C1", **retry)
    assert again == {}  # an empty ack: nothing shown twice
    await s.slack.assert_no("response_url")
    assert len(await s.h.incidents()) == 1
    await s.h.fake.expect_sms(SUPERINTENDENT, contains="ACK 1")
    await s.h.fake.assert_no_sms(SUPERINTENDENT)
    # Everyone else alertbot told something in this story:
    await s.h.received("ALERTA #1: Enforcement visit at Burns Academy", ATTORNEY)
    await s.received("#1 Enforcement visit at Burns Academy (triggered)", CHANNEL)
    await s.received("ALERT #1: Enforcement visit at Burns Academy", "D0SUPT001")
    await s.received("ALERTA #1: Enforcement visit at Burns Academy", "D0ATTY002")


async def test_a_retried_slow_slash_command_posts_its_receipt_once(s: SlackPlayer) -> None:
    s.h.app[SLACK].ack_budget = 0.0  # the receipt follows through response_url
    first, retry = twice(s)
    _, reply = await s.command(PRINCIPAL_U, "burns", trigger_id="trig.C2", **first)
    assert reply["text"].startswith("Opening your incident")
    _, again = await s.command(PRINCIPAL_U, "burns", trigger_id="trig.C2", **retry)
    assert again == {}
    await s.slack.expect_response(contains="#1 opened")
    await s.slack.assert_no("response_url")
    # Everyone else alertbot told something in this story:
    await s.h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await s.h.received("ALERTA #1: Enforcement visit at Burns Academy", ATTORNEY)
    await s.received("#1 Enforcement visit at Burns Academy (triggered)", CHANNEL)
    await s.received("ALERT #1: Enforcement visit at Burns Academy", "D0SUPT001")
    await s.received("ALERTA #1: Enforcement visit at Burns Academy", "D0ATTY002")


async def test_a_retried_stranger_command_is_refused_once(s: SlackPlayer) -> None:
    first, retry = twice(s)
    _, reply = await s.command(STRANGER_U, "burns", trigger_id="trig.C3", **first)
    assert "not in alertbot's contacts" in reply["text"]
    _, again = await s.command(STRANGER_U, "burns", trigger_id="trig.C3", **retry)
    assert again == {}


async def test_a_retried_button_press_answers_once(s: SlackPlayer) -> None:
    post = await open_incident(s)
    first, retry = twice(s)
    for kw in (first, retry):
        await s.press(ATTORNEY_U, "ack", 1, message_ts=post, trigger_id="trig.P1", **kw)
    await s.slack.expect_response(contains="#1")
    await s.slack.assert_no("response_url")
    [incident] = await s.h.incidents()
    assert [e["kind"] for e in incident["timeline"]].count("acknowledged") == 1
    # Everyone else alertbot told something in this story:
    await s.h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await s.h.received("ALERTA #1: Enforcement visit at Burns Academy", ATTORNEY)
    await s.h.received("#1 fue reportado por Ana Perez aun sin detalles", ATTORNEY)
    await s.h.received("#1: Sam Okafor is on it and is responding.", PRINCIPAL)
    await s.h.received("#1 acknowledged by Sam Okafor", SUPERINTENDENT)
    await s.received("ALERT #1: Enforcement visit at Burns Academy", "D0SUPT001")
    await s.received("ALERTA #1: Enforcement visit at Burns Academy", "D0ATTY002")


async def test_a_retried_modal_submission_answers_once(s: SlackPlayer) -> None:
    await s.command(AREA_LEAD_U, "", trigger_id="trig.M1")
    view = (await s.slack.expect("views.open", trigger_id="trig.M1")).result["view"]
    first, retry = twice(s)
    _, answer = await s.submit(AREA_LEAD_U, view, "oak", **first)
    assert answer["response_action"] == "update" and "#1 opened" in json.dumps(answer)
    _, again = await s.submit(AREA_LEAD_U, view, "oak", **retry)
    assert again == {}  # closes the modal, shows nothing new
    await s.slack.assert_no("response_url")
    assert len(await s.h.incidents()) == 1
    # Everyone else alertbot told something in this story:
    await s.h.received("ALERT #1: Enforcement visit at Oak Middle School", SUPERINTENDENT)
    await s.h.received("ALERTA #1: Enforcement visit at Oak Middle School", ATTORNEY)
    await s.received("#1 Enforcement visit at Oak Middle School", CHANNEL)
    await s.received("ALERT #1: Enforcement visit at Oak Middle School", "D0SUPT001")
    await s.received("ALERTA #1: Enforcement visit at Oak Middle School", "D0ATTY002")


async def test_a_retried_command_opens_its_modal_once(s: SlackPlayer) -> None:
    first, retry = twice(s)
    await s.command(AREA_LEAD_U, "", trigger_id="trig.M2", **first)
    await s.command(AREA_LEAD_U, "", trigger_id="trig.M2", **retry)
    await s.slack.expect("views.open", trigger_id="trig.M2")
    await s.slack.assert_no("views.open")
