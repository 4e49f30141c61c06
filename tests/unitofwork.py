"""Tests' way into one store transaction, a query at a time: ``async with transaction(store)``.

Production code runs a whole unit of work as one synchronous function
(``Store.write(work)`` / ``Store.read(work)``, decision 0018). Store tests want to look
at the database step by step in between their assertions, against SQLite *and*
PostgreSQL, so this adapter awaits each ``Tx`` query separately inside ONE transaction:

    async with transaction(store) as tx:          # committed at the end, rolled back on error
        number = await tx.insert_incident(incident)
        await tx.run(claim_delivery, key, now, 30)  # a function over a Tx
        await tx.conn.execute(sa.text("..."))     # raw SQL

On SQLite the statements run right here in the test's thread (blocking the loop is fine in
a test); on PostgreSQL each call goes through ``AsyncConnection.run_sync`` on the same
connection, as ``Store.write`` does for a whole unit. ``Store.write``/``read`` themselves
are tested in tests/store/test_unit_of_work.py.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, TypeVar

from alertbot.store.sql import Store, Tx

T = TypeVar("T")
Call = Callable[[Callable[[], Any]], Awaitable[Any]]


class _Conn:
    def __init__(self, tx: Tx, call: Call) -> None:
        self._tx, self._call = tx, call

    async def execute(self, statement: Any, parameters: Any = None) -> Any:
        return await self._call(lambda: self._tx.conn.execute(statement, parameters))


class AwaitedTx:
    """A ``Tx`` whose methods are awaited one by one (see the module docstring)."""

    def __init__(self, tx: Tx, call: Call) -> None:
        self._tx, self._call = tx, call
        self.conn = _Conn(tx, call)

    @property
    def made_work(self) -> bool:
        return self._tx.made_work

    async def run(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """``fn(tx, *args, **kwargs)`` inside this transaction."""
        result: T = await self._call(lambda: fn(self._tx, *args, **kwargs))
        return result

    def __getattr__(self, name: str) -> Callable[..., Awaitable[Any]]:
        method = getattr(self._tx, name)

        async def call(*args: Any, **kwargs: Any) -> Any:
            return await self._call(lambda: method(*args, **kwargs))
        return call


@contextlib.asynccontextmanager
async def transaction(store: Store, write: bool = True) -> AsyncIterator[AwaitedTx]:
    """One transaction (``write=False``: a read-only view) on ``store``."""
    if store.engine is not None:
        opened = store.engine.begin() if write else store.engine.connect()
        async with opened as aconn:
            tx = Tx(aconn.sync_connection, True, store.words)  # type: ignore[arg-type]

            async def on_pg(fn: Callable[[], Any]) -> Any:
                return await aconn.run_sync(lambda _conn: fn())
            yield AwaitedTx(tx, on_pg)
            if write:
                await on_pg(tx.notify)
        return
    assert store.sync_engine is not None
    opened_sync = store.sync_engine.begin() if write else store.sync_engine.connect()
    with opened_sync as conn:

        async def here(fn: Callable[[], Any]) -> Any:
            return fn()
        yield AwaitedTx(Tx(conn, False, store.words), here)
