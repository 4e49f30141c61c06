"""Open a database that ``alertbot serve`` already made, never a new one.

Commands other than ``serve`` (``readiness``, ``plan``) read what the service recorded.
Opening a path where no database is would create an empty, unmarked one (SQLite creates
the file on connect; migrations create the tables), which ``serve`` would then claim for
whichever mode starts first (decision 0016): so they look first and refuse.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from alertbot.crypto import Keyring
from alertbot.store.sql import Store, engine_url

MARKER_TABLE = "alertbot_meta"  # store/schema.py database_meta


class NoDatabaseError(Exception):
    """There is no alertbot database at the URL; ``str()`` says where and what to do."""


def shown(url: str) -> str:
    """``url`` as it may be printed: the password hidden, an odd URL cut to its host."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an odd URL is still named, not its password
        return url.split("@")[-1]


def _refusal(url: str, why: str) -> str:
    return (f"{why}\n"
            "  alertbot only reads the database `alertbot serve` made; it creates nothing "
            "here.\n"
            "  Start the service on it first (`alertbot serve`, or `alertbot serve --sandbox`, "
            "whose database is sqlite:///./alertbot-sandbox.db), or set ALERTBOT_DATABASE_URL "
            f"to the database the service uses (now: {shown(url)}).")


def _sqlite_mode(url: str) -> str | None:
    """The mode recorded in the SQLite file ``url`` names, or None when it has none.
    Raises NoDatabaseError when there is no file (or the URL is in-memory)."""
    name = make_url(url).database
    if not name or name == ":memory:" or not Path(name).is_file():
        raise NoDatabaseError(_refusal(url, f"alertbot: there is no alertbot database at "
                                            f"{name or shown(url)}."))
    try:
        conn = sqlite3.connect(name)  # an existing file: nothing is created
        try:
            row = conn.execute(f"SELECT value FROM {MARKER_TABLE} "
                               "WHERE key = 'mode'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:  # no such table, or not a database at all
        return None
    return None if row is None else str(row[0])


async def _postgres_mode(url: str) -> str | None:
    """The mode recorded in the PostgreSQL database at ``url``, or None when it has no
    alertbot tables. Raises NoDatabaseError when it cannot be reached."""
    import asyncpg

    dsn = make_url(engine_url(url)).set(drivername="postgresql")
    try:
        conn = await asyncpg.connect(dsn.render_as_string(hide_password=False))
    except Exception as exc:  # noqa: BLE001 - named, with what to do
        raise NoDatabaseError(_refusal(url, f"alertbot: cannot open the database "
                                            f"{shown(url)} ({type(exc).__name__}).")) from None
    try:
        if await conn.fetchval("SELECT to_regclass($1)", MARKER_TABLE) is None:
            return None
        value = await conn.fetchval(f"SELECT value FROM {MARKER_TABLE} "
                                    "WHERE key = 'mode'")
    finally:
        await conn.close()
    return None if value is None else str(value)


async def recorded_mode(url: str) -> str:
    """The mode ("production" or "sandbox") ``alertbot serve`` recorded in the database at
    ``url``. Raises NoDatabaseError, having created nothing, when there is no database
    there (a missing SQLite file, an in-memory URL, an unreachable server) or it was
    never marked by ``serve``."""
    if url.startswith("sqlite"):
        mode = await asyncio.to_thread(_sqlite_mode, url)
    else:
        mode = await _postgres_mode(url)
    if mode is None:
        raise NoDatabaseError(_refusal(url, f"alertbot: {shown(url)} is not a database "
                                            "alertbot serve has started on."))
    return mode


async def open_existing(url: str, keyring: Keyring | None = None) -> Store:
    """The store at ``url``, opened (and migrated) only when ``serve`` made it, with
    ``keyring`` to open sealed words (``Store.open``); raises NoDatabaseError, having
    created nothing, otherwise."""
    await recorded_mode(url)
    return await Store.open(url, keyring=keyring)
