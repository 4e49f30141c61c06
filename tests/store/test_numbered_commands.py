"""Commands that name an incident, as the receiver applies them (SQLite and PostgreSQL).

* A bare RESOLVE never closes anything (CONTRACT "Text messages": ``RESOLVE <number>``
  closes it): it asks for the number and lists the open incidents the sender may
  resolve, even when only one is open.
"""

from __future__ import annotations

from alertbot.core import commands as cmd
from alertbot.core.actors import Outcome
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
