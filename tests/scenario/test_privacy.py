"""No student names or immigration facts in any SMS, call or Slack message (decision 0043).

A report, a later text, a co-reporter's words, a note and a phone-tree recording may all
name a student or describe the agents. Each story below sends such words down every
path that used to carry them (the acknowledger's first-report text, the forwarded
update, the Slack thread, the recording's link) and then reads every SMS body, every
call's TwiML and every Slack message the service sent: none carries the words. The
console's incident page, behind sign-in, shows them.
"""

from __future__ import annotations

import re

from tests.console import console_client, sign_in
from tests.fakes.slack_server import FakeSlack
from tests.fakes.twilio_media import recording_bytes
from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import (
    AREA_LEAD,
    ATTORNEY,
    PRINCIPAL,
    SUPERINTENDENT,
    Harness,
)
from tests.scenario.slack_harness import ATTORNEY_U, CHANNEL, PRINCIPAL_U, SlackPlayer

REPORT = "2 agents asked for Maria Lopez"
LATER = "they left with Maria's file"
FORBIDDEN = ("Maria", "Lopez", "agents", "file", "twilio.com", "Recordings")
CONSOLE = "https://alerts.example.test/incidents/1"


def twilio_bodies(fake: FakeTwilio) -> list[str]:
    """Every SMS body and call TwiML the service sent."""
    return [r.body or r.twiml or r.url or "" for r in fake.sent if r.kind in ("sms", "call")]


def slack_bodies(slack: FakeSlack) -> list[str]:
    """Everything a person could read in every Slack call the service made."""
    return [c.text for c in slack.calls]


def assert_no_words(bodies: list[str]) -> None:
    for body in bodies:
        for word in FORBIDDEN:
            assert word not in body, (word, body)


async def console_page(h: Harness, phone: str) -> str:
    """The incident page as the person with ``phone`` sees it after signing in."""
    async with console_client(h.url) as client:
        await sign_in(client, h.fake, phone)
        async with client.get("/incidents/1") as r:
            assert r.status == 200
            return await r.text()


async def test_sms_report_updates_and_notes_stay_in_the_console(h: Harness) -> None:
    await h.text(PRINCIPAL, f"ICE {REPORT}")
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await h.text(SUPERINTENDENT, "ACK 1")
    told = await h.received("#1 reported by Ana Perez", SUPERINTENDENT)
    assert told[0].body == ("#1 reported by Ana Perez. The report's words are in the "
                            f"console: {CONSOLE}")
    await h.received("#1: Dr. Jordan Rivera is on it", PRINCIPAL)
    await h.received("#1 acknowledged by Dr. Jordan Rivera", ATTORNEY)
    assert "Added to #1" in await h.text(PRINCIPAL, LATER)
    await h.received(f"#1: Ana Perez sent a new update. Read it in the console: {CONSOLE}",
                     SUPERINTENDENT)
    assert "Dr. Jordan Rivera is responding" in await h.text(
        AREA_LEAD, "ICE 1201 agents still asking about Maria")  # a co-reporter joins
    assert "Added to #1" in await h.text(AREA_LEAD, "Maria is in the office")
    await h.received("#1: Gale Porter sent a new update", SUPERINTENDENT)
    assert await h.text(ATTORNEY, "NOTE 1 Maria's mother is on her way") == "Note added to #1."
    await h.settle()
    assert_no_words(twilio_bodies(h.fake))
    page = await console_page(h, ATTORNEY)
    for words in ("Maria Lopez", "left with Maria", "still asking about Maria",
                  "Maria is in the office", "mother is on her way"):
        assert words in page.replace("&#39;", "'"), words


async def test_a_phone_tree_recording_is_offered_in_the_console_only(hv: Harness) -> None:
    call = await hv.call(PRINCIPAL)
    await call.press("1")  # Burns Academy, #1
    await call.record(seconds=9)
    await call.transcribe("agents asked for Maria Lopez")
    assert "resolve" in (await hv.text(ATTORNEY, "ACK 1")).lower()
    told = await hv.received("#1 reported by Ana Perez", ATTORNEY)
    assert told[0].body.endswith(f"in the console: {CONSOLE}")
    await hv.settle()
    assert_no_words(twilio_bodies(hv.fake))  # the recording's link is not texted
    page = await console_page(hv, ATTORNEY)
    assert "Maria Lopez" in page
    # The console offers the recording through its own route, fetched server-side with
    # the account's credentials (the Twilio link itself is shown only here).
    [path] = re.findall(r'class="recording" href="(/api/incidents/1/recordings/RE\w+)"', page)
    sid = path.rsplit("/", 1)[1]
    async with console_client(hv.url) as client:
        async with client.get(path) as r:
            assert r.status == 401  # not signed in
        await sign_in(client, hv.fake, ATTORNEY)
        async with client.get(path) as r:
            assert r.status == 200 and r.headers["Content-Type"] == "audio/mpeg"
            assert r.headers["Cache-Control"] == "no-store"
            assert await r.read() == recording_bytes(sid)
        async with client.get("/api/incidents/1/recordings/RE0ther") as r:
            assert r.status == 404  # not a recording of this incident: never fetched
    [fetched] = hv.fake.media.recording_gets
    assert fetched.headers["Authorization"].startswith("Basic ")
    # Everyone else alertbot told something in this story:
    hv.ignore(contains="#1")  # pages and notices, all read by assert_no_words above
    hv.ignore(kind="call", contains="ALERT number 1")


async def test_slack_post_thread_and_dms_carry_no_words(s: SlackPlayer) -> None:
    status, _ = await s.command(PRINCIPAL_U, f"burns {REPORT}")
    assert status == 200
    post = await s.slack.expect("chat.postMessage", channel=CHANNEL, contains="#1")
    await s.press(ATTORNEY_U, "ack", 1)
    await s.message(PRINCIPAL_U, LATER, CHANNEL, thread_ts=post.result["ts"])
    await s.message(ATTORNEY_U, "NOTE 1 Maria's mother is on her way", "D0ATTY002",
                    channel_type="im")
    await s.settle()
    [incident] = await s.h.incidents()
    kinds = [e["kind"] for e in incident["timeline"]]
    assert "update" in kinds and "note" in kinds  # both reached the timeline...
    assert_no_words(slack_bodies(s.slack))  # ...and neither reached Slack
    assert_no_words(twilio_bodies(s.h.fake))
    assert "Maria Lopez" in await console_page(s.h, ATTORNEY)
    # Everyone else alertbot told something in this story:
    s.h.ignore(contains="#1")
    s.slack.ignore(contains="#1")
    s.slack.ignore(contains="Note added")
