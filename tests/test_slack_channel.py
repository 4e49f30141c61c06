"""The Slack DM adapter against the fake Slack server (real slack_sdk, real HTTP)."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest

from alertbot.core.model import Channel
from alertbot.notify.base import OutboundMessage, PermanentFailure, TemporaryFailure
from alertbot.slack.sender import SlackSender, make_slack_client, retry_after
from tests.fakes.slack_server import FakeSlack

MEMBER = "U0SUPT001"


def page(kind: str = "page", body: str = "ALERT #12: Visit at <Burns>. Reply ACK 12",
         language: str = "en") -> OutboundMessage:
    return OutboundMessage(outbox_id=1, channel=Channel.SLACK, to=MEMBER, body=body,
                           language=language, incident_id=12, kind=kind)


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as server:
        yield server


@pytest.fixture
async def sender(slack: FakeSlack) -> AsyncIterator[SlackSender]:
    dm = SlackSender(make_slack_client(slack.token, slack.api_url.rstrip("/"), max_wait=0.5))
    yield dm
    await dm.close()


async def test_a_page_is_a_dm_with_ack_and_resolve_buttons(slack: FakeSlack,
                                                          sender: SlackSender) -> None:
    result = await sender.send(page())
    await slack.expect("conversations.open", users=MEMBER)
    call = await slack.expect("chat.postMessage", channel="D0SUPT001")
    assert result.provider_id == f"slack:D0SUPT001:{call.result['ts']}"
    # The fallback text is mrkdwn too (a mention in it notifies): escaped like the blocks.
    assert call.args["text"] == "ALERT #12: Visit at &lt;Burns&gt;. Reply ACK 12"
    buttons = [e for b in call.args["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert [(b["action_id"], b["value"]) for b in buttons] == [("ack", "12"), ("resolve", "12")]
    assert "&lt;Burns&gt;" in call.args["blocks"][0]["text"]["text"]  # mrkdwn-escaped


async def test_a_notice_has_no_buttons_and_the_dm_channel_is_reused(
        slack: FakeSlack, sender: SlackSender) -> None:
    await sender.send(page())
    await sender.send(page(kind="notice", body="#12 acknowledged by Sam."))
    assert len(slack.calls_of("conversations.open")) == 1
    notice = slack.calls_of("chat.postMessage")[-1]
    assert all(b["type"] != "actions" for b in notice.args["blocks"])


@pytest.mark.parametrize("error", ["user_not_found", "account_inactive", "cannot_dm_bot"])
async def test_a_refused_member_is_a_permanent_failure(slack: FakeSlack, sender: SlackSender,
                                                       error: str) -> None:
    slack.fail_for_user(MEMBER, error)
    with pytest.raises(PermanentFailure) as info:
        await sender.send(page())
    assert info.value.code == error


async def test_bad_token_is_permanent(slack: FakeSlack) -> None:
    dm = SlackSender(make_slack_client("xoxb-wrong", slack.api_url))
    with pytest.raises(PermanentFailure) as info:
        await dm.send(page())
    assert info.value.code == "invalid_auth"


async def test_short_rate_limit_is_waited_out_inside_the_sdk(slack: FakeSlack,
                                                            sender: SlackSender) -> None:
    slack.fail_next("chat.postMessage", "ratelimited", status=429, retry_after=0)
    await sender.send(page())
    assert [c.status for c in slack.calls if c.method == "chat.postMessage"] == [429, 200]


async def test_long_rate_limit_is_a_temporary_failure_with_retry_after(
        slack: FakeSlack, sender: SlackSender) -> None:
    slack.fail_next("chat.postMessage", "ratelimited", status=429, retry_after=30)
    started = time.monotonic()
    with pytest.raises(TemporaryFailure) as info:
        await sender.send(page())
    assert time.monotonic() - started < 2, "a long Retry-After is not slept in a send"
    assert info.value.retry_after == 30


@pytest.mark.parametrize("status, error", [(500, "internal_error"), (200, "fatal_error"),
                                           (503, "service_unavailable")])
async def test_slack_trouble_is_temporary(slack: FakeSlack, sender: SlackSender, status: int,
                                          error: str) -> None:
    slack.fail_next("chat.postMessage", error, status=status)
    with pytest.raises(TemporaryFailure):
        await sender.send(page())


async def test_unreachable_slack_is_temporary(slack: FakeSlack) -> None:
    dm = SlackSender(make_slack_client(slack.token, "http://127.0.0.1:9/api/"))
    with pytest.raises(TemporaryFailure):
        await dm.send(page())


def test_retry_after_header_parsing() -> None:
    assert retry_after({"Retry-After": ["12"]}) == 12
    assert retry_after({"retry-after": "3"}) == 3
    assert retry_after({"Retry-After": "soon"}) is None
    assert retry_after(None) is None
