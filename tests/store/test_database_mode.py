"""A database remembers which mode created it (issue 9, decision 0016), on every backend."""

from __future__ import annotations

import asyncio

import sqlalchemy as sa

from alertbot.store import schema
from alertbot.store.sql import Store
from tests.unitofwork import transaction

T0 = 1_800_000_000.0


async def test_the_first_start_records_its_mode_and_later_starts_get_it(store: Store) -> None:
    assert await store.claim_mode("sandbox", T0) == "sandbox"
    assert await store.claim_mode("production", T0 + 60) == "sandbox"
    assert await store.claim_mode("sandbox", T0 + 120) == "sandbox"


async def test_two_instances_starting_together_agree_on_one_mode(store: Store) -> None:
    results = await asyncio.gather(*(store.claim_mode(mode, T0)
                                     for mode in ("production", "sandbox") * 4))
    assert len(set(results)) == 1


async def _as_before_the_marker(store: Store, provider_ids: list[str | None]) -> None:
    """The database as an older alertbot left it: outbox rows, no alertbot_meta."""
    async with transaction(store) as tx:
        for index, provider_id in enumerate(provider_ids):
            await tx.conn.execute(sa.insert(schema.outbox).values(
                kind="page", channel="sms", address="+18605550100", body="ALERT #1",
                status="sent", due_at=T0, created_at=T0, provider_id=provider_id,
                reason=f"page {index}"))
        await tx.conn.execute(sa.text("DROP TABLE alertbot_meta"))
        await tx.conn.execute(sa.update(schema.schema_version).values(
            version=schema.MIGRATIONS.index(schema._database_meta)))
    await store.migrate()


async def test_an_older_database_only_the_sandbox_sent_from_is_a_sandbox_one(
        store: Store) -> None:
    await _as_before_the_marker(store, ["SMsandbox00000001", "CAsandbox00000002", None])
    assert await store.claim_mode("production", T0) == "sandbox"


async def test_an_older_database_with_real_sends_is_claimed_by_its_next_start(
        store: Store) -> None:
    await _as_before_the_marker(store, ["SM" + "a" * 32])
    assert await store.claim_mode("production", T0) == "production"


async def test_the_marker_survives_a_reopen(tmp_path: object) -> None:
    url = f"sqlite:///{tmp_path}/a.db"
    first = await Store.open(url)
    try:
        assert await first.claim_mode("sandbox", T0) == "sandbox"
    finally:
        await first.close()
    again = await Store.open(url)
    try:
        assert await again.claim_mode("production", T0) == "sandbox"
    finally:
        await again.close()
