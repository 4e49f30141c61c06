"""The receiver's contract under concurrent commands, on SQLite and PostgreSQL (issue 9, kind 2).

Several ``Receiver.handle`` calls run at once (``asyncio.gather``); on PostgreSQL each
has its own connection and transaction, so they really overlap. Whatever the
interleaving: exactly one winner, the loser is told who won, the reporter hears
"is on it" once.
"""

from __future__ import annotations

import asyncio

from alertbot.clock import FakeClock
from alertbot.core import commands as cmd
from alertbot.core.incident import State
from alertbot.core.model import Config
from alertbot.core.records import OutboxKind
from alertbot.service.receiver import Receiver, Reply
from alertbot.store.sql import Store
from alertbot.text.sms import render_sms
from tests.store.district import actor
from tests.unitofwork import transaction

ROUNDS = 6  # races per test: one lucky interleaving must not make a broken store pass


def later(receiver: Receiver) -> None:
    """A new round, 20 minutes on: past any per-sender window or cap on new incidents."""
    assert isinstance(receiver.clock, FakeClock)
    receiver.clock.advance(20 * 60)


async def open_one(receiver: Receiver, config: Config, school: str = "burns") -> int:
    later(receiver)
    trigger = config.triggers[0]
    reply = await receiver.handle(actor(config, "principal-burns"),
                                  cmd.Open(trigger, config.schools[school], ""), "sms")
    assert reply.incident_id is not None
    return reply.incident_id


async def resolve(receiver: Receiver, config: Config, number: int) -> None:
    reply = await receiver.handle(actor(config, "admin"), cmd.Resolve(number), "sms")
    assert "resolved" in render_sms(reply)


async def is_on_it_notices(store: Store, number: int) -> list[str]:
    async with transaction(store, write=False) as tx:
        return [m.body for m in await tx.messages_for(number)
                if m.kind is OutboxKind.NOTICE and "is on it" in m.body]


async def test_two_bare_acks_at_once_have_one_winner(
        store: Store, receiver: Receiver, config: Config) -> None:
    names = {"superintendent": "Dr. Jordan Rivera", "attorney": "Sam Okafor"}
    for _ in range(ROUNDS):
        number = await open_one(receiver, config)
        replies: list[Reply] = list(await asyncio.gather(
            *(receiver.handle(actor(config, who), cmd.Ack(None), "sms") for who in names)))
        won = [who for who, r in zip(names, replies, strict=True)
               if "You acknowledged" in render_sms(r)]
        assert len(won) == 1, [render_sms(r) for r in replies]
        [loser] = [r for r in replies if "You acknowledged" not in render_sms(r)]
        assert render_sms(loser) == f"#{number} was already acknowledged by {names[won[0]]}."
        async with transaction(store, write=False) as tx:
            incident = await tx.get_incident(number)
        assert incident is not None and incident.acknowledged_by == won[0]
        notices = await is_on_it_notices(store, number)
        assert notices == [f"#{number}: {names[won[0]]} is on it and is responding."]
        await resolve(receiver, config, number)


async def test_ack_and_resolve_at_once(store: Store, receiver: Receiver,
                                       config: Config) -> None:
    for _ in range(ROUNDS):
        number = await open_one(receiver, config)
        ack, res = await asyncio.gather(
            receiver.handle(actor(config, "attorney"), cmd.Ack(number), "sms"),
            receiver.handle(actor(config, "superintendent"), cmd.Resolve(number), "sms"))
        assert render_sms(res).startswith(f"#{number} resolved"), render_sms(res)
        async with transaction(store, write=False) as tx:
            incident = await tx.get_incident(number)
            kinds = [e.kind for e in (await tx.timeline([number]))[number]]
        assert incident is not None and incident.state is State.RESOLVED
        assert incident.resolved_by == "superintendent"
        if "You acknowledged" in render_sms(ack):  # the ack came first: both happened, in order
            assert kinds.index("acknowledged") < kinds.index("resolved")
            assert incident.acknowledged_by == "attorney"
            assert len(await is_on_it_notices(store, number)) == 1
        else:  # the resolve came first: the ack lost and is told by whom
            assert render_sms(ack) == f"#{number} was already resolved by Dr. Jordan Rivera."
            assert "acknowledged" not in kinds and incident.acknowledged_by is None
            assert await is_on_it_notices(store, number) == []


async def test_two_resolves_at_once_have_one_winner(
        store: Store, receiver: Receiver, config: Config) -> None:
    for _ in range(ROUNDS):
        number = await open_one(receiver, config)
        replies = await asyncio.gather(
            receiver.handle(actor(config, "attorney"), cmd.Resolve(number), "sms"),
            receiver.handle(actor(config, "superintendent"), cmd.Resolve(number), "sms"))
        texts = sorted(render_sms(r) for r in replies)
        assert texts[0].startswith(f"#{number} resolved"), texts
        assert texts[1].startswith(f"#{number} was already resolved by "), texts
        async with transaction(store, write=False) as tx:
            kinds = [e.kind for e in (await tx.timeline([number]))[number]]
        assert kinds.count("resolved") == 1


async def test_two_reports_for_one_school_at_once_open_one_incident(
        store: Store, receiver: Receiver, config: Config) -> None:
    trigger = config.triggers[0]
    burns = config.schools["burns"]
    for _ in range(ROUNDS):
        later(receiver)
        replies = await asyncio.gather(
            receiver.handle(actor(config, "principal-burns"), cmd.Open(trigger, burns, ""),
                            "sms"),
            receiver.handle(actor(config, "area-lead"), cmd.Open(trigger, burns, ""), "voice"))
        numbers = {r.incident_id for r in replies}
        assert len(numbers) == 1, [render_sms(r) for r in replies]
        async with transaction(store, write=False) as tx:
            open_ = [i for i in await tx.open_incidents() if i.school_id == "burns"]
            [number] = numbers
            assert number is not None
            kinds = [e.kind for e in (await tx.timeline([number]))[number]]
        assert [i.id for i in open_] == [number]
        assert kinds.count("opened") == 1 and kinds.count("reported_again") == 1
        await resolve(receiver, config, number)


async def test_a_report_after_the_resolve_opens_a_new_incident(
        store: Store, receiver: Receiver, config: Config) -> None:
    first = await open_one(receiver, config)
    assert await open_one(receiver, config) == first  # joins while open
    await resolve(receiver, config, first)
    assert await open_one(receiver, config) > first  # the slot is free again
