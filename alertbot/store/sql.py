"""The store: SQLAlchemy Core 2.x; SQLite (default) in the event loop, or asyncpg.

Everything the engine and receiver persist goes through here. A ``Tx`` is one
database transaction; ``Store.tx()`` opens it. On SQLite, write transactions are
serialised in-process (SQLite has one writer anyway) so they never hit
``database is locked``; on PostgreSQL, due work is claimed ``FOR UPDATE SKIP LOCKED``
so several instances can share one database.
"""
from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, CursorResult, Engine, ExceptionContext
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.sql.expression import Executable

from alertbot.store.rows import SlackPost
from alertbot.store.schema import MIGRATIONS, database_meta, schema_version
from alertbot.store.tx import NUDGE_CHANNEL, Tx
from alertbot.store.txbase import Executor

__all__ = ["NUDGE_CHANNEL", "Executor", "SlackPost", "Store", "Tx", "engine_url"]


def engine_url(url: str) -> str:
    """``sqlite:///x.db`` / ``postgresql://…`` as written by people → driver URLs
    (SQLite's own driver, run in the event loop; asyncpg for PostgreSQL)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    return url


class _LoopThreadConnection:
    """SQLite, run right here in the event-loop thread, behind ``Tx``'s async calls.

    An SQLite statement takes tens of microseconds; through SQLAlchemy's aiosqlite
    adapter each one made several hops to a worker thread and cost ~700 µs, which under
    load was most of the service's CPU and made timers late (bench/README.md,
    decision 0009). Our writers take turns on the store's lock, so a statement never
    waits on another connection of ours.
    """

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def execute(self, statement: Executable, parameters: Any = None) -> CursorResult[Any]:
        return self._conn.execute(statement, parameters)


class Store:
    """PostgreSQL through asyncpg (``engine``), or SQLite in the loop (``sync_engine``)."""

    def __init__(self, engine: AsyncEngine | None = None,
                 sync_engine: Engine | None = None) -> None:
        if (engine is None) == (sync_engine is None):
            raise ValueError("a Store needs exactly one of an async or a sync engine")
        self.engine = engine
        self.sync_engine = sync_engine
        self.postgres = engine is not None
        self._write_lock = None if self.postgres else asyncio.Lock()

    @classmethod
    async def open(cls, url: str) -> Store:
        """Open (and migrate) the database at ``url``.

        Statement parameters are phone numbers and reporters' words: SQLAlchemy is told
        to keep them out of every error message (``hide_parameters``), so a failing
        statement's logged traceback shows the SQL but never the values.
        """
        full = engine_url(url)
        if full.startswith("sqlite"):
            # Never block the loop waiting for a pooled connection: no upper bound.
            sync_engine = create_engine(full, pool_size=5, max_overflow=-1,
                                        hide_parameters=True)

            @event.listens_for(sync_engine, "connect")
            def _pragmas(dbapi_conn: Any, _record: Any) -> None:
                cursor = dbapi_conn.cursor()
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
                cursor.execute("PRAGMA foreign_keys=ON")
                # Only another process could hold the lock; waiting blocks the loop.
                cursor.execute("PRAGMA busy_timeout=2000")
                cursor.close()

            store = cls(sync_engine=sync_engine)
        else:
            engine = create_async_engine(full, pool_size=10, max_overflow=10,
                                         hide_parameters=True)
            event.listen(engine.sync_engine, "handle_error", _hide_row_values)
            store = cls(engine=engine)
        await store.migrate()
        return store

    async def migrate(self) -> int:
        """Apply pending migrations; return the schema version now in force."""
        if self.engine is None:
            assert self.sync_engine is not None
            with self.sync_engine.begin() as sync_conn:
                return _migrate(sync_conn)
        async with self.engine.begin() as conn:
            await conn.execute(sa.text("SELECT pg_advisory_xact_lock(727274)"))
            return await conn.run_sync(_migrate)

    async def close(self) -> None:
        if self.engine is not None:
            await self.engine.dispose()
        if self.sync_engine is not None:
            self.sync_engine.dispose()

    async def listen(self, callback: Callable[[], None]) -> Callable[[], Awaitable[None]]:
        """Call ``callback`` whenever any instance commits work (PostgreSQL LISTEN).

        Returns an async function that stops listening. A no-op on SQLite, where one
        process owns the database and nudges itself.
        """
        if self.engine is None:
            async def nothing() -> None:
                return None
            return nothing
        import asyncpg

        dsn = self.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        conn = await asyncpg.connect(dsn)

        def on_notify(*_args: object) -> None:
            callback()

        await conn.add_listener(NUDGE_CHANNEL, on_notify)

        async def stop() -> None:
            await conn.close()
        return stop

    async def claim_mode(self, mode: str, now: float) -> str:
        """The mode this database was created for ("production" or "sandbox").

        The first caller records ``mode`` and gets it back; every later caller gets what
        was recorded, whatever it asks, so the caller can refuse a mismatch. Two
        instances starting together: the primary key lets one insert win; the loser reads.
        """
        select = sa.select(database_meta.c.value).where(database_meta.c.key == "mode")
        async with self.read() as tx:
            recorded = (await tx.conn.execute(select)).scalar()
        if recorded is not None:
            return str(recorded)
        try:
            async with self.tx() as tx:
                await tx.conn.execute(sa.insert(database_meta).values(
                    key="mode", value=mode, set_at=now))
        except sa.exc.IntegrityError:
            pass  # another instance recorded it first
        async with self.read() as tx:
            return str((await tx.conn.execute(select)).scalar_one())

    async def ping(self) -> bool:
        try:
            async with self.read() as tx:
                await tx.conn.execute(sa.text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 - any failure means "not alive"
            return False

    @contextlib.asynccontextmanager
    async def tx(self) -> AsyncIterator[Tx]:
        """A read-write transaction: committed on success, rolled back on error."""
        if self.engine is not None:
            async with self.engine.begin() as conn:
                yield Tx(conn, True)
            return
        assert self._write_lock is not None and self.sync_engine is not None
        async with self._write_lock:
            with self.sync_engine.begin() as sync_conn:
                yield Tx(_LoopThreadConnection(sync_conn), False)

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[Tx]:
        """A read-only view; on SQLite it does not wait for writers (WAL)."""
        if self.engine is not None:
            async with self.engine.connect() as conn:
                yield Tx(conn, True)
            return
        assert self.sync_engine is not None
        with self.sync_engine.connect() as sync_conn:
            yield Tx(_LoopThreadConnection(sync_conn), False)


def _without_detail(text: str) -> str:
    return "\n".join(line for line in text.split("\n")
                     if not line.lstrip().startswith("DETAIL:"))


def _hide_row_values(context: ExceptionContext) -> None:
    """PostgreSQL writes the offending values into an error's DETAIL ("Failing row
    contains (…)", "Key (key)=(…) already exists"): drop it, as ``hide_parameters``
    drops the parameters, from the driver's error, its cause and SQLAlchemy's."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [context.original_exception,
                                           context.sqlalchemy_exception]
    while pending:
        exc = pending.pop()
        if exc is None or id(exc) in seen:
            continue
        seen.add(id(exc))
        if getattr(exc, "detail", None):
            with contextlib.suppress(AttributeError):
                exc.detail = None  # type: ignore[attr-defined]
        exc.args = tuple(_without_detail(a) if isinstance(a, str) else a for a in exc.args)
        pending += [exc.__cause__, exc.__context__, getattr(exc, "orig", None)]


def _migrate(conn: Connection) -> int:
    schema_version.create(conn, checkfirst=True)
    current = conn.execute(sa.select(schema_version.c.version)).scalar()
    if current is None:
        conn.execute(sa.insert(schema_version).values(version=0))
        current = 0
    for index in range(int(current), len(MIGRATIONS)):
        MIGRATIONS[index](conn)
        conn.execute(sa.update(schema_version).values(version=index + 1))
    return len(MIGRATIONS)
