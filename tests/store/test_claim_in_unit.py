"""A command's unit of work leases what it queued (decision 0048), on SQLite and PostgreSQL.

The receiver's unit that opens an incident ends with the notify claim stage, so the
first pages are leased to the instance that opened it in the transaction that wrote
them, and sent right after the commit without an engine pass. The lease is what keeps
the guarantees: another instance claiming at the same moment never gets those pages
(no page twice), and when the opener dies between the commit and the send the pages
are claimed again when the lease runs out, or at once when it restarts (no page lost).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from alertbot.clock import FakeClock
from alertbot.core import commands as cmd
from alertbot.core.model import Channel, Config
from alertbot.core.records import OutboxItem, OutboxKind, OutboxStatus
from alertbot.engine.dispatch import Dispatcher
from alertbot.engine.loop import Engine
from alertbot.faults import CrashPoints
from alertbot.metrics import Metrics
from alertbot.notify.ports import ClaimTx
from alertbot.service.events import IncidentEvents
from alertbot.service.receiver import Receiver
from alertbot.store.sql import Store
from tests.store.district import actor
from tests.unit.notify.fakes import FakeSender
from tests.unitofwork import transaction

LEASE = 12.0
WALL = 1_900_000_000.0  # the wall clock leases are kept in, moved by hand


class Instance:
    """One alertbot process on the shared store: a dispatcher (its owner, its sender) and
    a receiver whose units lease their messages to that dispatcher."""

    def __init__(self, store: Store, config: Config, clock: FakeClock, owner: str) -> None:
        self.sms = FakeSender(Channel.SMS)
        self.wall = WALL
        self.dispatcher = Dispatcher(
            store, {Channel.SMS: self.sms}, clock, Metrics(), lambda: config,
            IncidentEvents(), CrashPoints(None), owner, lambda: None, lease=LEASE,
            send_timeout=5, max_in_flight=50, batch=50)
        self.dispatcher.pipeline.wall = lambda: self.wall
        self.receiver = Receiver(config, store, clock, Metrics(), lambda: None,
                                 sends=self.dispatcher)

    def sent_to(self) -> list[str]:
        return [m.to for m in self.sms.sent]


class Dies:
    """``SendsNow`` of an instance killed right after the commit: it leases in the unit
    (the real claim stage) but never starts a send."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher
        self.lost: list[OutboxItem] = []

    def claimer(self) -> Callable[[ClaimTx], list[OutboxItem]]:
        return self.dispatcher.claimer()

    def start(self, items: Sequence[OutboxItem], /) -> None:
        self.lost += items


async def pages(store: Store, number: int) -> list[OutboxItem]:
    async with transaction(store, write=False) as tx:
        return [m for m in await tx.messages_for(number) if m.kind is OutboxKind.PAGE]


async def trigger(receiver: Receiver, config: Config, school: str = "burns") -> int:
    reply = await receiver.handle(actor(config, "principal-burns"),
                                  cmd.Open(config.triggers[0], config.schools[school], ""),
                                  "sms")
    assert reply.incident_id is not None
    return reply.incident_id


async def test_the_opening_unit_leases_its_first_pages_and_sends_them_at_once(
        store: Store, config: Config) -> None:
    clock = FakeClock()
    a = Instance(store, config, clock, "a:8080")
    number = await trigger(a.receiver, config)
    leased = await pages(store, number)
    # Leased in the unit (no engine ran); the first may be sent already, since the
    # receiver lets it start before it returns.
    assert leased and {m.status for m in leased} <= {OutboxStatus.SENDING, OutboxStatus.SENT}
    await a.dispatcher.drain()  # no engine pass: the receiver handed them over
    assert sorted(a.sent_to()) == sorted(m.address for m in leased)
    assert {m.status for m in await pages(store, number)} == {OutboxStatus.SENT}


async def test_another_instance_never_sends_the_first_pages_too(
        store: Store, config: Config) -> None:
    """Two instances: one opens incidents while the other claims as fast as it can; every
    first page goes out exactly once, by the instance that opened its incident."""
    clock = FakeClock()
    a, b = Instance(store, config, clock, "a:8080"), Instance(store, config, clock, "b:8080")
    numbers = []
    for _ in range(4):
        clock.advance(20 * 60)  # a new round: past the sender window
        opened, claimed_b, claimed_a = await asyncio.gather(
            trigger(a.receiver, config), b.dispatcher(), a.dispatcher())
        numbers.append(opened)
        assert claimed_b == 0 or claimed_a == 0
        await asyncio.gather(a.dispatcher.drain(), b.dispatcher.drain())
        assert await b.dispatcher() == 0  # nothing left for the other instance
        resolved = await a.receiver.handle(actor(config, "admin"), cmd.Resolve(opened), "sms")
        assert resolved.incident_id == opened
        await asyncio.gather(a.dispatcher(), b.dispatcher())
        await asyncio.gather(a.dispatcher.drain(), b.dispatcher.drain())
    first_pages = [m.address for n in numbers for m in await pages(store, n)]
    everything = [m for m in a.sms.sent + b.sms.sent if m.kind == str(OutboxKind.PAGE)]
    assert sorted(m.to for m in everything) == sorted(first_pages)
    assert len({m.outbox_id for m in everything}) == len(everything)  # none twice
    assert not [m for m in b.sms.sent if m.kind == str(OutboxKind.PAGE)]


async def test_first_pages_leased_by_a_dead_instance_go_when_the_lease_runs_out(
        store: Store, config: Config) -> None:
    clock = FakeClock()
    a, b = Instance(store, config, clock, "a:8080"), Instance(store, config, clock, "b:8080")
    dies = Dies(a.dispatcher)
    a.receiver.sends = dies
    number = await trigger(a.receiver, config)
    assert dies.lost and not a.sms.sent  # committed and leased to a; a died before sending
    b.wall = WALL + LEASE - 1
    assert await b.dispatcher() == 0  # still a's: nobody else sends them meanwhile
    b.wall = WALL + LEASE + 1
    assert await b.dispatcher() == len(dies.lost)  # the lease ran out: b takes them
    await b.dispatcher.drain()
    assert sorted(b.sent_to()) == sorted(m.address for m in dies.lost)
    assert {m.status for m in await pages(store, number)} == {OutboxStatus.SENT}


async def test_first_pages_of_a_dead_instance_go_at_once_when_it_restarts(
        store: Store, config: Config) -> None:
    clock = FakeClock()
    a = Instance(store, config, clock, "a:8080")
    dies = Dies(a.dispatcher)
    a.receiver.sends = dies
    await trigger(a.receiver, config)
    assert dies.lost
    restarted = Instance(store, config, clock, "a:8080")  # same owner (host:port)
    assert await store.write(lambda tx: tx.release_leases("a:8080")) == len(dies.lost)
    assert await restarted.dispatcher() == len(dies.lost)
    await restarted.dispatcher.drain()
    assert sorted(restarted.sent_to()) == sorted(m.address for m in dies.lost)


async def test_no_free_slot_leaves_the_pages_to_the_engine(
        store: Store, config: Config) -> None:
    clock = FakeClock()
    a = Instance(store, config, clock, "a:8080")
    a.dispatcher.max_in_flight = 0  # every send slot taken
    number = await trigger(a.receiver, config)
    assert {m.status for m in await pages(store, number)} == {OutboxStatus.PENDING}
    a.dispatcher.max_in_flight = 50
    assert await a.dispatcher() == len(await pages(store, number))
    await a.dispatcher.drain()


async def test_the_escalation_unit_leases_the_next_steps_pages_too(
        store: Store, config: Config) -> None:
    """Step 2 comes due: the engine's escalation unit queues and leases its pages, sends
    them after the commit, and a second instance claiming at once gets none of them."""
    clock = FakeClock()
    engine = Engine(store, {Channel.SMS: FakeSender(Channel.SMS)}, clock, Metrics(),
                    lambda: config, owner="a:8080")
    engine.dispatch.pipeline.wall = lambda: WALL
    receiver = Receiver(config, store, clock, Metrics(), engine.nudge, sends=engine.dispatch)
    b = Instance(store, config, clock, "b:8080")
    number = await trigger(receiver, config)
    await engine.drain()
    first = {m.id for m in await pages(store, number)}
    clock.advance(3 * 60 + 1)  # the district's step 1 waits 3 minutes
    moved, claimed_b = await asyncio.gather(engine.escalate(), b.dispatcher())
    assert moved == 1 and claimed_b == 0
    step2 = [m for m in await pages(store, number) if m.id not in first]
    assert step2 and {m.status for m in step2} <= {OutboxStatus.SENDING, OutboxStatus.SENT}
    await engine.drain()
    assert await b.dispatcher() == 0 and not b.sms.sent
    sent = engine.senders[Channel.SMS]
    assert isinstance(sent, FakeSender)
    paged = [m.outbox_id for m in sent.sent if m.kind == str(OutboxKind.PAGE)]
    assert sorted(paged) == sorted(first | {m.id for m in step2})  # each once, by a


class WritesLater:
    """``SendsNow`` whose send is shaped as aiohttp's on Python 3.11: the send task builds
    the request, then a task of its own writes it to the socket (``ClientRequest.send``)."""

    def __init__(self, dispatcher: Dispatcher) -> None:
        self.dispatcher = dispatcher
        self.built: list[int] = []
        self.written: list[int] = []
        self.tasks: list[asyncio.Task[None]] = []

    def claimer(self) -> Callable[[ClaimTx], list[OutboxItem]]:
        return self.dispatcher.claimer()

    def start(self, items: Sequence[OutboxItem], /) -> None:
        if items:
            self.tasks.append(asyncio.create_task(self._send(items[0])))

    async def _send(self, item: OutboxItem) -> None:
        self.built.append(item.id)

        async def write() -> None:
            self.written.append(item.id)

        await asyncio.create_task(write())


async def test_the_first_page_is_on_the_wire_before_the_handler_replies(
        store: Store, config: Config) -> None:
    """The receiver lets the first send run before it returns the reply (0048, further):
    by the time ``handle`` returns, the first page's request has been built and written."""
    clock = FakeClock(1_800_000_000.0)
    a = Instance(store, config, clock, "a:8080")
    sends = WritesLater(a.dispatcher)
    a.receiver.sends = sends
    await trigger(a.receiver, config)
    assert len(sends.built) == 1
    assert sends.written == sends.built
