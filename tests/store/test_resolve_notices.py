"""Everyone paged for an incident hears it was resolved, once each, through the outbox:
the escalation's people and those the console's "page now" reached, by a page or, after
an acknowledgement, by its "join the response" notice (SQLite and PostgreSQL)."""

from __future__ import annotations

from alertbot.core import commands as cmd
from alertbot.core.model import Config
from alertbot.core.records import OutboxItem, OutboxKind
from alertbot.service.receiver import Receiver
from alertbot.store.sql import Store
from tests.store.district import actor
from tests.unitofwork import transaction


async def opened(receiver: Receiver, config: Config) -> int:
    reply = await receiver.handle(actor(config, "principal-burns"),
                                  cmd.Open(config.triggers[0], config.schools["burns"], ""),
                                  "sms")
    assert reply.incident_id is not None
    return reply.incident_id


async def send_all(store: Store, number: int) -> None:
    """What the dispatcher does: every queued message goes out (status sent)."""
    async with transaction(store) as tx:
        for m in await tx.messages_for(number):
            if m.status == "pending":
                await tx.mark_sent(m.id, f"SM{m.id}", 1.0)


async def resolve_notices(store: Store, number: int) -> list[OutboxItem]:
    async with transaction(store, write=False) as tx:
        return [m for m in await tx.messages_for(number)
                if m.kind is OutboxKind.NOTICE and "resolved by" in m.body]


async def test_someone_the_console_asked_to_join_hears_the_resolve_once(
        store: Store, receiver: Receiver, config: Config) -> None:
    number = await opened(receiver, config)  # pages the superintendent and the attorney
    await send_all(store, number)
    await receiver.handle(actor(config, "attorney"), cmd.Ack(number), "sms")
    # After the ACK "page now" sends the deputy one notice asking them to join.
    await receiver.handle(actor(config, "superintendent"), cmd.PageNow(number, "deputy"),
                          "console")
    await receiver.handle(actor(config, "superintendent"), cmd.PageNow(number, "deputy"),
                          "console")  # asked twice: still told once
    await send_all(store, number)
    await receiver.handle(actor(config, "admin"), cmd.Resolve(number), "sms")
    told = await resolve_notices(store, number)
    assert sorted(m.contact_id or "" for m in told) == [
        "attorney", "deputy", "principal-burns", "superintendent"]
    deputy = next(m for m in told if m.contact_id == "deputy")
    assert deputy.body == f"#{number} resolved by Riley Chen."
    assert deputy.reason == "resolved by Riley Chen"


async def test_someone_paged_now_before_any_ack_hears_the_resolve_once(
        store: Store, receiver: Receiver, config: Config) -> None:
    number = await opened(receiver, config)
    await receiver.handle(actor(config, "superintendent"),
                          cmd.PageNow(number, "superintendent"), "console")  # already paged
    await receiver.handle(actor(config, "superintendent"), cmd.PageNow(number, "deputy"),
                          "console")
    await send_all(store, number)
    await receiver.handle(actor(config, "superintendent"), cmd.Resolve(number), "sms")
    told = await resolve_notices(store, number)
    assert sorted(m.contact_id or "" for m in told) == ["attorney", "deputy",
                                                         "principal-burns"]


async def test_the_ack_reply_says_the_reporter_was_told_only_when_one_was(
        store: Store, receiver: Receiver, config: Config) -> None:
    number = await opened(receiver, config)
    told = await receiver.handle(actor(config, "attorney"), cmd.Ack(number), "sms")
    assert told.key == "ack_ok"
    # The admin reports and acknowledges it themselves: no other reporter to tell.
    own = await receiver.handle(actor(config, "admin"),
                                cmd.Open(config.triggers[0], config.schools["oak"], ""), "sms")
    assert own.incident_id is not None
    untold = await receiver.handle(actor(config, "admin"), cmd.Ack(own.incident_id), "sms")
    assert untold.key == "ack_ok_untold"
