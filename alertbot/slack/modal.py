"""The school-picker modal's submission: the school (and details) the slash command lacked.

Its answer is the receipt, shown in the modal itself (``response_action: update``);
if the receiver is slow, the modal closes at once and the receipt follows through the
slash command's ``response_url`` (carried in ``private_metadata``) or a DM. A submission
delivered again (same view id) just closes the modal: the first one answered.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from slack_bolt.async_app import AsyncAck

from alertbot.core import commands as cmd
from alertbot.core.actors import Outcome
from alertbot.core.model import Config, Trigger
from alertbot.text.reply import Reply
from alertbot.text.slack import render_slack
from alertbot.text.slack_text import receipt_modal, stranger_text, t

if TYPE_CHECKING:
    from alertbot.slack.inbound import SlackInbound


class ModalSubmission:
    def __init__(self, inbound: SlackInbound) -> None:
        self.inbound = inbound

    async def submitted(self, ack: AsyncAck, body: dict[str, Any],
                        view: dict[str, Any]) -> None:
        inbound = self.inbound
        config = inbound.config
        user = str((body.get("user") or {}).get("id", ""))
        actor = inbound.actor(user)
        lang = actor.language
        values = (view.get("state") or {}).get("values") or {}
        selected = ((values.get("school") or {}).get("school") or {}).get("selected_option")
        school = config.schools.get(str((selected or {}).get("value", "")))
        if school is None:
            await ack(response_action="errors", errors={"school": t("modal_unknown_school", lang)})
            return
        details = str(((values.get("details") or {}).get("details") or {}).get("value") or "")
        try:
            meta = json.loads(view.get("private_metadata") or "{}")
        except ValueError:
            meta = {}
        trigger = trigger_for(config, str(meta.get("command", ""))) or next(
            (tr for tr in config.triggers if tr.slash_command), None)
        if trigger is None:
            await ack(response_action="errors", errors={"school": t("modal_unknown_school", lang)})
            return
        view_id = view.get("id")
        key = f"slack:view:{view_id}" if view_id else None

        async def later(reply: Reply) -> None:
            text, blocks = render_slack(reply)
            await inbound.tell(user, str(meta.get("response_url", "")), text, blocks)

        async with inbound.delivery(key) as first:
            if not first:  # a redelivered submission: the first one answers
                await ack()
                return
            work = inbound.run(actor, cmd.Open(trigger, school, details), key)
            reply = await inbound.within_budget(work, later, lang)
            if reply is None:
                await ack()
                return
            if reply.outcome is Outcome.REFUSED:  # not in contacts: said where they chose
                number = reply.values.get("fallback")
                said = stranger_text(reply.language, str(number) if number else None)
                await ack(response_action="errors", errors={"school": said})
                return
            _text, blocks = render_slack(reply)
            await ack(response_action="update", view=receipt_modal(blocks, lang))


def trigger_for(config: Config, command: str) -> Trigger | None:
    wanted = command.strip().casefold()
    for trigger in config.triggers:
        if trigger.slash_command and trigger.slash_command.casefold() == wanted:
            return trigger
    return None
