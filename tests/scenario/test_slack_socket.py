"""Slack over Socket Mode (SLACK_APP_TOKEN): no public URL, no /slack/events.

The service connects to the fake Slack's websocket (``apps.connections.open`` with the
app-level token); the test plays Slack by pushing envelopes down it — the same slash
commands, presses and events as test_slack.py posts — and reads the client's acks.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest

from alertbot.core.redact import Secret
from alertbot.settings import Settings
from alertbot.slack.post import SLACK_POST
from tests.fakes.slack_server import SIGNING_SECRET, FakeSlack, post_slack
from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import ATTORNEY, DEPUTY, PRINCIPAL, SUPERINTENDENT, Harness
from tests.scenario.slack_harness import (
    ATTORNEY_U,
    CHANNEL,
    PRINCIPAL_U,
    SLACK_DISTRICT,
    STRANGER_U,
    SUPERINTENDENT_U,
    SlackPlayer,
)
from tests.scenario.teardown import finish


def socket_settings(slack: FakeSlack, signing_secret: bool = False) -> dict[str, Any]:
    values: dict[str, Any] = {"slack_bot_token": Secret(slack.token),
                              "slack_app_token": Secret(slack.app_token),
                              "slack_api_url": slack.api_url, "slack_channel": CHANNEL}
    if signing_secret:
        values["slack_signing_secret"] = Secret(SIGNING_SECRET)
    return values


class SocketPlayer(SlackPlayer):
    """SlackPlayer's commands, presses and messages, sent as Socket Mode envelopes.

    ``envelope_id`` sends one again (a redelivery); the answer is the envelope's ack."""

    @classmethod
    async def start_socket(cls, fake: FakeTwilio, slack: FakeSlack, tmp: Path,
                           signing_secret: bool = False) -> SocketPlayer:
        h = await Harness(fake, tmp, SLACK_DISTRICT,
                          extra=socket_settings(slack, signing_secret)).start()
        h.app[SLACK_POST].followup_delay = 0.05
        await slack.connected()
        return cls(h, slack)

    async def post(self, body: str, *, envelope_id: str | None = None,
                   retry_num: int | None = None, **kw: Any) -> tuple[int, str]:
        assert not kw, kw
        if body.startswith("{"):
            kind, payload = "events_api", json.loads(body)
        else:
            form = dict(parse_qsl(body, keep_blank_values=True))
            kind, payload = (("interactive", json.loads(form["payload"])) if "payload" in form
                             else ("slash_commands", form))
        eid = await self.slack.push(kind, payload, envelope_id, retry_attempt=retry_num)
        ack = await self.slack.expect("socket_ack", envelope_id=eid)
        answer = ack.result.get("payload")
        return 200, json.dumps(answer) if answer else ""


@pytest.fixture
async def s(request: pytest.FixtureRequest, fake: FakeTwilio, slack: FakeSlack,
            tmp_path: Path) -> AsyncIterator[SocketPlayer]:
    player = await SocketPlayer.start_socket(fake, slack, tmp_path)
    try:
        yield player
    finally:
        await finish(request, player.h)


def test_slack_app_token_is_read_from_the_environment() -> None:
    settings = Settings.from_env({"SLACK_APP_TOKEN": " xapp-1-A0-1-abc "})
    assert settings.slack_app_token == Secret("xapp-1-A0-1-abc")
    assert "xapp" not in repr(settings)
    assert Settings.from_env({}).slack_app_token is None


async def test_connects_with_the_app_token_to_slack_api_url(s: SocketPlayer) -> None:
    [opened] = s.slack.calls_of("apps.connections.open")  # on the fake: SLACK_API_URL
    assert opened.ok  # the fake accepts only the app-level token for it
    assert s.h.session is not None
    async with s.h.session.post(s.h.url + "/slack/events", data=b"x") as response:
        assert response.status == 404  # no signing secret: no HTTP route at all


async def test_slash_command_opens_an_incident_pages_step_one_and_is_acked(
        s: SocketPlayer) -> None:
    status, reply = await s.command(PRINCIPAL_U, "BURNS 2 agents at the front desk")
    assert status == 200
    assert reply["response_type"] == "ephemeral"  # the ack carries the receipt
    assert "#1 opened" in reply["text"] and "warrant signed by a judge" in reply["text"]
    page = await s.h.fake.expect_sms(SUPERINTENDENT, contains="ACK 1")
    assert "front desk" not in page.body
    await s.h.fake.expect_sms(ATTORNEY, contains="ACK 1")
    await s.h.fake.assert_no_sms(DEPUTY)
    [incident] = await s.h.incidents()
    assert (incident["school"], incident["source"]) == ("burns", "slack")
    assert incident["reporter"]["id"] == "principal-burns"
    await s.slack.expect("chat.postMessage", channel=CHANNEL, contains="#1")
    # Everyone else alertbot told something in this story:
    await s.received("ALERT #1: Enforcement visit at Burns Academy", "D0SUPT001")
    await s.received("ALERTA #1: Enforcement visit at Burns Academy", "D0ATTY002")


async def test_ack_button_acknowledges_and_stops_sms_paging(s: SocketPlayer) -> None:
    await s.command(PRINCIPAL_U, "burns")
    post = await s.slack.expect("chat.postMessage", channel=CHANNEL, contains="#1")
    status, acked = await s.press(SUPERINTENDENT_U, "ack", 1, message_ts=post.result["ts"])
    assert (status, acked) == (200, "")  # acked at once, answered through response_url
    await s.slack.expect_response(contains="acknowledged #1")
    await s.h.fake.expect_sms(PRINCIPAL, contains="Dr. Jordan Rivera")
    await s.h.advance(minutes=30)
    await s.h.fake.assert_no_sms(DEPUTY)
    [incident] = await s.h.incidents()
    assert incident["state"] == "acknowledged"
    assert incident["acknowledged_by"]["id"] == "superintendent"
    # Everyone else alertbot told something in this story:
    await s.h.received("ALERT #1", SUPERINTENDENT)
    await s.h.received("ALERTA #1", ATTORNEY)
    await s.h.received("#1 was reported by Ana Perez", SUPERINTENDENT)
    await s.h.received("#1 atendido por Dr. Jordan Rivera", ATTORNEY)
    await s.received("ALERT #1", "D0SUPT001")
    await s.received("ALERTA #1", "D0ATTY002")


async def test_a_stranger_is_refused_and_nothing_is_paged(s: SocketPlayer) -> None:
    status, reply = await s.command(STRANGER_U, "burns agents at the door")
    assert status == 200
    assert reply["response_type"] == "ephemeral"
    assert "not in alertbot's contacts" in reply["text"] and "+18605550199" in reply["text"]
    await s.press(STRANGER_U, "ack", 1)
    await s.slack.expect_response(contains="not in alertbot's contacts")
    assert await s.h.incidents() == []
    await s.h.fake.assert_no_sms()
    await s.slack.assert_no("chat.postMessage")


async def test_a_redelivered_envelope_has_one_effect(s: SocketPlayer) -> None:
    first = await s.command(PRINCIPAL_U, "burns", trigger_id="trig.R1", envelope_id="env-R1")
    again = await s.command(PRINCIPAL_U, "burns", trigger_id="trig.R1", envelope_id="env-R1")
    assert "#1 opened" in first[1]["text"] and again[1] == {}  # acked, shown once
    assert len(await s.h.incidents()) == 1
    await s.h.fake.expect_sms(SUPERINTENDENT, contains="ACK 1")
    await s.h.fake.assert_no_sms(SUPERINTENDENT)
    await s.press(ATTORNEY_U, "ack", 1, trigger_id="trig.R2", envelope_id="env-R2")
    await s.press(ATTORNEY_U, "ack", 1, trigger_id="trig.R2", envelope_id="env-R2")
    await s.slack.expect_response(contains="#1")
    await s.slack.assert_no("response_url")
    post = s.slack.calls_of("chat.postMessage", channel=CHANNEL)[0].result["ts"]
    for retry in (None, 1):  # an event redelivered after a missed ack carries retry_attempt
        await s.message(PRINCIPAL_U, "agents left by the east door", CHANNEL, thread_ts=post,
                        event_id="Ev0THREAD1", envelope_id="env-R3", retry_num=retry)
    [incident] = await s.h.incidents()
    kinds = [e["kind"] for e in incident["timeline"]]
    assert kinds.count("acknowledged") == 1 and kinds.count("update") == 1
    assert [c.args["envelope_id"] for c in s.slack.calls_of("socket_ack")].count("env-R3") == 2
    # Everyone else alertbot told something in this story:
    await s.h.received("ALERTA #1: Enforcement visit at Burns Academy", ATTORNEY)
    await s.h.received("#1 fue reportado por Ana Perez aun sin detalles", ATTORNEY)
    await s.h.received("#1: Sam Okafor is on it and is responding.", PRINCIPAL)
    await s.h.received("#1 acknowledged by Sam Okafor", SUPERINTENDENT)
    await s.h.received("#1: Ana Perez envio una novedad. Léala en la consola", ATTORNEY)
    await s.received("#1 Enforcement visit at Burns Academy (triggered)", CHANNEL)
    await s.received("ALERT #1: Enforcement visit at Burns Academy", "D0SUPT001")
    await s.received("ALERTA #1: Enforcement visit at Burns Academy", "D0ATTY002")


async def test_reconnects_when_slack_asks_and_hangs_up_on_shutdown(s: SocketPlayer) -> None:
    old = await s.slack.connected()
    await s.slack.ask_to_reconnect()  # Slack does so every few hours
    for _ in range(250):
        if s.slack.socket not in (None, old):
            break
        await asyncio.sleep(0.02)
    assert old.closed and len(s.slack.calls_of("apps.connections.open")) == 2
    _, reply = await s.command(PRINCIPAL_U, "burns")
    assert "#1 opened" in reply["text"]
    await s.h.close()
    assert s.slack.socket is None
    # Everyone else alertbot told something in this story:
    await s.h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await s.h.received("ALERTA #1: Enforcement visit at Burns Academy", ATTORNEY)
    await s.received("#1 Enforcement visit at Burns Academy (triggered)", CHANNEL)
    await s.received("ALERT #1: Enforcement visit at Burns Academy", "D0SUPT001")
    await s.received("ALERTA #1: Enforcement visit at Burns Academy", "D0ATTY002")


async def test_http_events_stay_mounted_when_a_signing_secret_is_set_too(
        fake: FakeTwilio, slack: FakeSlack, tmp_path: Path) -> None:
    player = await SocketPlayer.start_socket(fake, slack, tmp_path, signing_secret=True)
    try:
        _, reply = await player.command(PRINCIPAL_U, "burns", trigger_id="trig.B1")
        assert "#1 opened" in reply["text"]
        assert player.h.session is not None
        form = {"command": "/ice", "text": "burns", "user_id": PRINCIPAL_U,
                "trigger_id": "trig.B1", "response_url": slack.response_url("h1")}
        status, body = await post_slack(player.h.session, player.h.url + "/slack/events",
                                        urlencode(form))
        assert (status, body) == (200, "")  # same key: answered already, shown once
        assert len(await player.h.incidents()) == 1
        await player.settle()
        await player.slack.expect("chat.postMessage", channel=CHANNEL, contains="#1")
        await player.received("ALERT", "D0SUPT001", "D0ATTY002")  # DM pages
        await player.h.received("#1: Enforcement visit", SUPERINTENDENT, ATTORNEY)
    finally:
        await player.h.close()


async def test_a_refused_app_token_never_holds_up_the_service(
        fake: FakeTwilio, slack: FakeSlack, tmp_path: Path) -> None:
    settings = {**socket_settings(slack), "slack_app_token": Secret("xapp-revoked")}
    h = await Harness(fake, tmp_path, SLACK_DISTRICT, extra=settings).start()
    try:
        for _ in range(250):
            if slack.calls:
                break
            await asyncio.sleep(0.02)
        assert [c.error for c in slack.calls if c.method == "apps.connections.open"] \
            == ["invalid_auth"]
        assert slack.socket is None
        assert await h.text(PRINCIPAL, "ICE burns") != ""  # SMS works all the same
        await fake.expect_sms(SUPERINTENDENT, contains="ACK 1")
        await fake.expect_sms(ATTORNEY, contains="ACK 1")
        # Only Socket Mode was refused: the bot token still posts and sends DM pages.
        for channel in (CHANNEL, "D0SUPT001", "D0ATTY002"):
            await slack.expect("chat.postMessage", channel=channel, contains="#1")
        slack.ignore("chat.postMessage", to=f"{CHANNEL}/thread")  # the timeline, as ever
    finally:
        started = asyncio.get_running_loop().time()
        await h.close()  # does not wait out the SDK's retry pause
        assert asyncio.get_running_loop().time() - started < 2
