"""Another process holds SQLite's write lock (a backup, the ``sqlite3`` shell).

The unit of work waits for it on the database thread (decision 0018) for up to
``BUSY_TIMEOUT_MS``: a text that arrives meanwhile opens its incident once the lock goes.
Past that wait the sender is told, in their language, to send again or call.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from alertbot.store import sql
from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import ATTORNEY, PRINCIPAL, PRINCIPAL_ES, SUPERINTENDENT, Harness


@contextmanager
def write_lock_held(database_url: str, seconds: float) -> Iterator[None]:
    """Another connection takes the write lock (``BEGIN IMMEDIATE``) for ``seconds``."""
    path = database_url.removeprefix("sqlite:///")
    locked = threading.Event()

    def hold() -> None:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        locked.set()
        threading.Event().wait(seconds)
        other.execute("COMMIT")
        other.close()

    holder = threading.Thread(target=hold)
    holder.start()
    locked.wait(5)
    try:
        yield
    finally:
        holder.join()


async def test_a_text_waits_out_a_lock_longer_than_the_old_five_seconds(h: Harness) -> None:
    """New-user trial: with a 5 s busy timeout a text behind an 8 s backup was lost."""
    with write_lock_held(h.settings.database_url, 6.5):
        reply = await h.text(PRINCIPAL, "ICE agents at the door")
    assert "#1 opened" in reply
    await h.received("ALERT #1", SUPERINTENDENT, ATTORNEY)


async def test_past_the_busy_timeout_the_sender_is_told_in_their_language(
        fake: FakeTwilio, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sql, "BUSY_TIMEOUT_MS", 200)
    async with Harness(fake, tmp_path) as h:
        with write_lock_held(h.settings.database_url, 1.5):
            reply = await h.text(PRINCIPAL_ES, "ICE agentes en la puerta")
        assert "no pudo registrar su texto" in reply  # Spanish, as the sender speaks
        await asyncio.sleep(0.2)
        assert await h.incidents() == []  # nothing half-done: the unit rolled back
