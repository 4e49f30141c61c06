"""Provider statuses only move forward in the store, on every backend (issue 9, kind 3)."""

from __future__ import annotations

from alertbot.core.records import OutboxStatus
from alertbot.store.sql import Store
from tests.store.test_store_contract import T0, claim_due, incident, page
from tests.unitofwork import transaction


async def sent_message(store: Store, sid: str = "SM1") -> int:
    async with transaction(store) as tx:
        number = await tx.insert_incident(incident())
        await tx.enqueue([page(number)], T0)
        [item] = await claim_due(tx, T0, "a", 30, 10)
        await tx.mark_sent(item.id, sid, T0)
    return item.id


async def status_of(store: Store, sid: str = "SM1") -> str | None:
    async with transaction(store, write=False) as tx:
        item = await tx.outbox_by_provider_id(sid)
    assert item is not None
    return item.provider_status


async def test_sms_statuses_never_move_backwards(store: Store) -> None:
    item = await sent_message(store)
    moves = [("queued", True), ("sent", True), ("delivered", True), ("sent", False),
             ("queued", False), ("delivered", False), ("undelivered", True),
             ("failed", False), ("delivered", False)]
    for status, moved in moves:
        async with transaction(store) as tx:
            assert await tx.set_provider_status(item, status) is moved, status
    assert await status_of(store) == "undelivered"


async def test_voice_statuses_never_move_backwards(store: Store) -> None:
    item = await sent_message(store, "CA1")
    moves = [("initiated", True), ("ringing", True), ("in-progress", True),
             ("ringing", False), ("voicemail", True), ("in-progress", False),
             ("completed", True), ("busy", False), ("no-answer", False)]
    for status, moved in moves:
        async with transaction(store) as tx:
            assert await tx.set_provider_status(item, status) is moved, status
    assert await status_of(store, "CA1") == "completed"


async def test_a_message_fails_once(store: Store) -> None:
    item = await sent_message(store)
    async with transaction(store) as tx:
        assert await tx.mark_failed(item, "provider reported undelivered")
    async with transaction(store) as tx:
        assert not await tx.mark_failed(item, "provider reported failed")
        [message] = await tx.messages_for(1)
    assert message.status is OutboxStatus.FAILED
    assert message.error == "provider reported undelivered"


async def test_a_probe_that_gets_through_releases_what_the_circuit_held(store: Store) -> None:
    from alertbot.core.model import Channel
    from alertbot.notify.breaker import circuit_open

    async with transaction(store) as tx:
        number = await tx.insert_incident(incident())
        await tx.enqueue([page(number, address=f"+1860555010{i}") for i in range(3)]
                         + [page(number, channel=Channel.VOICE)], T0)
        held, own, rate_limited, voice = await claim_due(tx, T0, "a", 30, 10)
        await tx.mark_retry(held.id, T0 + 30, circuit_open(Channel.SMS))
        await tx.mark_retry(own.id, T0 + 9, f"{circuit_open(Channel.SMS)}: HTTP 503")
        await tx.mark_retry(rate_limited.id, T0 + 30, "HTTP 429")  # Retry-After holds
        await tx.mark_retry(voice.id, T0 + 30, circuit_open(Channel.VOICE))
    async with transaction(store) as tx:
        assert await tx.release_held(Channel.SMS, circuit_open(Channel.SMS), T0 + 2) == 2
        due = {m.id for m in await claim_due(tx, T0 + 2, "a", 30, 10)}
    assert due == {held.id, own.id}
