"""Commands other than ``serve`` never create a database (new-user trial: ``alertbot
readiness`` in a fresh folder made an empty, unmarked ``alertbot.db``)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import asyncpg
import pytest

from alertbot.store.existing import NoDatabaseError, open_existing, recorded_mode
from alertbot.store.sql import Store
from tests.test_cli import ROOT, run

SAMPLE = {"ALERTBOT_CONFIG": str(ROOT / "escalation.yaml"),
          "ALERTBOT_CONTACTS": str(ROOT / "contacts")}


def test_readiness_with_no_database_refuses_names_it_and_creates_nothing(
        tmp_path: Path) -> None:
    result = run("readiness", cwd=tmp_path, env=SAMPLE)
    assert result.returncode == 3, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "alertbot readiness: there is no alertbot database at ./alertbot.db" in result.stderr
    assert "alertbot serve" in result.stderr and "ALERTBOT_DATABASE_URL" in result.stderr
    assert list(tmp_path.iterdir()) == []  # no alertbot.db, no -wal, no -shm


def test_readiness_json_refuses_a_named_missing_file_too(tmp_path: Path) -> None:
    missing = tmp_path / "elsewhere" / "alerts.db"
    result = run("readiness", "--json", cwd=tmp_path,
                 env={**SAMPLE, "ALERTBOT_DATABASE_URL": f"sqlite:///{missing}"})
    assert result.returncode == 3 and result.stdout == ""
    assert str(missing) in result.stderr
    assert not missing.parent.exists()


def test_readiness_refuses_a_file_serve_never_marked(tmp_path: Path) -> None:
    (tmp_path / "alertbot.db").write_bytes(b"")  # e.g. `touch alertbot.db`
    result = run("readiness", cwd=tmp_path, env=SAMPLE)
    assert result.returncode == 3
    assert "is not a database alertbot serve has started on" in result.stderr
    assert (tmp_path / "alertbot.db").read_bytes() == b""  # no tables were made in it


def test_plan_in_a_fresh_folder_creates_no_database(tmp_path: Path) -> None:
    result = run("plan", "--incident", "ice", "--school", "burns", cwd=tmp_path, env=SAMPLE)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "" and list(tmp_path.iterdir()) == []


async def test_a_marked_database_opens(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/alertbot.db"
    store = await Store.open(url)
    try:
        await store.claim_mode("sandbox", time.time())
    finally:
        await store.close()
    assert await recorded_mode(url) == "sandbox"
    opened = await open_existing(url)
    await opened.close()


async def _tables(url: str) -> list[str]:
    conn = await asyncpg.connect(url)
    try:
        return [r[0] for r in await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
    finally:
        await conn.close()


async def test_an_empty_postgresql_database_is_refused_and_left_empty(pg_url: str) -> None:
    with pytest.raises(NoDatabaseError, match="is not a database alertbot serve has started"):
        await open_existing(pg_url)
    assert await _tables(pg_url) == []


async def test_plan_and_readiness_leave_an_empty_postgresql_database_empty(
        pg_url: str, tmp_path: Path) -> None:
    env = {**SAMPLE, "ALERTBOT_DATABASE_URL": pg_url}
    ready = await asyncio.to_thread(run, "readiness", cwd=tmp_path, env=env)
    assert ready.returncode == 3 and "Traceback" not in ready.stderr, ready.stderr
    planned = await asyncio.to_thread(run, "plan", cwd=tmp_path, env=env)
    assert planned.returncode == 0, planned.stderr
    assert await _tables(pg_url) == []


async def test_a_marked_postgresql_database_opens(pg_url: str) -> None:
    store = await Store.open(pg_url)
    try:
        await store.claim_mode("production", time.time())
    finally:
        await store.close()
    assert await recorded_mode(pg_url) == "production"


async def test_an_unreachable_postgresql_server_is_named_without_its_password() -> None:
    url = "postgresql://alertbot:s3cret@127.0.0.1:1/alertbot"
    with pytest.raises(NoDatabaseError) as refused:
        await open_existing(url)
    assert "s3cret" not in str(refused.value)
    assert "cannot open the database postgresql://alertbot:***@127.0.0.1:1/alertbot" in str(
        refused.value)
