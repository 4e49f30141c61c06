"""Stage 1 (claim, skip-if-acknowledged) and stage 3 (rate) against an in-memory outbox."""

from __future__ import annotations

from dataclasses import replace

import pytest

from alertbot.core.incident import State
from alertbot.core.model import Channel
from alertbot.core.records import OutboxKind, OutboxStatus
from alertbot.notify.claim import Lease, claim, still_wanted
from alertbot.notify.ratelimit import Rates, TokenBucket
from tests.unit.notify.fakes import T0, FakeOutbox, Tick, incident, notice, page

LEASE = Lease("me", 12.0, lease_now=500.0)


@pytest.mark.parametrize(("kind", "state", "wanted"), [
    (OutboxKind.PAGE, State.TRIGGERED, True),
    (OutboxKind.PAGE, State.ACKNOWLEDGED, False),
    (OutboxKind.PAGE, State.RESOLVED, False),
    (OutboxKind.PAGE, None, False),  # its incident is gone
    (OutboxKind.NOTICE, State.ACKNOWLEDGED, True),  # "acknowledged by Sam" must go
    (OutboxKind.NOTICE, State.RESOLVED, True),
    (OutboxKind.NOTICE, None, True),
    (OutboxKind.CONFIRM_ACK, State.ACKNOWLEDGED, True),
])
def test_only_pages_stop_when_their_incident_is_no_longer_triggered(
        kind: OutboxKind, state: State | None, wanted: bool) -> None:
    item = replace(FakeOutbox().add(page()), kind=kind)
    assert still_wanted(item, state) is wanted


@pytest.mark.parametrize(("state", "wanted"), [
    (State.TRIGGERED, True),
    (State.ACKNOWLEDGED, True),  # someone took it and called this person in (trial 2)
    (State.RESOLVED, False),
    (None, False),
])
def test_a_console_page_goes_while_its_incident_is_open(state: State | None,
                                                        wanted: bool) -> None:
    item = replace(FakeOutbox().add(page()), reason="paged from the console by Sam Okafor")
    assert still_wanted(item, state) is wanted


async def test_a_page_for_an_acknowledged_incident_is_skipped() -> None:
    outbox = FakeOutbox()
    outbox.incidents = {1: incident(1, State.ACKNOWLEDGED), 2: incident(2)}
    acked = outbox.add(page(n=1))
    told = outbox.add(notice(n=1))
    live = outbox.add(page(n=2))
    got = await outbox.write(lambda tx: claim(tx, T0, LEASE, 10, Rates()))
    assert [i.id for i in got.items] == [told.id, live.id]
    assert got.cancelled == 1
    assert outbox.get(acked.id).status is OutboxStatus.CANCELLED
    for item in (told, live):
        row = outbox.rows[item.id]
        assert row.item.status is OutboxStatus.SENDING and row.item.attempts == 1
        assert (row.lease_owner, row.lease_until) == ("me", 512.0)


async def test_a_claim_takes_what_is_due_and_what_an_expired_lease_let_go() -> None:
    outbox = FakeOutbox()
    outbox.incidents = {1: incident(1)}
    later = outbox.add(page(n=1), now=T0 + 60)
    first = outbox.add(page(n=1, channel=Channel.VOICE))
    [got] = (await outbox.write(lambda tx: claim(tx, T0, LEASE, 10, Rates()))).items
    assert got.id == first.id and later.due_at > T0
    # Another instance's claim while the lease runs: nothing; after it ran out: again.
    other = Lease("other", 12.0, lease_now=510.0)
    assert (await outbox.write(lambda tx: claim(tx, T0, other, 10, Rates()))).items == []
    other = Lease("other", 12.0, lease_now=513.0)
    [again] = (await outbox.write(lambda tx: claim(tx, T0, other, 10, Rates()))).items
    assert again.id == first.id and outbox.get(first.id).attempts == 2


async def test_a_rate_limit_claims_only_what_the_bucket_allows() -> None:
    clock = Tick()
    outbox = FakeOutbox()
    outbox.incidents = {n: incident(n) for n in range(1, 6)}
    texts = [outbox.add(page(n=n)) for n in range(1, 6)]
    calls = [outbox.add(page(Channel.VOICE, n=n)) for n in (1, 2)]
    rates = Rates({Channel.SMS: TokenBucket(rate=1, burst=2, clock=clock)})

    got = await outbox.write(lambda tx: claim(tx, T0, LEASE, 10, rates))
    assert [i.id for i in got.items] == [texts[0].id, texts[1].id, calls[0].id, calls[1].id]
    assert got.throttled == 0.0  # nothing was held back yet
    assert [i.status for i in outbox.pending()] == [OutboxStatus.PENDING] * 3

    got = await outbox.write(lambda tx: claim(tx, T0, LEASE, 10, rates))
    assert got.items == [] and got.throttled == pytest.approx(1.0)  # one token a second
    clock.t += 1.0
    got = await outbox.write(lambda tx: claim(tx, T0, LEASE, 10, rates))
    assert [i.id for i in got.items] == [texts[2].id]  # in order: the rest still waits
    assert len(outbox.pending()) == 2


async def test_limited_channels_share_the_free_slots() -> None:
    clock = Tick()
    outbox = FakeOutbox()
    outbox.incidents = {1: incident(1)}
    for _ in range(3):
        outbox.add(page(n=1))
        outbox.add(page(Channel.VOICE, n=1))
    rates = Rates({Channel.SMS: TokenBucket(rate=10, clock=clock)})
    got = await outbox.write(lambda tx: claim(tx, T0, LEASE, 4, rates))
    assert [i.channel for i in got.items] == [Channel.SMS] * 3 + [Channel.VOICE]
    assert rates.buckets[Channel.SMS].available() == 7  # three tokens spent


async def test_a_claim_that_fails_leaves_the_outbox_as_it_was() -> None:
    outbox = FakeOutbox()
    outbox.incidents = {1: incident(1, State.ACKNOWLEDGED)}
    acked = outbox.add(page(n=1))

    def claim_then_fail(tx: FakeOutbox) -> None:
        claim(tx, T0, LEASE, 10, Rates())
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        await outbox.write(claim_then_fail)  # type: ignore[arg-type]
    assert outbox.get(acked.id).status is OutboxStatus.PENDING
