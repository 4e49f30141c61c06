"""Documents are never forwarded by Slack (issue 12): the channel's thread says a photo
was received and stored, never its bytes, its link or the words sent with it."""

from __future__ import annotations

import json

from tests.scenario.harness import ATTORNEY, PRINCIPAL, SUPERINTENDENT
from tests.scenario.slack_harness import CHANNEL, SlackPlayer
from tests.scenario.test_slack import open_incident

JPEG = b"\xff\xd8\xff\xe0" + b"secret-bytes" * 50


async def test_the_slack_thread_says_a_document_came_and_never_carries_it(
        s: SlackPlayer) -> None:
    post = await open_incident(s)
    reply = await s.h.mms(PRINCIPAL, "the warrant names a student", (JPEG, "image/jpeg"))
    assert reply.startswith("Photo received for #1.")
    await s.settle()
    thread = " ".join(m["text"] for m in s.slack.thread(CHANNEL, post["ts"]))
    assert "*document*" in thread and "stored: image/jpeg" in thread
    everything = json.dumps([c.args for c in s.slack.calls], default=str)
    for never in ("names a student", "secret-bytes", "/documents/", "twilio.com"):
        assert never not in everything, never
    assert not s.slack.calls_of("files.upload") and not s.slack.calls_of("files.uploadV2")
    # Everyone else alertbot told something in this story:
    await s.h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await s.h.received("ALERTA #1: Enforcement visit at Burns Academy", ATTORNEY)
    await s.received("ALERT #1: Enforcement visit at Burns Academy", "D0SUPT001")
    await s.received("ALERTA #1: Enforcement visit at Burns Academy", "D0ATTY002")
