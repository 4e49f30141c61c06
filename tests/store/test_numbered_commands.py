"""Commands that name an incident, as the receiver applies them (SQLite and PostgreSQL).

* A bare RESOLVE never closes anything (CONTRACT "Text messages": ``RESOLVE <number>``
  closes it): it asks for the number and lists the open incidents the sender may
  resolve, even when only one is open.
* A number names no incident the sender may know of (``who.may_know_of``: it does not
  exist, or they may not see it) gets one and the same reply, for every command that
  takes a number: nothing tells them whether it exists.
"""

from __future__ import annotations

from alertbot.core import commands as cmd
from alertbot.core.actors import Actor, Outcome, Proof
from alertbot.core.model import Config
from alertbot.service.receiver import Receiver
from alertbot.store.sql import Store
from alertbot.text.reply import ReplyKey
from alertbot.text.sms import render_sms
from tests.store.district import actor
from tests.unitofwork import transaction


async def opened(receiver: Receiver, config: Config, school: str = "burns",
                 by: str = "principal-burns") -> int:
    reply = await receiver.handle(actor(config, by),
                                  cmd.Open(config.triggers[0], config.schools[school], ""),
                                  "sms")
    assert reply.incident_id is not None
    return reply.incident_id


async def state(store: Store, number: int) -> str:
    async with transaction(store, write=False) as tx:
        incident = await tx.get_incident(number)
    assert incident is not None
    return str(incident.state)


async def test_bare_resolve_with_one_open_incident_asks_for_its_number(
        store: Store, receiver: Receiver, config: Config) -> None:
    number = await opened(receiver, config)
    for who_ in ("superintendent", "admin"):
        reply = await receiver.handle(actor(config, who_), cmd.Resolve(None), "sms")
        assert (reply.key, reply.values, reply.outcome) == (
            ReplyKey.RESOLVE_WHICH, {"ids": [number]}, Outcome.CHOOSE)
        assert reply.incident_id is None
        assert render_sms(reply) == f"Reply RESOLVE <number>. Open: #{number}."
    assert await state(store, number) == "triggered"


async def test_bare_resolve_of_an_acknowledged_incident_closes_nothing(
        store: Store, receiver: Receiver, config: Config) -> None:
    number = await opened(receiver, config)
    await receiver.handle(actor(config, "attorney"), cmd.Ack(number), "sms")
    reply = await receiver.handle(actor(config, "attorney"), cmd.Resolve(None), "sms")
    assert reply.key is ReplyKey.RESOLVE_WHICH and reply.values == {"ids": [number]}
    assert await state(store, number) == "acknowledged"
    es = await receiver.handle(actor(config, "principal-oak"), cmd.Resolve(None), "sms")
    assert es.key is ReplyKey.ACK_NONE  # nothing of theirs to resolve
    assert render_sms(es) == "Ningun incidente abierto le esta avisando."


async def test_bare_resolve_lists_only_what_the_sender_may_resolve(
        store: Store, receiver: Receiver, config: Config) -> None:
    burns = await opened(receiver, config)
    oak = await opened(receiver, config, "oak", "principal-oak")
    mine = await receiver.handle(actor(config, "attorney"), cmd.Resolve(None), "sms")
    assert mine.values == {"ids": [burns, oak]}
    assert {await state(store, burns), await state(store, oak)} == {"triggered"}


def numbered(number: int) -> list[cmd.Command]:
    """Every command a person can send with an incident number."""
    photo = (cmd.Media("https://api.twilio.example/Media/ME1", "image/jpeg"),)
    return [cmd.Ack(number), cmd.Resolve(number), cmd.Note(number, "they left"),
            cmd.Bridge(number), cmd.PageNow(number, "deputy"),
            cmd.MessageReporter(number, "all clear"),
            cmd.CallEvent(number, "dialin", f"CA{number}"),
            cmd.Attach(photo, f"MM{number}", cmd.Text(f"{number} the paper"),
                       f"{number} the paper")]


async def test_a_hidden_incident_is_answered_as_a_missing_one(
        store: Store, receiver: Receiver, config: Config) -> None:
    number = await opened(receiver, config)  # Burns
    missing = number + 100
    async with transaction(store, write=False) as tx:
        timeline = len((await tx.timeline([number]))[number])
        sent = len(await tx.messages_for(number))
    for who_ in ("teacher", "principal-oak", "area-lead"):  # none may see a Burns incident
        for hidden, absent in zip(numbered(number), numbered(missing), strict=True):
            seen = await receiver.handle(actor(config, who_), hidden, "sms")
            gone = await receiver.handle(actor(config, who_), absent, "sms")
            assert (seen.key, seen.outcome, seen.incident_id, seen.drill) == (
                gone.key, gone.outcome, gone.incident_id, gone.drill) == (
                ReplyKey.NO_SUCH, Outcome.NOT_FOUND, None, False), (who_, hidden)
            assert (seen.values, gone.values) == ({"n": number}, {"n": missing})
            assert render_sms(seen) == render_sms(gone).replace(str(missing), str(number))
    async with transaction(store, write=False) as tx:
        assert len((await tx.timeline([number]))[number]) == timeline
        assert len(await tx.messages_for(number)) == sent
        assert not await tx.documents_of(number)
    assert await state(store, number) == "triggered"


async def test_who_sees_the_incident_is_told_they_may_not_act_on_it(
        store: Store, receiver: Receiver, config: Config) -> None:
    """The Burns principal sees their school's incident in the console: by text they
    hear they are not on its team, as the console tells them (decision 0025)."""
    number = await opened(receiver, config, by="superintendent")
    for command in (cmd.Ack(number), cmd.Resolve(number), cmd.Note(number, "x"),
                    cmd.Bridge(number)):
        reply = await receiver.handle(actor(config, "principal-burns"), command, "sms")
        assert (reply.key, reply.outcome) == (ReplyKey.NOT_ALLOWED, Outcome.REFUSED), command


async def test_a_stranger_hears_the_strangers_refusal_whether_it_exists_or_not(
        store: Store, receiver: Receiver, config: Config) -> None:
    number = await opened(receiver, config)
    nobody = Actor(None, phone="+18605550198", proof=Proof.PROVIDER)
    for hidden, absent in zip(numbered(number), numbered(number + 100), strict=True):
        seen = await receiver.handle(nobody, hidden, "sms")
        gone = await receiver.handle(nobody, absent, "sms")
        assert seen == gone and seen.key is ReplyKey.UNKNOWN_SENDER, hidden
