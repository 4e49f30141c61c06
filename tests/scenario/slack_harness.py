"""Playing Slack against the running service: signed slash commands, button presses,
modal submissions and message events, as Slack sends them to POST /slack/events.

    reply = await s.command(PRINCIPAL_U, "burns 2 agents at the front desk")
    post = await s.slack.expect("chat.postMessage", channel=CHANNEL)
    await s.press(SUPERINTENDENT_U, "ack", 1)
"""

from __future__ import annotations

import itertools
import json
import re
from collections import Counter
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from alertbot import appkeys
from alertbot.core.records import TimelineEntry
from alertbot.core.redact import Secret
from alertbot.slack.inbound import SLACK
from alertbot.slack.post import SLACK_POST
from alertbot.store.sql import Tx
from alertbot.text.slack_post_blocks import timeline_text
from alertbot.text.slack_text import t
from tests.fakes.slack_server import SIGNING_SECRET, Call, FakeSlack, post_slack
from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import Harness

SLACK_DISTRICT = Path(__file__).parent / "slack_district"
CHANNEL = "C0INCIDENTS"

# The line a thread starts with when older entries were left to the dashboard.
EARLIER = re.compile(re.escape(t("earlier", "en", count=999)).replace("999", r"\d+"))
SUPERINTENDENT_U = "U0SUPT001"
ATTORNEY_U = "U0ATTY002"
DEPUTY_U = "U0DEP003"
ADMIN_U = "U0ADMIN05"
PRINCIPAL_U = "U0PRIN142"
AREA_LEAD_U = "U0AREA147"
TEACHER_U = "U0TEACH50"
STRANGER_U = "U0STRANGER"


def slack_settings(slack: FakeSlack) -> dict[str, Any]:
    return {"slack_bot_token": Secret(slack.token),
            "slack_signing_secret": Secret(SIGNING_SECRET),
            "slack_api_url": slack.api_url, "slack_channel": CHANNEL}


class SlackPlayer:
    def __init__(self, h: Harness, slack: FakeSlack) -> None:
        self.h = h
        self.slack = slack
        self._ids = itertools.count(1)
        slack.ledger.use_clock(h.clock.now)
        # The incident post's thread mirrors the timeline, several entries a message as
        # timing has it: stories read it whole (``slack.thread``), not message by message;
        # at teardown ``check_threads`` fails on any entry it carries twice.
        slack.ignore("chat.postMessage", to=f"{CHANNEL}/thread")
        h.quiet = self.quiesce
        # The stories read a slash command's receipt in its ack. Slack's 3 s budget
        # (ACK_BUDGET, 2 s) is real time: loaded CI machines took longer twice, and the
        # receipt went by response_url, which the story did not expect. Every player
        # (however its harness was built) waits 30 s; tests of the late path set the
        # budget to 0 themselves.
        h.app[SLACK].ack_budget = 30.0

    @classmethod
    async def start(cls, fake: FakeTwilio, slack: FakeSlack, tmp: Path) -> SlackPlayer:
        h = await Harness(fake, tmp, SLACK_DISTRICT, extra=slack_settings(slack)).start()
        h.app[SLACK_POST].followup_delay = 0.05
        return cls(h, slack)

    def next_id(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):06d}"

    async def settle(self) -> None:
        """Background Slack work, the engine, and the incident post, until all is quiet."""
        for _ in range(3):
            await self.h.app[SLACK].drain()
            await self.h.settle()
            await self.h.app[appkeys.EVENTS].drain()
            await self.h.app[SLACK_POST].drain()

    async def received(self, contains: str, *channels: str) -> list[Call]:
        """Each of ``channels`` (a DM ``D…`` or a channel) got one message containing
        ``contains``: expect (and consume) one chat.postMessage each; the calls."""
        return [await self.slack.expect("chat.postMessage", channel=channel, contains=contains)
                for channel in channels]

    async def quiesce(self) -> None:
        """Teardown, after a story that passed: settle, then ``check_threads``."""
        await self.settle()
        await self.check_threads()

    async def check_threads(self) -> None:
        """Raise AssertionError if the thread of an incident's post in CHANNEL shows a
        timeline line more often than the incident's timeline has it (a duplicate or
        stray thread post). Lines not posted yet are not the question here; a thread
        that starts with the "earlier entries" summary is not compared."""
        posts = [ts for (channel, ts), m in self.slack.messages.items()
                 if channel == CHANNEL and not m.get("thread_ts")]
        for ts in posts:
            number = await self.h.app[SLACK_POST].incident_for(CHANNEL, ts)
            if number is None:
                continue
            entries = await self.h.app[appkeys.STORE].read(partial(_timeline, number))
            texts = [str(m.get("text", "")) for m in self.slack.thread(CHANNEL, ts)]
            if any(EARLIER.match(text) for text in texts):
                continue
            shown = Counter(line for text in texts for line in text.split("\n"))
            timeline = Counter(line for text in timeline_text(
                entries, self.h.config.timezone, max_messages=len(entries) + 1)
                for line in text.split("\n"))
            extra = shown - timeline
            assert not extra, (f"incident #{number}: its Slack thread shows lines more often "
                               f"than its timeline has them: {dict(extra)}")

    async def post(self, body: str, **kw: Any) -> tuple[int, str]:
        assert self.h.session is not None
        return await post_slack(self.h.session, self.h.url + "/slack/events", body, **kw)

    async def command(self, user: str, text: str, command: str = "/ice",
                      trigger_id: str | None = None, **kw: Any) -> tuple[int, dict[str, Any]]:
        """A slash command; (HTTP status, the JSON reply or {} for an empty 200)."""
        form = {"token": "legacy", "team_id": "T0TEST", "team_domain": "test",
                "channel_id": "C0GENERAL", "channel_name": "general", "user_id": user,
                "user_name": user.lower(), "command": command, "text": text,
                "api_app_id": "A0ALERTBOT", "is_enterprise_install": "false",
                "response_url": self.slack.response_url(self.next_id("cmd")),
                "trigger_id": trigger_id or self.next_id("trig.")}
        status, body = await self.post(urlencode(form), **kw)
        await self.settle()
        return status, (json.loads(body) if body.startswith("{") else {})

    async def interact(self, payload: dict[str, Any], **kw: Any) -> tuple[int, str]:
        status, body = await self.post(urlencode({"payload": json.dumps(payload)}), **kw)
        await self.settle()
        return status, body

    async def press(self, user: str, action_id: str, incident: int,
                    channel: str = CHANNEL, message_ts: str = "1800000001.000100",
                    trigger_id: str | None = None, **kw: Any) -> tuple[int, str]:
        payload = {
            "type": "block_actions", "team": {"id": "T0TEST"}, "api_app_id": "A0ALERTBOT",
            "user": {"id": user, "team_id": "T0TEST"},
            "trigger_id": trigger_id or self.next_id("trig."),
            "container": {"type": "message", "message_ts": message_ts, "channel_id": channel},
            "channel": {"id": channel}, "message": {"ts": message_ts, "text": "x"},
            "response_url": self.slack.response_url(self.next_id("btn")),
            "actions": [{"type": "button", "action_id": action_id, "value": str(incident),
                         "block_id": f"incident-{incident}",
                         "action_ts": f"{1_800_000_100 + next(self._ids)}.0001"}],
        }
        return await self.interact(payload, **kw)

    async def submit(self, user: str, view: dict[str, Any], school: str | None,
                     details: str = "", **kw: Any) -> tuple[int, dict[str, Any]]:
        """Submit the modal ``view`` (as views.open received it) with these values."""
        selected = {"value": school, "text": {"type": "plain_text", "text": school}} \
            if school else None
        state = {"school": {"school": {"type": "static_select", "selected_option": selected}},
                 "details": {"details": {"type": "plain_text_input", "value": details or None}}}
        payload = {"type": "view_submission", "team": {"id": "T0TEST"},
                   "user": {"id": user, "team_id": "T0TEST"}, "api_app_id": "A0ALERTBOT",
                   "trigger_id": self.next_id("trig."),
                   "view": {**view, "id": view.get("id", "V0000001"), "state": {"values": state},
                            "hash": "h1"}}
        status, body = await self.interact(payload, **kw)
        return status, (json.loads(body) if body.startswith("{") else {})

    async def message(self, user: str, text: str, channel: str, thread_ts: str | None = None,
                      channel_type: str = "channel", event_id: str | None = None,
                      **kw: Any) -> tuple[int, str]:
        ts = f"{1_800_000_200 + next(self._ids)}.0001"
        event: dict[str, Any] = {"type": "message", "user": user, "text": text, "ts": ts,
                                 "channel": channel, "channel_type": channel_type}
        if thread_ts:
            event["thread_ts"] = thread_ts
        body = {"token": "legacy", "team_id": "T0TEST", "api_app_id": "A0ALERTBOT",
                "type": "event_callback", "event_id": event_id or self.next_id("Ev"),
                "event_time": 1_800_000_000, "event": event,
                "authorizations": [{"team_id": "T0TEST", "user_id": BOT_USER_ID,
                                    "is_bot": True}]}
        status, text_ = await self.post(json.dumps(body), **kw)
        await self.settle()
        return status, text_


BOT_USER_ID = "U0ALERTBOT"


def _timeline(number: int, tx: Tx) -> list[TimelineEntry]:
    return tx.timeline([number])[number]
