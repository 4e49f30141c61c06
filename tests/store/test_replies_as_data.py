"""The receiver answers with data, and the dedup table keeps data: a replay is rendered
again from the stored key and values (issue 10; decision 0019). SQLite and PostgreSQL."""

from __future__ import annotations

import json

from alertbot.core import commands as cmd
from alertbot.core.actors import Outcome
from alertbot.core.model import Config
from alertbot.service.receiver import Receiver
from alertbot.store.sql import Store
from alertbot.text.reply import Reply, ReplyKey
from alertbot.text.slack import render_slack
from alertbot.text.sms import render_sms
from alertbot.text.voice import render_voice
from tests.store.district import actor
from tests.unitofwork import transaction


async def report(receiver: Receiver, config: Config, who: str, school: str | None) -> Reply:
    where = config.schools[school] if school else None
    return await receiver.handle(actor(config, who), cmd.Open(config.triggers[0], where, ""),
                                 "sms")


async def test_a_receipt_carries_its_data_not_its_words(receiver: Receiver,
                                                        config: Config) -> None:
    reply = await report(receiver, config, "teacher", None)  # no school: asked for it
    assert (reply.key, reply.outcome, reply.incident_id) == (ReplyKey.RECEIPT,
                                                             Outcome.OPENED, 1)
    assert reply.values == {"n": 1, "school": None, "fallback": "+18605550199",
                            "guidance": dict(config.incidents["ice"].guidance)}
    assert not hasattr(reply, "text")
    assert render_sms(reply).endswith("Which school? Reply with its code.")


async def test_status_and_choices_are_lists_each_medium_fits(receiver: Receiver,
                                                             config: Config) -> None:
    await report(receiver, config, "principal-burns", "burns")
    await report(receiver, config, "principal-oak", "oak")
    status = await receiver.handle(actor(config, "admin"), cmd.Status(), "sms")
    assert status.key is ReplyKey.STATUS
    assert status.values == {"incidents": [
        {"n": 1, "school": "Burns Academy", "acked_by": None},
        {"n": 2, "school": "Oak Middle School", "acked_by": None}]}
    which = await receiver.handle(actor(config, "admin"), cmd.Ack(None), "sms")
    assert (which.key, which.values) == (ReplyKey.ACK_WHICH, {"ids": [1, 2]})
    assert "#1, #2" in render_sms(which)
    assert "number 1, number 2" in " ".join(p.text for p in render_voice(which))


async def test_a_replayed_webhook_is_rendered_again_from_the_stored_data(
        store: Store, receiver: Receiver, config: Config) -> None:
    await report(receiver, config, "principal-burns", "burns")
    first = await receiver.handle(actor(config, "superintendent"), cmd.Ack(1), "sms",
                                  dedup_key="sms:SM0001")
    async with transaction(store, write=False) as tx:
        stored = await tx.seen_inbound("sms:SM0001")
    assert stored is not None
    assert json.loads(stored) == {"outcome": "acknowledged", "key": "ack_ok",
                                  "values": {"n": 1}, "incident_id": 1, "language": "en"}
    assert "You acknowledged" not in stored  # no words kept: they are rendered
    again = await receiver.handle(actor(config, "superintendent"), cmd.Ack(1), "sms",
                                  dedup_key="sms:SM0001")
    assert again == first
    assert render_sms(again) == render_sms(first) == (
        "You acknowledged #1; paging stopped and the reporter was told. "
        "Reply RESOLVE 1 when it is over.")
    assert render_slack(again) == render_slack(first)
    assert render_voice(again) == render_voice(first)


async def test_nothing_to_say_to_an_opt_out(receiver: Receiver, config: Config) -> None:
    reply = await receiver.handle(actor(config, "teacher"), cmd.Reserved("STOP"), "sms")
    assert (reply.key, reply.outcome) == (ReplyKey.NONE, Outcome.NONE)
    assert render_sms(reply) == ""
