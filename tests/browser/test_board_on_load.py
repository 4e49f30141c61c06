"""A board opened while incidents already wait (new-user trial: no title, no sound until a
live event): its title counts them at once and it beeps, or, when the browser refuses
sound before a click (autoplay policy), shows a visible button that turns it on."""

from __future__ import annotations

import pytest
from playwright.async_api import expect

from tests.browser.conftest import Watched
from tests.browser.test_console import opened, sign_in
from tests.scenario.harness import ATTORNEY, PRINCIPAL_ES, SUPERINTENDENT, Harness

pytestmark = pytest.mark.asyncio(loop_scope="module")

# A browser that blocks autoplay: no sound until the person has clicked in this page
# (a trusted click; Chromium itself may count the sign-in page's clicks, so the rule is
# made per page here, as a stricter browser applies it).
STRICT_AUTOPLAY = """
(() => {
  const real = HTMLMediaElement.prototype.play;
  let clicked = false;
  window.addEventListener("click", (e) => { if (e.isTrusted) clicked = true; }, true);
  HTMLMediaElement.prototype.play = function () {
    if (!clicked) {
      return Promise.reject(new DOMException("play() needs a user gesture", "NotAllowedError"));
    }
    window.playedAfterClick = true;
    return real.call(this).catch(() => undefined);
  };
})();
"""


async def test_a_board_opened_while_incidents_wait_counts_them_and_beeps(
        h: Harness, watched: Watched) -> None:
    page = watched.page
    await opened(h)
    await opened(h, PRINCIPAL_ES, "agentes en la puerta")
    await h.received("ALERT #1", SUPERINTENDENT, ATTORNEY)
    await h.received("ALERT #2", SUPERINTENDENT, ATTORNEY)
    await sign_in(page, h, SUPERINTENDENT)
    await expect(page).to_have_title("(2) Not acknowledged — alertbot — Test District")
    await expect(page.locator("body")).to_have_attribute("data-beeps", "1")
    await expect(page.locator("body")).to_have_attribute("data-sound", "on")
    await expect(page.locator("#sound-off")).to_be_hidden()
    await h.text(ATTORNEY, "ACK 1")
    h.ignore("sms", contains="#1")
    await expect(page).to_have_title("(1) Not acknowledged — alertbot — Test District")
    await h.text(ATTORNEY, "ACK 2")
    h.ignore("sms", contains="#2")
    await expect(page).to_have_title("alertbot — Test District")


async def test_when_the_browser_blocks_sound_a_visible_button_turns_it_on(
        h: Harness, watched: Watched) -> None:
    page = watched.page
    await page.add_init_script(STRICT_AUTOPLAY)
    await opened(h)
    await h.received("ALERT #1", SUPERINTENDENT, ATTORNEY)
    await sign_in(page, h, SUPERINTENDENT)
    await expect(page).to_have_title("(1) Not acknowledged — alertbot — Test District")
    button = page.locator("#sound-off")
    await expect(button).to_be_visible()
    await expect(button).to_have_text(
        "Sound is off (the browser blocked it): click to turn it on")
    await button.click()
    await expect(button).to_be_hidden()
    await expect(page.locator("body")).to_have_attribute("data-sound", "on")
    assert await page.evaluate("window.playedAfterClick") is True
    h.ignore("sms")  # the paging itself is not this test's


async def test_an_empty_board_stays_quiet(h: Harness, watched: Watched) -> None:
    page = watched.page
    await sign_in(page, h, SUPERINTENDENT)
    await expect(page).to_have_title("alertbot — Test District")
    assert await page.evaluate("document.body.dataset.beeps") is None


async def test_a_new_incident_while_one_waits_counts_both_in_the_title(
        h: Harness, watched: Watched) -> None:
    """New-user trial: with #1 waiting, #2 arriving made the title "(1) New incident"
    (it counted the incidents not yet looked at, not those waiting). The number is the
    incidents waiting for acknowledgement, and it follows the live events both ways."""
    page = watched.page
    await opened(h)
    await h.received("ALERT #1", SUPERINTENDENT, ATTORNEY)
    await sign_in(page, h, SUPERINTENDENT)
    await expect(page).to_have_title("(1) Not acknowledged — alertbot — Test District")
    await opened(h, PRINCIPAL_ES, "agentes en la puerta")
    await h.received("ALERT #2", SUPERINTENDENT, ATTORNEY)
    await expect(page.locator("#sec-unacked #inc-2")).to_have_count(1)
    await expect(page).to_have_title("(2) New incident — alertbot")
    await h.text(ATTORNEY, "ACK 1")
    h.ignore("sms", contains="#1")
    await expect(page.locator("#sec-acked #inc-1")).to_have_count(1)
    await expect(page).to_have_title("(1) New incident — alertbot")  # #2 still unseen
    await h.text(ATTORNEY, "ACK 2")
    h.ignore("sms", contains="#2")
    await expect(page).to_have_title("alertbot — Test District")
