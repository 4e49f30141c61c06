"""The SQLite writer thread (alertbot/store/writer.py): units run one after another in
the order they came, on one thread off the loop; a unit's exception reaches its caller;
a unit whose caller gave up before it started is skipped; shutdown finishes what is
queued."""

from __future__ import annotations

import asyncio
import threading

import pytest

from alertbot.store.writer import WriterThread


async def test_units_run_in_order_on_one_thread_off_the_loop() -> None:
    writer = WriterThread("test-writer")
    seen: list[tuple[int, str]] = []

    def unit(i: int) -> int:
        seen.append((i, threading.current_thread().name))
        return i * 10

    try:
        results = await asyncio.gather(*(writer.run(unit, i) for i in range(50)))
    finally:
        await asyncio.to_thread(writer.shutdown)
    assert results == [i * 10 for i in range(50)]
    assert [i for i, _ in seen] == list(range(50))
    assert {name for _, name in seen} == {"test-writer"}


async def test_a_units_exception_reaches_its_caller_and_the_next_unit_runs() -> None:
    writer = WriterThread("test-writer")

    def fails() -> None:
        raise LookupError("no such row")

    try:
        with pytest.raises(LookupError, match="no such row"):
            await writer.run(fails)
        assert await writer.run(lambda: "after") == "after"
    finally:
        await asyncio.to_thread(writer.shutdown)


async def test_a_unit_cancelled_before_it_started_is_skipped() -> None:
    writer = WriterThread("test-writer")
    release = threading.Event()
    ran: list[str] = []
    try:
        blocking = asyncio.ensure_future(writer.run(release.wait, 5))
        await asyncio.sleep(0.05)  # the thread is inside the first unit now
        skipped = asyncio.ensure_future(writer.run(ran.append, "cancelled"))
        await asyncio.sleep(0)
        skipped.cancel()
        kept = asyncio.ensure_future(writer.run(ran.append, "kept"))
        await asyncio.sleep(0)
        release.set()
        assert await blocking is True
        await kept
        with pytest.raises(asyncio.CancelledError):
            await skipped
    finally:
        await asyncio.to_thread(writer.shutdown)
    assert ran == ["kept"]


async def test_shutdown_finishes_what_is_queued_then_refuses() -> None:
    writer = WriterThread("test-writer")
    done: list[int] = []
    pending = [asyncio.ensure_future(writer.run(done.append, i)) for i in range(20)]
    await asyncio.sleep(0)
    await asyncio.to_thread(writer.shutdown)
    await asyncio.gather(*pending)
    assert done == list(range(20))
    with pytest.raises(RuntimeError, match="shut down"):
        await writer.run(done.append, 99)
