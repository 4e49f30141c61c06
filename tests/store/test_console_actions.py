"""The console's commands (service/console_actions.py) as the receiver applies them, on
SQLite and PostgreSQL: page someone now, text the reporter. Each is one unit of work;
whatever goes out is in the outbox with its reason, and the timeline says who did it."""

from __future__ import annotations

import pytest

from alertbot.core import commands as cmd
from alertbot.core.actors import Outcome
from alertbot.core.lengths import TooLong
from alertbot.core.model import Channel, Config
from alertbot.core.records import OutboxItem, OutboxKind
from alertbot.service.console_actions import MESSAGE_LIMIT
from alertbot.service.receiver import Receiver
from alertbot.store import timeline_pages as pages
from alertbot.store.sql import Store
from alertbot.text.web import render_web
from tests.store.district import actor
from tests.unitofwork import transaction


async def opened(receiver: Receiver, config: Config) -> int:
    reply = await receiver.handle(actor(config, "principal-burns"),
                                  cmd.Open(config.triggers[0], config.schools["burns"],
                                           "2 agents at the front desk"), "sms")
    assert reply.incident_id is not None
    return reply.incident_id


async def outbox(store: Store, number: int) -> list[OutboxItem]:
    async with transaction(store, write=False) as tx:
        return list(await tx.messages_for(number))


async def entries(store: Store, number: int) -> list[pages.Entry]:
    async with transaction(store, write=False) as tx:
        return list(await tx.run(pages.timeline_page, number, 100))


async def test_page_now_pages_a_role_on_its_channels_with_the_reason(
        store: Store, receiver: Receiver, config: Config) -> None:
    number = await opened(receiver, config)
    before = len(await outbox(store, number))
    reply = await receiver.handle(actor(config, "superintendent"),
                                  cmd.PageNow(number, "deputy_superintendent"), "console")
    assert reply.outcome is Outcome.PAGED
    assert render_web(reply) == f"#{number}: paged Morgan Lee now."
    new = (await outbox(store, number))[before:]
    assert [(m.kind, m.channel, m.contact_id) for m in new] == [
        (OutboxKind.PAGE, Channel.SMS, "deputy"), (OutboxKind.PAGE, Channel.VOICE, "deputy")]
    assert {m.reason for m in new} == {"paged from the console by Dr. Jordan Rivera"}
    assert f"ALERT #{number}" in new[0].body
    last = (await entries(store, number))[-1]
    assert (last.kind, last.actor) == ("paged", "Dr. Jordan Rivera")
    assert last.text.startswith("paged from the console by Dr. Jordan Rivera")


async def test_after_an_ack_page_now_still_pages_on_every_channel(
        store: Store, receiver: Receiver, config: Config) -> None:
    """New-user trial 2: after an acknowledgement "page now" sent one text, never a call.
    It pages as a step does; the person's own ACK answers it and stops the rest."""
    number = await opened(receiver, config)
    await receiver.handle(actor(config, "attorney"), cmd.Ack(number), "sms")
    before = len(await outbox(store, number))
    await receiver.handle(actor(config, "superintendent"), cmd.PageNow(number, "deputy"),
                          "console")
    new = (await outbox(store, number))[before:]
    assert [(m.kind, m.channel, m.contact_id) for m in new] == [
        (OutboxKind.PAGE, Channel.SMS, "deputy"), (OutboxKind.PAGE, Channel.VOICE, "deputy")]
    assert f"ALERT #{number}" in new[0].body and "2nd page" not in new[0].body
    assert {(m.step, m.round) for m in new} == {(0, 0)}  # the step's own, for fallback
    last = (await entries(store, number))[-1]
    assert last.text.endswith("(after the acknowledgement): Morgan Lee by sms, voice")
    reply = await receiver.handle(actor(config, "deputy"), cmd.Ack(number), "sms")
    assert reply.key == "console_page_acked" and reply.values["name"] == "Sam Okafor"
    after = {m.id: m.status for m in await outbox(store, number)}
    assert {str(after[m.id]) for m in new} == {"cancelled"}  # nothing was sent yet
    last = (await entries(store, number))[-1]
    assert last.text.startswith("Morgan Lee answered the page from the console via sms")


async def test_page_now_refuses_strangers_to_the_incident_and_unknown_targets(
        store: Store, receiver: Receiver, config: Config) -> None:
    number = await opened(receiver, config)
    before = len(await outbox(store, number))
    refused = await receiver.handle(actor(config, "principal-burns"),
                                    cmd.PageNow(number, "deputy"), "console")
    nobody = await receiver.handle(actor(config, "superintendent"),
                                   cmd.PageNow(number, "no-such-person"), "console")
    missing = await receiver.handle(actor(config, "superintendent"),
                                    cmd.PageNow(number + 100, "deputy"), "console")
    assert (refused.outcome, nobody.outcome, missing.outcome) == (
        Outcome.REFUSED, Outcome.NOT_FOUND, Outcome.NOT_FOUND)
    assert len(await outbox(store, number)) == before


async def test_page_now_for_a_resolved_incident_pages_nobody(
        store: Store, receiver: Receiver, config: Config) -> None:
    number = await opened(receiver, config)
    await receiver.handle(actor(config, "admin"), cmd.Resolve(number), "sms")
    before = len(await outbox(store, number))
    reply = await receiver.handle(actor(config, "admin"), cmd.PageNow(number, "deputy"),
                                  "console")
    assert reply.outcome is Outcome.REFUSED and reply.key == "console_closed"
    assert len(await outbox(store, number)) == before


async def test_the_reporter_gets_the_designees_words_as_typed(
        store: Store, receiver: Receiver, config: Config) -> None:
    number = await opened(receiver, config)
    before = len(await outbox(store, number))
    words = "Quédese adentro — counsel is 10 min away. «Do not open»"
    reply = await receiver.handle(actor(config, "attorney"),
                                  cmd.MessageReporter(number, words), "console")
    assert reply.outcome is Outcome.MESSAGED
    new = (await outbox(store, number))[before:]
    assert [(m.kind, m.channel, m.address, m.body) for m in new] == [
        (OutboxKind.NOTICE, Channel.SMS, "+18605550142", words)]  # not folded to GSM-7
    assert new[0].reason == "message to the reporter from the console by Sam Okafor"
    last = (await entries(store, number))[-1]
    assert (last.kind, last.actor) == ("console_message", "Sam Okafor")


async def test_a_text_to_the_reporter_over_one_twilio_message_is_refused_whole(
        store: Store, receiver: Receiver, config: Config) -> None:
    """The service used to cut it at 1,600 characters and send the start (``[:limit]``):
    a designee's last sentence was lost without a word. Now it raises ``TooLong`` (the
    field and the limit) and nothing is queued or written to the timeline (0052)."""
    number = await opened(receiver, config)
    before = len(await outbox(store, number))
    timeline = len(await entries(store, number))
    with pytest.raises(TooLong) as refused:
        await receiver.handle(actor(config, "admin"),
                              cmd.MessageReporter(number, "x" * (MESSAGE_LIMIT + 50)),
                              "console")
    assert refused.value.machine() == {"field": "text", "limit": 1600, "length": 1650}
    assert len(await outbox(store, number)) == before
    assert len(await entries(store, number)) == timeline
    whole = "y" * MESSAGE_LIMIT  # exactly the limit is sent whole
    await receiver.handle(actor(config, "admin"), cmd.MessageReporter(number, whole),
                          "console")
    assert (await outbox(store, number))[-1].body == whole


async def test_only_the_team_may_text_the_reporter(
        store: Store, receiver: Receiver, config: Config) -> None:
    number = await opened(receiver, config)
    before = len(await outbox(store, number))
    reply = await receiver.handle(actor(config, "principal-burns"),
                                  cmd.MessageReporter(number, "hello"), "console")
    assert reply.outcome is Outcome.REFUSED and reply.key == "not_allowed"
    # Someone who may not see it is told what a missing number gets (no existence oracle).
    hidden = await receiver.handle(actor(config, "teacher"),
                                   cmd.MessageReporter(number, "hello"), "console")
    missing = await receiver.handle(actor(config, "teacher"),
                                    cmd.MessageReporter(number + 100, "hello"), "console")
    assert hidden.outcome is Outcome.NOT_FOUND and hidden.key == "no_such"
    assert (missing.key, missing.values) == (hidden.key, {"n": number + 100})
    assert len(await outbox(store, number)) == before


async def test_page_now_pages_only_people_who_may_open_the_incident(
        store: Store, receiver: Receiver, config: Config) -> None:
    """A page links to the incident in the console: another school's principal would get
    a link that answers 404 (new-user trial), so they are not paged and the designee is
    told why."""
    number = await opened(receiver, config)  # at Burns
    before = len(await outbox(store, number))
    reply = await receiver.handle(actor(config, "superintendent"),
                                  cmd.PageNow(number, "principal-oak"), "console")
    assert (reply.outcome, str(reply.key)) == (Outcome.REFUSED, "console_cannot_see")
    assert len(await outbox(store, number)) == before


async def test_page_now_pages_only_people_who_may_answer_the_page(
        store: Store, receiver: Receiver, config: Config) -> None:
    """The page says "Reply ACK n": the school's own principal may open the incident but
    not answer for it, so they are not paged, the designee is told why, and the console
    does not offer them (new-user trial 3: Ana's ACK to such a page was refused)."""
    from alertbot.web.console.views import page_targets

    number = await opened(receiver, config)  # at Burns
    before = len(await outbox(store, number))
    reply = await receiver.handle(actor(config, "superintendent"),
                                  cmd.PageNow(number, "principal-burns"), "console")
    assert (reply.outcome, str(reply.key)) == (Outcome.REFUSED, "console_cannot_answer")
    assert "Ana Perez" in render_web(reply)
    assert len(await outbox(store, number)) == before
    incident = await store.read(lambda tx: tx.get_incident(number))
    assert incident is not None
    offered = {choice for choice, _label in page_targets(config, incident)}
    assert "principal-burns" not in offered and "principal" not in offered
    assert {"superintendent", "attorney", "deputy"} <= offered
