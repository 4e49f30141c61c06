"""The SQLite writer: one thread that runs every write unit of work, in order.

Decision 0018 gave SQLite's writes a thread of their own; ``run_in_executor`` was the
way there and back: a ``concurrent.futures.Future`` chained to an asyncio future, two
futures and their callbacks per unit. This is the same thread with less in between: a
unit goes over with one ``SimpleQueue.put`` and comes back with one
``call_soon_threadsafe`` (≈ 60 µs less per unit, measured; the first page's path
crosses once each way, decision 0053).

Cancellation works as ``run_in_executor``'s: a unit whose awaiting task was cancelled
before the thread took it up is skipped; one already running finishes (a thread cannot
be interrupted) and its result is dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

_Job = tuple[asyncio.AbstractEventLoop, "asyncio.Future[Any]", Callable[..., Any],
             tuple[Any, ...]]


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    """On the loop: hand the unit's outcome to whoever still awaits it."""
    if future.cancelled():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


class WriterThread:
    """Runs ``fn(*args)`` calls one after another on a thread named ``name``.

    ``run`` awaits one; ``shutdown`` lets the queued ones finish, then ends the thread.
    Exceptions raised by ``fn`` are raised to the caller of ``run``."""

    def __init__(self, name: str) -> None:
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._work, name=name, daemon=True)
        self._thread.start()
        self._closed = False

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` on the writer thread, after every call queued before it.

        Raises ``RuntimeError`` after ``shutdown``, and what ``fn`` raises."""
        if self._closed:
            raise RuntimeError("the database writer is shut down")
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._jobs.put((loop, future, fn, args))
        return await future

    def shutdown(self) -> None:
        """Finish what is queued, then end the thread (blocks until it has ended)."""
        if not self._closed:
            self._closed = True
            self._jobs.put(None)
        self._thread.join()

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            loop, future, fn, args = job
            if future.cancelled():  # its caller gave up before it started
                continue
            try:
                result = fn(*args)
            except BaseException as exc:  # noqa: BLE001 - handed to the caller
                _call_soon(loop, future, None, exc)
            else:
                _call_soon(loop, future, result, None)


def _call_soon(loop: asyncio.AbstractEventLoop, future: asyncio.Future[Any], result: Any,
               error: BaseException | None) -> None:
    # RuntimeError: the loop was closed meanwhile, and nobody awaits any more.
    with contextlib.suppress(RuntimeError):
        loop.call_soon_threadsafe(_settle, future, result, error)
