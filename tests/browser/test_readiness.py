"""Issue 14's readiness page in a real browser: an admin follows the board's link to
/readiness and sees the step that can reach nobody in red, with no CSP violation or
script error (conftest.py ``watched``). A phone-size screenshot goes to
test-artifacts/issue14-readiness-phone.png."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.browser.conftest import ARTIFACTS, Watched
from tests.browser.test_console import sign_in
from tests.scenario.harness import ADMIN, DEPUTY, Harness

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def test_an_admin_opens_readiness_from_the_board(h: Harness, watched: Watched) -> None:
    page = watched.page
    assert await h.text(DEPUTY, "STOP") == ""
    await h.received("Morgan Lee texted STOP", ADMIN)
    await sign_in(page, h, ADMIN)
    await page.click("a[href='/readiness']")
    await page.wait_for_selector("main[data-page=readiness]")
    nobody = page.locator("#step-ice_default-2")
    await expect(nobody).to_contain_text("NOBODY reachable")
    assert await nobody.evaluate("e => getComputedStyle(e).color") == "rgb(176, 0, 32)"
    await expect(page.locator("#person-deputy")).to_contain_text("text START to")
    await expect(page.locator("#step-ice_default-1")).to_contain_text("2 of 2 reachable")
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "issue14-readiness-phone.png"), full_page=True)
