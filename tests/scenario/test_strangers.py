"""A stranger is refused by one rule on every channel (issue 10, core/who.py).

Someone not in contacts texts, calls, or uses Slack (a slash command, a DM, a button):
each time the receiver answers with the same outcome and reply key
(``refused`` / ``unknown_sender``, the configured fallback number as its value), each
medium says it in its own words, and nothing is opened or paged. Without a
``fallback_phone`` every channel gives ``unknown_sender_nofallback``: no guessed "911"
nor "the district office".

The answer is read where the receiver keeps it, the webhook dedup table (``inbound``:
one row per request it applied), straight from the SQLite file.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from alertbot import appkeys
from alertbot.slack.post import SLACK_POST
from tests.fakes.slack_server import FakeSlack
from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import (
    ATTORNEY,
    PRINCIPAL,
    STRANGER,
    SUPERINTENDENT,
    TEACHER,
    Harness,
)
from tests.scenario.slack_harness import (
    CHANNEL,
    SLACK_DISTRICT,
    STRANGER_U,
    SlackPlayer,
    slack_settings,
)
from tests.scenario.test_slack import open_incident

FALLBACK = "+18605550199"
Answer = tuple[str, str, dict[str, Any]]
REFUSED: Answer = ("refused", "unknown_sender", {"fallback": FALLBACK})
REFUSED_NO_FALLBACK: Answer = ("refused", "unknown_sender_nofallback", {})
GUESSED = ("911", "district office", "oficina del distrito")


def answers(h: Harness, prefix: str) -> list[Answer]:
    """(outcome, key, values) of every reply the receiver kept for request keys that
    start with ``prefix``."""
    path = h.settings.database_url.removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT key, reply FROM inbound WHERE key LIKE ? ORDER BY key",
                          (prefix.replace("%", r"\%") + "%",)).fetchall()
    words = h.app[appkeys.STORE].words  # replies are sealed at rest (decision 0044)
    out = []
    for key, stored in rows:
        reply = json.loads(words.open(stored, "inbound", "reply", key))
        out.append((reply["outcome"], reply["key"], reply["values"]))
    return out


async def nothing_happened(h: Harness) -> None:
    assert await h.incidents() == []
    await h.fake.assert_no_sms()
    await h.fake.assert_no_call()


# --- with a fallback number (the test districts) -------------------------------------


async def test_a_stranger_texting_is_refused(h: Harness) -> None:
    reply = await h.text(STRANGER, "ICE agents here", sid="SM" + "1" * 32)
    assert answers(h, "sms:") == [REFUSED]
    assert "not set up" in reply and FALLBACK in reply
    await nothing_happened(h)


async def test_a_stranger_texting_ack_or_status_is_refused_alike(h: Harness) -> None:
    await h.text(PRINCIPAL, "ICE", sid="SM" + "0" * 32)
    for n, body in enumerate(("ACK 1", "STATUS", "RESOLVE 1", "hello?"), start=1):
        await h.text(STRANGER, body, sid=f"SM{n}" + "a" * 31)
    assert answers(h, "sms:SM")[1:] == [REFUSED] * 4
    [incident] = await h.incidents()
    assert incident["state"] == "triggered"
    await h.received("#1", SUPERINTENDENT, ATTORNEY)  # paging goes on


async def test_a_stranger_calling_is_refused(h: Harness) -> None:
    call = await h.call(STRANGER, sid="CA" + "1" * 32)
    assert answers(h, "voice:") == [REFUSED]
    assert "not set up to report incidents" in call.twiml.text
    assert "8 6 0, 5 5 5, 0 1 9 9" in call.twiml.text  # the same number, spoken
    assert call.twiml.hangs_up and call.twiml.gather is None
    await nothing_happened(h)


async def test_a_stranger_using_slack_is_refused(s: SlackPlayer) -> None:
    status, reply = await s.command(STRANGER_U, "burns agents at the door",
                                    trigger_id="trig.S1")
    assert status == 200 and reply["response_type"] == "ephemeral"
    assert answers(s.h, "slack:cmd:") == [REFUSED]
    assert "not in alertbot's contacts" in reply["text"] and FALLBACK in reply["text"]
    await nothing_happened(s.h)
    await s.slack.assert_no("chat.postMessage")


async def test_a_stranger_without_a_school_is_refused_not_asked(s: SlackPlayer) -> None:
    """No school picker for a stranger: the refusal comes first."""
    _, reply = await s.command(STRANGER_U, "", trigger_id="trig.S2")
    assert answers(s.h, "slack:cmd:") == [REFUSED]
    assert FALLBACK in reply["text"]
    await s.slack.assert_no("views.open")


async def test_a_stranger_dm_and_button_are_refused_alike(s: SlackPlayer) -> None:
    await open_incident(s)
    await s.message(STRANGER_U, "ACK 1", "D0STRANGER", channel_type="im",
                    event_id="Ev0STRANGER")
    await s.press(STRANGER_U, "ack", 1, trigger_id="trig.S3")
    assert answers(s.h, "slack:event:") == [REFUSED]
    assert answers(s.h, "slack:action:") == [REFUSED]
    await s.slack.expect_response(contains=FALLBACK)
    [incident] = await s.h.incidents()
    assert incident["state"] == "triggered"
    await s.received("#1", "D0SUPT001", "D0ATTY002")  # paging goes on
    await s.h.received("#1", SUPERINTENDENT, ATTORNEY)
    await s.received("not in alertbot's contacts", "D0STRANGER")  # the DM's refusal


async def test_a_stranger_reply_in_an_incident_thread_is_refused_to_them_only(
        s: SlackPlayer) -> None:
    """It was dropped without a word; now they hear it was not added (and whom to call)."""
    post = await open_incident(s)
    await s.message(STRANGER_U, "I saw them too", CHANNEL, thread_ts=post["ts"],
                    event_id="Ev0STRANGER2")
    assert answers(s.h, "slack:event:") == [REFUSED]
    told = await s.slack.expect("chat.postEphemeral", contains=FALLBACK)
    assert told.args["user"] == STRANGER_U
    [incident] = await s.h.incidents()
    assert [e for e in incident["timeline"] if e["kind"] == "update"] == []
    await s.received("#1", "D0SUPT001", "D0ATTY002")
    await s.h.received("#1", SUPERINTENDENT, ATTORNEY)


async def test_a_stranger_adding_to_an_incident_is_refused_alike(h: Harness) -> None:
    """A recording for an incident they did not report: the stranger's refusal (it was
    "you are not on the response team", which is for contacts off the team)."""
    await h.text(PRINCIPAL, "ICE")
    sid = "CA" + "2" * 32
    call = await h.call(STRANGER, sid=sid)
    await call.post(h.settings.public_url + "/twilio/voice/recorded?lang=en&n=1",
                    RecordingUrl="https://api.twilio.example/rec/RE1", RecordingDuration="5")
    assert answers(h, f"voice:{sid}:recording") == [REFUSED]
    assert "No message was recorded" in call.twiml.text
    # A contact who may not see it hears what a missing number gets (no existence oracle).
    assert await h.text(TEACHER, "ACK 1") == "There is no open incident #1 that you can act on."
    [incident] = await h.incidents()
    assert [e for e in incident["timeline"] if e["kind"] == "update"] == []
    await h.received("#1", SUPERINTENDENT, ATTORNEY)


# --- without a fallback number: one "nofallback" key everywhere ----------------------


@pytest.fixture
async def bare(fake: FakeTwilio, tmp_path: Path) -> AsyncIterator[Harness]:
    """The SMS district with no ``fallback_phone``."""
    harness = Harness(fake, tmp_path)
    harness.config = replace(harness.config, fallback_phone=None)
    await harness.start()
    try:
        yield harness
    finally:
        await harness.close()


@pytest.fixture
async def bare_slack(fake: FakeTwilio, slack: FakeSlack, tmp_path: Path
                     ) -> AsyncIterator[SlackPlayer]:
    """The Slack district with no ``fallback_phone``."""
    harness = Harness(fake, tmp_path, SLACK_DISTRICT, extra=slack_settings(slack))
    harness.config = replace(harness.config, fallback_phone=None)
    await harness.start()
    harness.app[SLACK_POST].followup_delay = 0.05
    try:
        yield SlackPlayer(harness, slack)
    finally:
        await harness.close()


async def test_without_a_fallback_a_text_names_no_number(bare: Harness) -> None:
    reply = await bare.text(STRANGER, "ICE agents here")
    assert answers(bare, "sms:") == [REFUSED_NO_FALLBACK]
    assert "not set up" in reply and not any(g in reply for g in GUESSED)
    await nothing_happened(bare)


async def test_without_a_fallback_a_call_names_no_number(bare: Harness) -> None:
    call = await bare.call(STRANGER)
    assert answers(bare, "voice:") == [REFUSED_NO_FALLBACK]
    text = call.twiml.text
    assert "not set up to report incidents" in text and not any(g in text for g in GUESSED)
    assert call.twiml.hangs_up
    await nothing_happened(bare)


async def test_without_a_fallback_slack_names_no_number(bare_slack: SlackPlayer) -> None:
    _, reply = await bare_slack.command(STRANGER_U, "burns agents")
    assert answers(bare_slack.h, "slack:cmd:") == [REFUSED_NO_FALLBACK]
    assert "not in alertbot's contacts" in reply["text"]
    assert not any(g in reply["text"] for g in GUESSED)
    await nothing_happened(bare_slack.h)
