"""Wrong phone-tree PINs are counted in the database (core/pin_limits.py): two instances
on one database (each its own Store) share the count and tell the admins once, on SQLite
and PostgreSQL."""

from __future__ import annotations

import asyncio
from pathlib import Path

import sqlalchemy as sa

from alertbot.core.model import Config
from alertbot.core.pin_limits import PIN_FAILURES_PER_CALLER, PIN_WINDOW
from alertbot.service.pin_attempts import DISTRICT, pin_refused
from alertbot.store.rows import outbox_from_row
from alertbot.store.schema import outbox
from alertbot.store.sql import Store, Tx
from tests.store.test_drill_runs import second_store

CALLER = "+18605550198"
NOW = 1_800_000_000.0


async def notices(store: Store) -> list[str]:
    def work(tx: Tx) -> list[str]:
        # Notice bodies are sealed at rest (decision 0044): opened through the store.
        items = [outbox_from_row(r, tx.words) for r in tx.conn.execute(sa.select(outbox))]
        return [f"{m.address}: {m.body}" for m in items if "wrong phone-tree PINs" in m.body]
    return await store.read(work)


async def test_two_instances_share_the_count_and_tell_the_admins_once(
        store: Store, config: Config, tmp_path: Path) -> None:
    other = await second_store(store, tmp_path)
    try:
        stores = [store, other]

        async def wrong(i: int, at: float = NOW) -> bool:
            return await pin_refused(stores[i % 2], config, at, CALLER, f"CA{i}", "1111",
                                     False, DISTRICT)

        first = await asyncio.gather(*(wrong(i) for i in range(PIN_FAILURES_PER_CALLER - 1)))
        assert first == [False] * (PIN_FAILURES_PER_CALLER - 1)
        # The fifth, sixth and seventh wrong PINs arrive at once on both instances.
        last = await asyncio.gather(*(wrong(i) for i in range(3)))
        assert all(last)
        right = await pin_refused(other, config, NOW + 1, CALLER, "CA9", "4321", True,
                                  DISTRICT)
        assert right is True  # refused, right or wrong
        assert await pin_refused(store, config, NOW, "+18605550199", "CA8", "4321", True,
                                 DISTRICT) is False  # another number is not locked
        assert len(await notices(store)) == 1  # one admin, told once
        assert (await notices(store))[0].startswith("+18605550105: alertbot: ")
        later = NOW + PIN_WINDOW + 1
        assert await pin_refused(store, config, later, CALLER, "CA7", "4321", True,
                                 DISTRICT) is False
    finally:
        await other.close()


async def test_no_answer_is_not_a_wrong_pin(store: Store, config: Config) -> None:
    for i in range(PIN_FAILURES_PER_CALLER + 2):
        for digits in (None, ""):
            assert await pin_refused(store, config, NOW + i, CALLER, "CA1", digits, False,
                                     DISTRICT) is False
    assert await notices(store) == []


async def test_a_second_lockout_after_the_window_tells_them_again(
        store: Store, config: Config) -> None:
    for start in (NOW, NOW + PIN_WINDOW + 1):
        for i in range(PIN_FAILURES_PER_CALLER):
            await pin_refused(store, config, start + i, CALLER, "CA1", "0000", False, DISTRICT)
    assert len(await notices(store)) == 2
