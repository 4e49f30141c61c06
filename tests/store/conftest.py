from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from alertbot.store.sql import Store


@pytest.fixture(params=["sqlite", "postgres"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    """Every store test runs against SQLite and PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
    else:
        url = request.getfixturevalue("pg_url")
    s = await Store.open(url)
    try:
        yield s
    finally:
        await s.close()
