"""Scenario fixtures. Every message the service sends during a scenario must be
expected: after a story that passed, the harness fixtures let the service go quiet and
the ``fake`` / ``slack`` fixtures fail the test on any SMS, call or Slack message no
expectation consumed and no ``ignore`` rule covers (tests/fakes/ledger.py). The check
sits on the fakes, so a harness a test builds itself is checked as well."""

from __future__ import annotations

from collections.abc import AsyncIterator, Generator
from pathlib import Path

import pytest

from tests.fakes.slack_server import FakeSlack
from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import DISTRICT_VOICE, Harness
from tests.scenario.slack_harness import SlackPlayer
from tests.scenario.teardown import CALL_REPORT, finish, story_passed


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item,
                              call: pytest.CallInfo[None]) -> Generator[None, object, object]:
    report = yield
    if isinstance(report, pytest.TestReport) and report.when == "call":
        item.stash[CALL_REPORT] = report
    return report


@pytest.fixture
async def fake(request: pytest.FixtureRequest) -> AsyncIterator[FakeTwilio]:
    async with FakeTwilio() as server:
        yield server
        if story_passed(request):
            server.assert_all_expected()


@pytest.fixture
async def slack(request: pytest.FixtureRequest) -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as server:
        yield server
        if story_passed(request):
            server.assert_all_expected()


@pytest.fixture
async def h(request: pytest.FixtureRequest, fake: FakeTwilio,
            tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness(fake, tmp_path).start()
    try:
        yield harness
    finally:
        await finish(request, harness)


@pytest.fixture
async def hv(request: pytest.FixtureRequest, fake: FakeTwilio,
             tmp_path: Path) -> AsyncIterator[Harness]:
    """The voice district: voice pages, a PIN for unknown callers (accepted), a personal
    PIN on the superintendent, a Spanish responder."""
    harness = await Harness(fake, tmp_path, config_dir=DISTRICT_VOICE).start()
    try:
        yield harness
    finally:
        await finish(request, harness)


@pytest.fixture
async def s(request: pytest.FixtureRequest, fake: FakeTwilio, slack: FakeSlack,
            tmp_path: Path) -> AsyncIterator[SlackPlayer]:
    """The Slack district over HTTP (``/slack/events``), with the fake Slack and Twilio."""
    player = await SlackPlayer.start(fake, slack, tmp_path)
    try:
        yield player
    finally:
        await finish(request, player.h)
