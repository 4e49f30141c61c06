from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from alertbot.clock import FakeClock
from alertbot.config.loader import load_or_raise
from alertbot.core.model import Config
from alertbot.metrics import Metrics
from alertbot.service.receiver import Receiver
from alertbot.store.sql import Store
from tests.store.district import DISTRICT


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


@pytest.fixture
def config() -> Config:
    """The scenario tests' SMS district."""
    return load_or_raise(DISTRICT / "escalation.yaml", DISTRICT / "contacts")


@pytest.fixture
async def receiver(store: Store, config: Config) -> AsyncIterator[Receiver]:
    """A receiver on ``store`` with a fake clock; nothing is sent."""
    yield Receiver(config, store, FakeClock(), Metrics(), nudge=lambda: None)
