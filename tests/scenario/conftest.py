from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fakes.slack_server import FakeSlack
from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import DISTRICT_VOICE, Harness
from tests.scenario.slack_harness import SlackPlayer


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


@pytest.fixture
async def hv(fake: FakeTwilio, tmp_path: Path) -> AsyncIterator[Harness]:
    """The voice district: voice pages, a PIN for unknown callers (accepted), a personal
    PIN on the superintendent, a Spanish responder."""
    harness = await Harness(fake, tmp_path, config_dir=DISTRICT_VOICE).start()
    try:
        yield harness
    finally:
        await harness.close()


@pytest.fixture
async def s(fake: FakeTwilio, slack: FakeSlack, tmp_path: Path) -> AsyncIterator[SlackPlayer]:
    """The Slack district over HTTP (``/slack/events``), with the fake Slack and Twilio."""
    player = await SlackPlayer.start(fake, slack, tmp_path)
    try:
        yield player
    finally:
        await player.h.close()
