from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fakes.slack_server import FakeSlack
from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import Harness


@pytest.fixture
async def fake() -> AsyncIterator[FakeTwilio]:
    async with FakeTwilio() as server:
        yield server


@pytest.fixture
async def h(fake: FakeTwilio, tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness(fake, tmp_path).start()
    try:
        yield harness
    finally:
        await harness.close()


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as server:
        yield server
