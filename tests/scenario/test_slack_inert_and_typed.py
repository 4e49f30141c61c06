"""Issue 9 in Slack: what a reporter writes reaches Slack inert (kind 12), and DMs to the
bot read numbers the way people type them (kind 5). The real service against the fake
Slack; every call it received is inspected."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fakes.slack_server import FakeSlack
from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import PRINCIPAL, SUPERINTENDENT, Harness
from tests.scenario.slack_harness import (
    ATTORNEY_U,
    CHANNEL,
    PRINCIPAL_U,
    SLACK_DISTRICT,
    SUPERINTENDENT_U,
    SlackPlayer,
    slack_settings,
)
from tests.scenario.teardown import finish

LIVE = ("<!channel>", "<!here>", "<!everyone>", "<@U0SUPT001>", "<@U0DEP003>",
        "<https://evil.example|")
NAME = "Ana <!channel> Perez <@U0SUPT001>"


@pytest.fixture
async def s(request: pytest.FixtureRequest, fake: FakeTwilio, slack: FakeSlack,
            tmp_path: Path) -> AsyncIterator[SlackPlayer]:
    """The Slack district, but the Burns principal's name carries mentions and the
    attorney has no phone (so what is forwarded to them goes by Slack DM)."""
    district = tmp_path / "district"
    shutil.copytree(SLACK_DISTRICT, district)
    people = district / "contacts" / "people.yaml"
    text = people.read_text()
    text = text.replace("name: Ana Perez", f'name: "{NAME}"')
    text = text.replace('  phone: "+1 860 555 0102"\n', "  channels: [slack]\n")
    people.write_text(text)
    h = await Harness(fake, tmp_path, district, extra=slack_settings(slack)).start()
    player = SlackPlayer(h, slack)
    try:
        yield player
    finally:
        await finish(request, h)


def assert_inert(slack: FakeSlack) -> None:
    """No call alertbot made to Slack carries a live mention or link."""
    for call in slack.calls:
        for live in LIVE:
            assert live not in call.text, (call.method, call.text)


async def test_mentions_in_a_reporters_name_and_updates_arrive_inert(s: SlackPlayer) -> None:
    status, reply = await s.command(PRINCIPAL_U, "burns <!here> 2 agents")
    assert status == 200, reply
    post = await s.slack.expect("chat.postMessage", channel=CHANNEL, contains="#1")
    await s.message(ATTORNEY_U, "ack 1", "D0ATTY002", channel_type="im")
    await s.message(PRINCIPAL_U, "<!channel> they are at <@U0DEP003>'s door "
                    "<https://evil.example|click>", CHANNEL, thread_ts=post.result["ts"])
    await s.h.text(PRINCIPAL, "<!everyone> now at the gym & the office")
    await s.settle()
    [incident] = await s.h.incidents()
    assert incident["acknowledged_by"]["id"] == "attorney"
    forwarded = s.slack.calls_of("chat.postMessage", channel="D0ATTY002")
    shown = "".join(c.text for c in forwarded)
    # The updates' words never reach the acknowledger's DM (decision 0043): only that
    # they came, with the reporter's name escaped.
    assert "they are at" not in shown and "gym" not in shown
    pages = s.slack.calls_of("chat.postMessage", channel="D0SUPT001")
    assert pages and "Ana &lt;!channel&gt; Perez" in pages[0].text
    assert_inert(s.slack)
    # Everyone else alertbot told something in this story:
    await s.h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await s.h.received("#1: Sam Okafor is on it and is responding.", PRINCIPAL)
    await s.h.received("#1 acknowledged by Sam Okafor", SUPERINTENDENT)
    await s.received("ALERT #1: Enforcement visit at Burns Academy", "D0SUPT001")
    await s.received("ALERTA #1: Enforcement visit at Burns Academy", "D0ATTY002")
    await s.received("Usted atiende #1; se detuvieron los avisos y se", "D0ATTY002")
    await s.received("#1 reportado por Ana &lt;!channel&gt; Perez", "D0ATTY002")
    for told in await s.received("#1: Ana &lt;!channel&gt; Perez", "D0ATTY002", "D0ATTY002"):
        assert told.args["text"].endswith("envió una novedad. Léala en la consola: "
                                          "https://alerts.example.test/incidents/1")


@pytest.mark.parametrize("text", ["Ack 1!", "ACK 1.", "ack #1,", "<@U0ALERTBOT> ack 1",
                                  "*ACK 1*", "ACK １"])
async def test_ack_by_dm_reads_the_number_however_it_is_typed(s: SlackPlayer,
                                                             text: str) -> None:
    status, _ = await s.command(PRINCIPAL_U, "burns 2 agents")
    assert status == 200
    await s.message(SUPERINTENDENT_U, text, "D0SUPT001", channel_type="im")
    await s.slack.expect("chat.postMessage", channel="D0SUPT001", contains="You acknowledged #1")
    [incident] = await s.h.incidents()
    assert incident["acknowledged_by"]["id"] == "superintendent"
    # Everyone else alertbot told something in this story:
    await s.h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await s.h.received("#1 reported by Ana", SUPERINTENDENT)
    await s.h.received("#1: Dr. Jordan Rivera is on it and is responding.", PRINCIPAL)
    await s.received("#1 Enforcement visit at Burns Academy (triggered)", CHANNEL)
    await s.received("ALERT #1: Enforcement visit at Burns Academy", "D0SUPT001")
    await s.received("ALERTA #1: Enforcement visit at Burns Academy", "D0ATTY002")
    await s.received("#1 atendido por Dr. Jordan Rivera", "D0ATTY002")
