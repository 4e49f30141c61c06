"""The store: SQLAlchemy Core 2.x over SQLite (default) or PostgreSQL (asyncpg).

Everything the engine and receiver persist goes through here, as **units of work**: a
unit is a plain synchronous function ``work(tx: Tx) -> T`` run inside one database
transaction by ``await Store.write(work)`` (committed if it returns, rolled back if it
raises) or ``await Store.read(work)`` (read-only). Nothing inside a unit awaits.

- SQLite: every write unit runs on one dedicated database thread (one hop per unit, not
  per statement; one writer, as SQLite has anyway), read units on a small pool of reader
  threads (WAL: readers never wait for the writer). The event loop never waits on the
  disk, on the write lock held by another process, or on a WAL checkpoint (decision 0018,
  superseding 0009).
- PostgreSQL: a unit runs under ``AsyncConnection.run_sync`` on an asyncpg connection
  (SQLAlchemy's greenlet bridge: each statement is awaited on the loop, the unit's code
  reads as synchronous). Due work is claimed ``FOR UPDATE SKIP LOCKED`` so several
  instances can share one database.
"""
from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, Engine, ExceptionContext
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from alertbot.crypto import Keyring
from alertbot.faults import slow_commits
from alertbot.store.reseal import RESEAL_BATCH, Resealed, database_keyring, reseal
from alertbot.store.rows import SlackPost
from alertbot.store.schema import MIGRATIONS, database_meta, schema_version
from alertbot.store.tx import NUDGE_CHANNEL, Tx
from alertbot.store.words import Words
from alertbot.store.writer import WriterThread

__all__ = ["BUSY_TIMEOUT_MS", "NUDGE_CHANNEL", "SlackPost", "Store", "Tx", "engine_url"]

T = TypeVar("T")

# How long an SQLite write waits for a lock held by another process (a backup, the
# ``sqlite3`` shell) before failing with "database is locked": milliseconds. It waits on
# the database thread, never on the event loop, so it can be long: 12 s keeps a text
# waiting behind a backup inside Twilio's 15 s webhook timeout (a 5 s wait lost texts in
# the new-user trial). Past it the sender is told to send again or call the fallback.
BUSY_TIMEOUT_MS = 12_000
READER_THREADS = 2


def engine_url(url: str) -> str:
    """``sqlite:///x.db`` / ``postgresql://…`` as written by people → driver URLs
    (SQLite's own driver, run on the database threads; asyncpg for PostgreSQL)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    return url


class Store:
    """PostgreSQL through asyncpg (``engine``), or SQLite on database threads
    (``sync_engine``). Use ``write``/``read`` to run a unit of work."""

    def __init__(self, engine: AsyncEngine | None = None,
                 sync_engine: Engine | None = None) -> None:
        if (engine is None) == (sync_engine is None):
            raise ValueError("a Store needs exactly one of an async or a sync engine")
        self.engine = engine
        self.sync_engine = sync_engine
        self.postgres = engine is not None
        # People's words at rest (decision 0044); ``open`` sets the database's keyring.
        self.words = Words(Keyring.throwaway())
        self._writer: WriterThread | None = None
        self._readers: ThreadPoolExecutor | None = None
        self._held: _HeldConnection | None = None
        if sync_engine is not None:
            self._held = _HeldConnection(sync_engine)
            self._writer = WriterThread("alertbot-db-write")
            self._readers = ThreadPoolExecutor(READER_THREADS,
                                               thread_name_prefix="alertbot-db-read")

    @property
    def keyring(self) -> Keyring:
        """The keys people's words are sealed and opened with (decision 0044)."""
        return self.words.keyring

    @classmethod
    async def open(cls, url: str, slow_commit: float = 0.0,
                   keyring: Keyring | None = None) -> Store:
        """Open (and migrate) the database at ``url``.

        ``keyring``: ALERTBOT_DATA_KEY (and older keys), which seal people's words.
        Without one (the sandbox, tests) the database keeps a key of its own, so its words
        survive a restart but are not protected at rest; with one, such a key still opens
        what it sealed until ``reseal`` moves it to the given key (store/reseal.py).

        Statement parameters are phone numbers and reporters' words: SQLAlchemy is told
        to keep them out of every error message (``hide_parameters``), so a failing
        statement's logged traceback shows the SQL but never the values.
        ``slow_commit`` (seconds; SQLite only) is a fault for tests: see ``faults.py``.
        """
        full = engine_url(url)
        if full.startswith("sqlite"):
            # One writer thread and READER_THREADS readers: never more connections.
            sync_engine = create_engine(full, pool_size=READER_THREADS + 1, max_overflow=2,
                                        hide_parameters=True)

            @event.listens_for(sync_engine, "connect")
            def _pragmas(dbapi_conn: Any, _record: Any) -> None:
                cursor = dbapi_conn.cursor()
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
                cursor.execute("PRAGMA foreign_keys=ON")
                cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
                # Overwrite deleted and rewritten content with zeros, so words that were
                # purged (retention) or resealed (plain before decision 0044) do not
                # linger in free space of the file (sqlite.org/pragma.html#pragma_secure_delete).
                cursor.execute("PRAGMA secure_delete=ON")
                cursor.close()

            slow_commits(sync_engine, slow_commit)
            store = cls(sync_engine=sync_engine)
        else:
            engine = create_async_engine(full, pool_size=10, max_overflow=10,
                                         hide_parameters=True)
            event.listen(engine.sync_engine, "handle_error", _hide_row_values)
            store = cls(engine=engine)
        await store.migrate()
        try:
            store.words = Words(await database_keyring(store, keyring))
        except BaseException:
            await store.close()
            raise
        return store

    async def reseal(self, batch: int = RESEAL_BATCH) -> Resealed:
        """Seal every word still plain, and move words under an older key to the current
        one (store/reseal.py): idempotent, ``batch`` rows per unit of work.

        SQLite: when it sealed anything, the write-ahead log is then checkpointed and
        truncated, so the file's old page images (the plain words) are overwritten. On
        PostgreSQL old row versions stay in the table files until ``VACUUM FULL``.
        """
        done = await reseal(self, batch)
        if done.sealed and self.sync_engine is not None:
            await self._write_thread(_checkpoint, self.sync_engine)
        return done

    async def migrate(self) -> int:
        """Apply pending migrations; return the schema version now in force."""
        if self.engine is None:
            return await self._write_thread(_migrate_sqlite, self.sync_engine)
        async with self.engine.begin() as conn:
            await conn.execute(sa.text("SELECT pg_advisory_xact_lock(727274)"))
            return await conn.run_sync(_migrate)

    async def close(self) -> None:
        """Finish the units already started, then close every connection."""
        if self.engine is not None:
            await self.engine.dispose()
        if self._writer is not None:
            if self._held is not None:
                await self._writer.run(self._held.close)
            await asyncio.get_running_loop().run_in_executor(None, self._writer.shutdown)
        if self._readers is not None:
            await asyncio.get_running_loop().run_in_executor(None, self._readers.shutdown,
                                                             True)
        if self.sync_engine is not None:
            self.sync_engine.dispose()

    # --- units of work ---------------------------------------------------------------

    async def write(self, work: Callable[[Tx], T]) -> T:
        """Run ``work(tx)`` in one read-write transaction and return its result.

        Committed when ``work`` returns, rolled back when it raises (the exception
        propagates). When the unit made work for the engine (``tx.made_work``), every
        instance sharing a PostgreSQL database is told at commit (``NOTIFY``).
        ``work`` must not await or block on anything but the database.
        """
        if self.engine is not None:
            async with self.engine.begin() as conn:
                return await conn.run_sync(_unit, work, True, True, self.words)
        return await self._write_thread(_sqlite_write, self._held, work,
                                     self.words)

    async def read(self, work: Callable[[Tx], T]) -> T:
        """Run ``work(tx)`` in a read-only view and return its result (on SQLite it does
        not wait for the writer: WAL)."""
        if self.engine is not None:
            async with self.engine.connect() as conn:
                return await conn.run_sync(_unit, work, True, False, self.words)
        return await self._on_thread(self._readers, _sqlite_read, self.sync_engine, work,
                                     self.words)

    async def _write_thread(self, fn: Callable[..., T], *args: Any) -> T:
        assert self._writer is not None
        return await self._writer.run(fn, *args)

    @staticmethod
    async def _on_thread(pool: ThreadPoolExecutor | None, fn: Callable[..., T],
                         *args: Any) -> T:
        assert pool is not None
        return await asyncio.get_running_loop().run_in_executor(pool, fn, *args)

    # --- the rest -----------------------------------------------------------------------

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

        def recorded(tx: Tx) -> str | None:
            value = tx.conn.execute(select).scalar()
            return None if value is None else str(value)

        def record(tx: Tx) -> None:
            tx.conn.execute(sa.insert(database_meta).values(key="mode", value=mode,
                                                            set_at=now))

        found = await self.read(recorded)
        if found is not None:
            return found
        with contextlib.suppress(sa.exc.IntegrityError):  # another instance was first
            await self.write(record)
        found = await self.read(recorded)
        assert found is not None
        return found

    async def ping(self) -> bool:
        """Whether the database answers a read."""
        try:
            await self.read(lambda tx: tx.conn.execute(sa.text("SELECT 1")).scalar())
            return True
        except Exception:  # noqa: BLE001 - any failure means "not alive"
            return False


def _unit(conn: Connection, work: Callable[[Tx], T], postgres: bool, writing: bool,
          words: Words) -> T:
    tx = Tx(conn, postgres, words)
    result = work(tx)
    if writing:
        tx.notify()
    return result


class _HeldConnection:
    """The database thread's own SQLite connection, checked out of the pool once and
    kept: a write unit then only begins and commits, without a pool checkout and return
    (with its reset) each time (≈ 0.1 ms per unit on the first page's path, decision
    0053). Used on the writer thread only; a connection SQLAlchemy invalidated (a
    disconnect) is replaced at the next unit. ``close`` returns it (on that thread)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.conn: Connection | None = None

    def get(self) -> Connection:
        if self.conn is None or self.conn.closed or self.conn.invalidated:
            if self.conn is not None:
                self.conn.close()
            self.conn = self.engine.connect()
        return self.conn

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def _sqlite_write(held: _HeldConnection, work: Callable[[Tx], T], words: Words) -> T:
    conn = held.get()
    with conn.begin():
        return _unit(conn, work, False, True, words)


def _sqlite_read(engine: Engine, work: Callable[[Tx], T], words: Words) -> T:
    with engine.connect() as conn:
        return _unit(conn, work, False, False, words)


def _checkpoint(engine: Engine) -> None:
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


def _migrate_sqlite(engine: Engine) -> int:
    with engine.begin() as conn:
        return _migrate(conn)


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
