"""Browser tests: Debian's Chromium driven by Playwright (never a downloaded browser)
against the real service and the fake Twilio (tests/scenario/harness.py).

One Chromium per module (``browser``); each test gets a fresh context (cookies, storage)
and page (``page``), whose console is watched: any Content-Security-Policy violation or
script error fails the test. Every SMS the service sends must be expected, as in the
scenario tests (the ``fake`` fixture checks at teardown).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Generator
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, ConsoleMessage, Page, Request, async_playwright

from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import Harness
from tests.scenario.teardown import CALL_REPORT, finish, story_passed

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--autoplay-policy=no-user-gesture-required"]
ARTIFACTS = Path(__file__).resolve().parent.parent.parent / "test-artifacts"
PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 800}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item,
                              call: pytest.CallInfo[None]) -> Generator[None, object, object]:
    report = yield
    if isinstance(report, pytest.TestReport) and report.when == "call":
        item.stash[CALL_REPORT] = report
    return report


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def browser() -> AsyncIterator[Browser]:
    path = os.environ.get("ALERTBOT_CHROMIUM", CHROMIUM)
    if not shutil.which(path):
        pytest.skip(f"{path} is not installed (apt-get install chromium)")
    async with async_playwright() as pw:
        chromium = await pw.chromium.launch(executable_path=path, args=ARGS)
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest_asyncio.fixture(loop_scope="module")
async def fake(request: pytest.FixtureRequest) -> AsyncIterator[FakeTwilio]:
    async with FakeTwilio() as server:
        yield server
        if story_passed(request):
            server.assert_all_expected()


@pytest_asyncio.fixture(loop_scope="module")
async def h(request: pytest.FixtureRequest, fake: FakeTwilio,
            tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness(fake, tmp_path).start()
    try:
        yield harness
    finally:
        await finish(request, harness)


class Watched:
    """A page and what its console said (``problems``: errors and CSP reports)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.problems: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda exc: self.problems.append(f"page error: {exc}"))
        page.on("requestfailed", self._failed)
        page.on("response", lambda r: self.problems.append(f"{r.status}: {r.url}")
                if r.status >= 400 and r.request.resource_type != "document" else None)

    def _failed(self, request: Request) -> None:
        if "ERR_ABORTED" not in (request.failure or ""):  # a stream cut by navigating away
            self.problems.append(f"failed: {request.url} ({request.failure})")

    def _console(self, message: ConsoleMessage) -> None:
        text = message.text
        if text.startswith("Failed to load resource"):
            return  # a 404 page the test asked for; subresources are checked by status
        if message.type == "error" or "Content Security Policy" in text or "Refused to" in text:
            self.problems.append(f"{message.type}: {text}")


@pytest_asyncio.fixture(loop_scope="module")
async def watched(browser: Browser) -> AsyncIterator[Watched]:
    """A fresh context and page at phone size; fails the test on any console problem."""
    context = await browser.new_context(viewport=PHONE)  # type: ignore[arg-type]
    page = await context.new_page()
    seen = Watched(page)
    try:
        yield seen
    finally:
        await context.close()
    assert not seen.problems, seen.problems
