"""Message events: a DM to the bot, and a reply in an incident post's thread.

* A DM speaks the SMS grammar (``ACK 12``, ``RESOLVE 12``, ``STATUS``…): DM pages say
  "text ACK 12" and mean it in Slack too. The reply goes back into the DM.
* A contact's reply in the thread of an incident post is an update to that incident
  (the receiver decides who may add one; a refusal is shown to that person only).

Events are acknowledged at once and handled in the background; Slack's retries of an
event (same ``event_id``) have one effect and one reply: the key is claimed before any
output (``SlackInbound.delivery``), so a retry posts nothing.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncAck

from alertbot.core import commands as cmd
from alertbot.text.slack import render_slack

if TYPE_CHECKING:
    from alertbot.slack.inbound import SlackInbound


_LEADING_MENTIONS = re.compile(r"^(\s*<@[A-Z0-9]+(\|[^>]*)?>)+")
_MARKUP = "*_~`"


def command_text(text: str) -> str:
    """A DM's text as the SMS grammar reads it: Slack sends ``&``, ``<``, ``>`` escaped
    (``&amp;`` …), a leading mention of the bot (``<@U0ALERTBOT> ack 12``) and mrkdwn
    markers around the whole text (``*ACK 12*``) are not part of the command."""
    text = _LEADING_MENTIONS.sub("", text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return text.strip().strip(_MARKUP).strip()


class SlackMessages:
    def __init__(self, inbound: SlackInbound) -> None:
        self.inbound = inbound

    async def received(self, ack: AsyncAck, body: dict[str, Any],
                       event: dict[str, Any]) -> None:
        await ack()
        if event.get("subtype") or event.get("bot_id") or not event.get("user"):
            return  # edits, joins, and the bot's own messages
        self.inbound.spawn(self._handle(body, event))

    async def _handle(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        channel, ts = str(event.get("channel", "")), str(event.get("ts", ""))
        key = f"slack:event:{body.get('event_id') or channel + ':' + ts}"
        async with self.inbound.delivery(key) as first:
            if first:  # a retried event (same event_id) shows nothing again
                await self._first(event, key)

    async def _first(self, event: dict[str, Any], key: str) -> None:
        inbound = self.inbound
        user, channel = str(event["user"]), str(event.get("channel", ""))
        text, ts = str(event.get("text", "")), str(event.get("ts", ""))
        thread = str(event.get("thread_ts") or "")
        actor = inbound.actor(user)
        if event.get("channel_type") == "im":
            command = cmd.parse_sms(inbound.config, command_text(text))
            reply = await inbound.run(actor, command, key)  # a stranger: the receiver refuses
            shown, blocks = render_slack(reply)
            if shown:
                await inbound.client.chat_postMessage(channel=channel, text=shown, blocks=blocks)
            return
        if not thread or thread == ts or inbound.thread_incident is None:
            return
        number = await inbound.thread_incident(channel, thread)
        if number is None:
            return
        reply = await inbound.run(actor, cmd.Update(number, text), key)
        shown, blocks = render_slack(reply)
        if not reply.outcome.reached_incident and shown:  # refused: tell only them
            await inbound.client.chat_postEphemeral(channel=channel, user=user, text=shown,
                                                    blocks=blocks, thread_ts=thread)
