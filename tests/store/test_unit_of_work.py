"""``Store.write`` / ``Store.read``: a unit of work is one transaction, run off the loop.

Decision 0018: on SQLite every write unit runs on one database thread and reads on
reader threads, so the event loop never waits on the disk or on a lock held by another
process; on PostgreSQL a unit runs under ``run_sync`` on an asyncpg connection.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from alertbot.core.incident import Incident
from alertbot.store.sql import Store, Tx
from tests.store.test_store_contract import incident


async def test_a_unit_commits_what_it_wrote_and_returns_its_result(store: Store) -> None:
    number = await store.write(lambda tx: tx.insert_incident(incident()))
    got = await store.read(lambda tx: tx.get_incident(number))
    assert got is not None and got.id == number


async def test_a_unit_that_raises_leaves_nothing(store: Store) -> None:
    def half(tx: Tx) -> None:
        tx.insert_incident(incident())
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        await store.write(half)
    assert await store.read(lambda tx: tx.list_incidents()) == []


async def test_a_read_unit_cannot_leave_a_write_behind(store: Store) -> None:
    await store.read(lambda tx: tx.insert_incident(incident()))  # never committed
    assert await store.read(lambda tx: tx.list_incidents()) == []


async def test_sqlite_units_run_on_the_database_threads(tmp_path: Path) -> None:
    store = await Store.open(f"sqlite:///{tmp_path / 'db.sqlite'}")
    try:
        loop_thread = threading.current_thread().name
        writer = await store.write(lambda _tx: threading.current_thread().name)
        reader = await store.read(lambda _tx: threading.current_thread().name)
    finally:
        await store.close()
    assert writer.startswith("alertbot-db-write") and writer != loop_thread
    assert reader.startswith("alertbot-db-read") and reader != loop_thread


async def test_sqlite_write_units_take_turns(tmp_path: Path) -> None:
    """Many units at once: one writer, so none ever meets 'database is locked'."""
    store = await Store.open(f"sqlite:///{tmp_path / 'db.sqlite'}")

    def open_one(tx: Tx, school: str) -> Incident:
        found, _new = tx.open_or_join(incident(school_id=school))
        return found

    try:
        opened = await asyncio.gather(*(store.write(lambda tx, s=f"s{k % 5}": open_one(tx, s))
                                        for k in range(40)))
    finally:
        await store.close()
    assert len({i.id for i in opened}) == 5


async def test_the_loop_runs_while_another_process_holds_the_sqlite_write_lock(
        tmp_path: Path) -> None:
    """A backup or the ``sqlite3`` shell holding the write lock for 1 s: the write waits
    on the database thread, a read still answers at once, and the loop keeps ticking.
    (Before decision 0018 the loop itself waited in ``busy_timeout``: zero ticks.)"""
    path = tmp_path / "db.sqlite"
    store = await Store.open(f"sqlite:///{path}")
    locked, release = threading.Event(), threading.Event()

    def hold_lock() -> None:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        locked.set()
        release.wait(5)
        other.execute("COMMIT")
        other.close()

    holder = threading.Thread(target=hold_lock)
    holder.start()
    ticks = 0
    try:
        await asyncio.to_thread(locked.wait, 5)
        write = asyncio.create_task(store.write(lambda tx: tx.insert_incident(incident())))
        assert await asyncio.wait_for(store.read(lambda tx: tx.list_incidents()), 1.0) == []
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            await asyncio.sleep(0.01)
            ticks += 1
        assert not write.done()  # still waiting for the other process's lock
        release.set()
        number = await asyncio.wait_for(write, 5.0)
        assert number > 0
    finally:
        release.set()
        holder.join()
        await store.close()
    assert ticks >= 20  # a blocked loop would have ticked once, after the lock went away


async def test_slow_commits_are_spent_on_the_database_thread(tmp_path: Path) -> None:
    """``ALERTBOT_FAULT_SLOW_COMMIT`` (a disk with slow fsyncs): each commit takes longer,
    and the loop keeps ticking meanwhile."""
    store = await Store.open(f"sqlite:///{tmp_path / 'db.sqlite'}", slow_commit=0.3)
    ticks = 0
    try:
        started = time.monotonic()
        write = asyncio.create_task(store.write(lambda tx: tx.insert_incident(incident())))
        while not write.done():
            await asyncio.sleep(0.01)
            ticks += 1
        await write
        took = time.monotonic() - started
    finally:
        await store.close()
    assert took >= 0.3
    assert ticks >= 10
