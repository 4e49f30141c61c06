"""The teardown check itself (issue 10): a story that leaves a message it received
unexpected fails, with a list that says to whom, what and when; one that expects (or
ignores) everything passes; a story that already failed gets no second error.

The fixtures are exercised as they are used: a small test file run by pytest in a
subprocess, with this folder's conftest."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import ATTORNEY, PRINCIPAL, SUPERINTENDENT, Harness

ROOT = Path(__file__).resolve().parents[2]

STORIES = '''
from tests.scenario.harness import ATTORNEY, DEPUTY, PRINCIPAL, SUPERINTENDENT
from alertbot.slack.inbound import SLACK
from tests.scenario.slack_harness import PRINCIPAL_U


async def test_forgets_the_attorneys_page(h):
    await h.text(PRINCIPAL, "ICE")
    await h.fake.expect_sms(SUPERINTENDENT, contains="ACK 1")


async def test_expects_every_page(h):
    await h.text(PRINCIPAL, "ICE")
    await h.received("ACK 1", SUPERINTENDENT, ATTORNEY)


async def test_ignores_what_it_does_not_care_about(h):
    h.ignore("sms", contains="ALERT #1")
    await h.text(PRINCIPAL, "ICE")


async def test_a_page_sent_after_the_last_step_is_still_seen(h):
    await h.text(PRINCIPAL, "ICE")
    await h.received("ACK 1", SUPERINTENDENT, ATTORNEY)
    h.clock.advance(180)  # due now, sent only when the fixture lets the engine drain


async def test_fails_on_its_own(h):
    await h.text(PRINCIPAL, "ICE")
    assert False, "the story's own failure"


async def test_forgets_a_slack_dm_page(s):
    await s.command(PRINCIPAL_U, "burns")
    await s.slack.expect("chat.postMessage", channel="C0INCIDENTS", contains="#1")
    await s.h.received("ACK 1", SUPERINTENDENT, ATTORNEY)
    await s.received("ACK 1", "D0ATTY002")  # the superintendent"s DM is left over


async def test_a_thread_line_posted_twice(s):
    await s.command(PRINCIPAL_U, "burns")
    post = await s.slack.expect("chat.postMessage", channel="C0INCIDENTS", contains="#1")
    await s.h.received("ACK 1", SUPERINTENDENT, ATTORNEY)
    await s.received("ACK 1", "D0SUPT001", "D0ATTY002")
    first = s.slack.thread("C0INCIDENTS", post.result["ts"])[0]["text"]
    await s.h.app[SLACK].client.chat_postMessage(  # as a stray second sync would
        channel="C0INCIDENTS", thread_ts=post.result["ts"], text=first.splitlines()[0])


async def test_unchecked_says_why(h):
    h.unchecked("this story cannot know what is sent")
    await h.text(PRINCIPAL, "ICE")
'''


def run_stories(tmp_path: Path) -> str:
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
        "filterwarnings = error\n")
    (tmp_path / "conftest.py").write_text("from tests.scenario.conftest import *  # noqa\n")
    (tmp_path / "test_stories.py").write_text(STORIES)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "pytest", "-rA", "-p", "no:cacheprovider",
                           str(tmp_path)], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120)
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> str:
    return run_stories(tmp_path_factory.mktemp("stories"))


def test_a_story_that_ignores_a_page_it_received_fails_at_teardown(outcome: str) -> None:
    assert "ERROR test_stories.py::test_forgets_the_attorneys_page" in outcome, outcome
    assert "fake Twilio: 1 message(s) nobody expected" in outcome
    assert (f"sms to {ATTORNEY} at t+0s: 'ALERT #1: Enforcement visit at Burns Academy. "
            "Reported 03:00 by Ana Perez. Reply…'") in outcome  # to whom, 80 chars, when


def test_what_is_sent_while_the_fixture_drains_is_checked_too(outcome: str) -> None:
    assert "ERROR test_stories.py::test_a_page_sent_after_the_last_step_is_still_seen" \
        in outcome, outcome
    assert "sms to +18605550101 at t+180s: 'ALERT #1" in outcome  # the deputy, step 2


def test_a_forgotten_slack_message_fails_too(outcome: str) -> None:
    assert "ERROR test_stories.py::test_forgets_a_slack_dm_page" in outcome, outcome
    assert "chat.postMessage to D0SUPT001 at t+0s: 'ALERT #1" in outcome


def test_a_slack_thread_line_shown_twice_fails(outcome: str) -> None:
    assert "ERROR test_stories.py::test_a_thread_line_posted_twice" in outcome, outcome
    assert "incident #1: its Slack thread shows lines more often than its timeline has " \
        "them: {'`03:00` *opened*: opened via slack by Ana Perez': 1}" in outcome


def test_stories_that_expect_or_ignore_everything_pass(outcome: str) -> None:
    for name in ("test_expects_every_page", "test_ignores_what_it_does_not_care_about",
                 "test_unchecked_says_why"):
        assert f"PASSED test_stories.py::{name}" in outcome, outcome


def test_a_failed_story_gets_no_second_error(outcome: str) -> None:
    assert "FAILED test_stories.py::test_fails_on_its_own" in outcome, outcome
    assert "ERROR test_stories.py::test_fails_on_its_own" not in outcome
    assert "1 failed, 7 passed, 4 errors" in outcome, outcome


async def test_the_list_names_each_message_once_and_calls_by_what_is_said(
        fake: FakeTwilio, tmp_path: Path) -> None:
    async with Harness(fake, tmp_path) as h:
        await h.text(PRINCIPAL, "ICE")
        await h.fake.expect_sms(SUPERINTENDENT, contains="ACK 1")
        h.clock.advance(90)
    with pytest.raises(AssertionError) as raised:
        fake.assert_all_expected()
    lines = str(raised.value).splitlines()
    assert lines[0].startswith("fake Twilio: 1 message(s) nobody expected")
    assert lines[1].startswith(f"  sms to {ATTORNEY} at t+0s: 'ALERT #1")
    assert len(lines) == 2
    await fake.expect_sms(ATTORNEY, contains="ACK 1")
    fake.assert_all_expected()  # consumed: nothing left
