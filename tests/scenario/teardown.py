"""Teardown of scenario fixtures: quiesce the service only after a story that passed,
then close it; the ``fake`` / ``slack`` fixtures (conftest.py) then check that every
message was expected."""

from __future__ import annotations

import pytest

from tests.scenario.harness import Harness

CALL_REPORT = pytest.StashKey[pytest.TestReport]()  # set by conftest's makereport hook


def story_passed(request: pytest.FixtureRequest) -> bool:
    """Did the test body run to its end? (No teardown check piles onto a failure.)"""
    report = request.node.stash.get(CALL_REPORT, None)
    return report is not None and report.passed


async def finish(request: pytest.FixtureRequest, *harnesses: Harness) -> None:
    """Teardown of harness fixtures: quiesce (if the story passed), then close each."""
    try:
        if story_passed(request):
            for harness in harnesses:
                await harness.quiesce()
    finally:
        for harness in reversed(harnesses):
            await harness.close()


