"""Incident state changes are atomic in the store, on every backend (issue 9, kind 2)."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest
import sqlalchemy as sa

from alertbot.core.incident import State
from alertbot.store.schema import MIGRATIONS, _open_key, incidents, schema_version
from alertbot.store.sql import Store, Tx
from tests.store.test_store_contract import T0, incident
from tests.unitofwork import transaction


async def test_a_transition_from_a_stale_copy_loses(store: Store) -> None:
    async with transaction(store) as tx:
        number = await tx.insert_incident(incident())
        stale = await tx.get_incident(number)
    assert stale is not None
    async with transaction(store) as tx:
        assert await tx.transition(stale, stale.acknowledge("a", "Dana Deputy", T0))
    async with transaction(store) as tx:  # the second responder decided on the same old copy
        assert not await tx.transition(stale, stale.acknowledge("b", "Sam Okafor", T0 + 1))
        now = await tx.get_incident(number)
    assert now is not None and now.acknowledged_by == "a"
    assert now.acknowledged_by_name == "Dana Deputy" and now.acknowledged_at == T0


async def test_a_transition_writes_only_what_it_changes(store: Store) -> None:
    async with transaction(store) as tx:
        number = await tx.insert_incident(incident())
        before = await tx.get_incident(number)
        assert before is not None
        await tx.conn.execute(sa.update(incidents).where(incidents.c.id == number)
                              .values(first_page_at=T0 + 2))
        assert await tx.transition(before, replace(before, step=0, due_at=T0 + 180))
        after = await tx.get_incident(number)
    assert after is not None and after.first_page_at == T0 + 2  # not overwritten
    assert (after.step, after.due_at) == (0, T0 + 180)


async def test_an_escalation_step_is_taken_once(store: Store) -> None:
    async with transaction(store) as tx:
        number = await tx.insert_incident(incident())
        seen = await tx.get_incident(number)
    assert seen is not None
    step = replace(seen, step=0, due_at=T0 + 180)
    async with transaction(store) as tx:
        assert await tx.transition(seen, step)
    async with transaction(store) as tx:
        assert not await tx.transition(seen, step)  # another engine already moved it


async def test_resolving_frees_the_schools_slot(store: Store) -> None:
    async with transaction(store) as tx:
        first, new = await tx.open_or_join(incident())
        assert new
        joined, new = await tx.open_or_join(incident(reporter_id="q"))
        assert not new and joined.id == first.id
        other, new = await tx.open_or_join(incident(school_id="oak"))
        assert new and other.id != first.id
        assert await tx.transition(first, first.resolve("sup", T0))
        again, new = await tx.open_or_join(incident())
    assert new and again.id > other.id


async def test_a_second_open_incident_at_one_school_is_refused(store: Store) -> None:
    async with transaction(store) as tx:
        await tx.insert_incident(incident())
    with pytest.raises(sa.exc.IntegrityError):
        async with transaction(store) as tx:
            await tx.insert_incident(incident())
    async with transaction(store) as tx:  # without a school, or closed: no slot taken
        await tx.insert_incident(incident(school_id=None))
        await tx.insert_incident(incident(school_id=None))
        await tx.insert_incident(incident(state=State.RESOLVED))


async def test_concurrent_opens_for_one_school_make_one_incident(store: Store) -> None:
    def unit(tx: Tx) -> tuple[int, bool]:
        got, new = tx.open_or_join(incident())
        return got.id, new

    async def open_() -> tuple[int, bool]:
        if store.postgres:  # five connections at once, each holding its transaction open
            async with transaction(store) as tx:
                got, new = await tx.open_or_join(incident())
                await asyncio.sleep(0.01)
                return got.id, new
        return await store.write(unit)  # SQLite: the units queue for the database thread

    results = await asyncio.gather(*(open_() for _ in range(5)))
    assert len({n for n, _ in results}) == 1
    assert sorted(new for _, new in results) == [False] * 4 + [True]


async def test_the_school_is_set_once(store: Store) -> None:
    async with transaction(store) as tx:
        a = await tx.insert_incident(incident(school_id=None, school_name=None))
        set_ = await tx.set_school(a, "oak", "Oak Middle School", title="Visit at Oak")
        assert set_ is not None and set_.school_id == "oak" and set_.title == "Visit at Oak"
        assert await tx.set_school(a, "elm", "Elm") is None  # already named
        joined, new = await tx.open_or_join(incident(school_id="oak"))
        assert not new and joined.id == a  # it holds Oak's slot now
        b = await tx.insert_incident(incident(school_id=None, school_name=None))
        both = await tx.set_school(b, "oak", "Oak Middle School")  # slot taken: both open
        assert both is not None and both.school_id == "oak"
        found = await tx.get_incident(a)
    assert found is not None and found.school_name == "Oak Middle School"


async def test_migration_gives_the_oldest_open_incident_its_slot(store: Store) -> None:
    async with transaction(store) as tx:
        a = await tx.insert_incident(incident())
        await tx.conn.execute(sa.text("DROP INDEX ux_incidents_open_key"))
        await tx.conn.execute(sa.update(incidents).values(open_key=None))
        b = await tx.insert_incident(incident())  # two open at Burns, from before the fix
        await tx.conn.execute(sa.update(incidents).values(open_key=None))
        await tx.conn.execute(sa.update(schema_version).values(version=MIGRATIONS.index(_open_key)))
    assert await store.migrate() == len(MIGRATIONS)
    assert await store.migrate() == len(MIGRATIONS)
    async with transaction(store) as tx:
        joined, new = await tx.open_or_join(incident())
    assert not new and joined.id == a and b > a
