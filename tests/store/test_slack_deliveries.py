"""Claims on a Slack request's output (issue 9, kind 3), on every backend."""

from __future__ import annotations

import asyncio

from alertbot.store.deliveries import claim_delivery, finish_delivery, forget_deliveries_before
from alertbot.store.sql import Store
from tests.store.test_store_contract import T0
from tests.unitofwork import transaction


async def claim(store: Store, key: str, now: float = T0, lease: float = 30.0) -> bool:
    async with transaction(store) as tx:
        return await tx.run(claim_delivery, key, now, lease)


async def test_a_key_is_claimed_once(store: Store) -> None:
    assert await claim(store, "slack:event:Ev1")
    assert not await claim(store, "slack:event:Ev1", T0 + 1)
    assert await claim(store, "slack:event:Ev2")


async def test_concurrent_claims_of_one_key_have_one_winner(store: Store) -> None:
    won = await asyncio.gather(*(claim(store, "slack:cmd:t1") for _ in range(6)))
    assert sorted(won) == [False] * 5 + [True]


async def test_an_unfinished_claim_is_taken_over_after_its_lease_only(store: Store) -> None:
    assert await claim(store, "slack:view:V1")
    assert not await claim(store, "slack:view:V1", T0 + 29)
    assert await claim(store, "slack:view:V1", T0 + 31)  # the first handler died
    assert not await claim(store, "slack:view:V1", T0 + 32)
    assert await claim(store, "slack:view:V2")
    async with transaction(store) as tx:
        await tx.run(finish_delivery, "slack:view:V2", T0 + 1)
    assert not await claim(store, "slack:view:V2", T0 + 3600)  # answered: never again


async def test_old_claims_are_forgotten(store: Store) -> None:
    assert await claim(store, "slack:event:old")
    async with transaction(store) as tx:
        assert await tx.run(forget_deliveries_before, T0 + 1) == 1
