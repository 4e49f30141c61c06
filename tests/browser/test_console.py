"""The console in a real browser (Debian's Chromium through Playwright) against the
running service and the fake Twilio: sign in with the texted code, watch the board fill
itself, acknowledge, and see only what one may see, in one's language.

Every page's console is watched (conftest.py ``watched``): a Content-Security-Policy
violation or a script error fails the test. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect

from tests.browser.conftest import ARTIFACTS, DESK, PHONE, Watched
from tests.console import read_code
from tests.scenario.harness import (
    ATTORNEY,
    DEPUTY,
    PRINCIPAL,
    PRINCIPAL_ES,
    SUPERINTENDENT,
    Harness,
)

pytestmark = pytest.mark.asyncio(loop_scope="module")


async def sign_in(page: Page, h: Harness, phone: str) -> None:
    """Sign in as a person would: the number, then the code the fake Twilio received."""
    await page.goto(h.url + "/")
    await page.fill("#phone", phone)
    await page.click("button[type=submit]")
    code = await read_code(h.fake, phone)
    await page.fill("#code", code)
    await page.click("form[action='/auth/verify'] button[type=submit]")
    await page.wait_for_selector("main[data-page=board]")
    # The live stream is open (an attribute, not wait_for_function: its polling evaluates
    # a string in the page, which the page's CSP rightly refuses).
    await expect(page.locator("body")).to_have_attribute("data-live", "open")


async def opened(h: Harness, phone: str = PRINCIPAL, words: str = "2 agents at front desk"
                 ) -> None:
    await h.text(phone, f"ICE {words}")


async def test_sign_in_with_the_texted_code_shows_the_board(h: Harness,
                                                             watched: Watched) -> None:
    page = watched.page
    await sign_in(page, h, SUPERINTENDENT)
    await expect(page.locator("header.top .who")).to_contain_text("Dr. Jordan Rivera")
    await expect(page.locator("#sec-unacked h2")).to_contain_text("Not acknowledged")


async def test_a_text_appears_on_the_open_board_without_reload(h: Harness,
                                                               watched: Watched) -> None:
    page = watched.page
    await sign_in(page, h, SUPERINTENDENT)
    await page.evaluate("window.stayedOpen = true")
    await opened(h)
    await h.received("ALERT #1", SUPERINTENDENT, ATTORNEY)
    card = page.locator("#sec-unacked #inc-1")
    await expect(card).to_contain_text("Enforcement visit at Burns Academy")
    await expect(card).to_contain_text("Next page")
    await expect(card).to_contain_text("Morgan Lee")  # step 2, from the frozen plan
    assert await page.evaluate("window.stayedOpen") is True  # no reload happened
    assert await page.title() == "(1) New incident — alertbot"
    assert await page.evaluate("document.body.dataset.beeps") == "1"
    await h.text(ATTORNEY, "ACK 1")  # acknowledged by text: the card moves, still no reload
    h.ignore("sms", contains="#1")  # the acknowledgement's notices: tested elsewhere
    acked = page.locator("#sec-acked #inc-1")
    await expect(acked).to_contain_text("Acknowledged by Sam Okafor")
    await expect(page.locator("#sec-unacked #inc-1")).to_have_count(0)
    await expect(page.locator("#sec-unacked [data-count]")).to_have_text("0")
    assert await page.evaluate("window.stayedOpen") is True
    assert await page.title() == "alertbot — Test District"  # nothing waits any more
    assert await page.evaluate("document.querySelectorAll('style').length") == 0  # htmx
    await page.click("#mute")  # the sound can be turned off, and stays off
    await expect(page.locator("#mute")).to_have_attribute("aria-pressed", "true")
    assert await page.evaluate("localStorage.getItem('alertbot-muted')") == "1"


async def test_acknowledging_from_the_console_stops_sms_paging(h: Harness,
                                                               watched: Watched) -> None:
    page = watched.page
    await opened(h)
    await h.received("ALERT #1", SUPERINTENDENT, ATTORNEY)
    await sign_in(page, h, SUPERINTENDENT)
    await page.click("#inc-1 a")
    await expect(page.locator("blockquote.details")).to_have_text("2 agents at front desk")
    await page.select_option("#target", "deputy")  # page the deputy now, not in 3 minutes
    await page.click("form[action$='/page'] button")
    await expect(page.locator("#action-result")).to_have_text("#1: paged Morgan Lee now.")
    await h.settle()
    await h.received("ALERT #1", DEPUTY)
    await h.received("ALERT number 1", DEPUTY, kind="call")
    await page.fill("#message", "Stay in the office; counsel is 10 minutes away.")
    await page.click("form[action$='/message'] button")
    await expect(page.locator("#action-result")).to_contain_text("on its way")
    await h.settle()
    await h.received("counsel is 10 minutes away", PRINCIPAL)
    await page.click("#ack")
    await expect(page.locator("#incident-body .card")).to_have_attribute(
        "data-state", "acknowledged")
    await h.settle()
    await h.received("acknowledged by Dr. Jordan Rivera", ATTORNEY, DEPUTY)
    await h.received("Dr. Jordan Rivera is on it", PRINCIPAL)
    await h.received("#1 reported by Ana Perez. The report's words are in the console",
                     SUPERINTENDENT)
    await h.advance(minutes=10)  # step 2's time and a repeat round: nothing more goes out
    await h.fake.assert_no_sms(DEPUTY)
    await h.fake.assert_no_sms(SUPERINTENDENT)


async def test_a_principal_of_another_school_sees_neither_board_nor_page_in_spanish(
        h: Harness, watched: Watched) -> None:
    page = watched.page
    await opened(h)  # Burns
    await h.received("ALERT #1", SUPERINTENDENT, ATTORNEY)
    await sign_in(page, h, PRINCIPAL_ES)  # Eli Romero, principal of Oak, language es
    await expect(page.locator("#sec-unacked h2")).to_contain_text("Sin atender")
    await expect(page.locator("#inc-1")).to_have_count(0)
    await opened(h, PRINCIPAL_ES, "dos agentes en la entrada")  # his own school: shown
    await h.received("ALERT #2", SUPERINTENDENT, ATTORNEY)
    await expect(page.locator("#sec-unacked #inc-2")).to_contain_text("Oak Middle School")
    await opened(h, PRINCIPAL, "more agents")  # Burns again: joins #1, never shown here
    await page.goto(h.url + "/incidents/1")
    await expect(page.locator("main")).to_contain_text("No existe ese incidente")
    response = await page.request.get(h.url + "/board/incidents/1")
    assert response.status == 404


async def test_screenshots_at_phone_and_desk_size(h: Harness, watched: Watched) -> None:
    page = watched.page
    await opened(h)
    await h.received("ALERT #1", SUPERINTENDENT, ATTORNEY)
    await opened(h, PRINCIPAL_ES, "dos agentes")
    await h.received("ALERT #2", SUPERINTENDENT, ATTORNEY)
    await h.text(ATTORNEY, "ACK 2")
    h.ignore("sms", contains="#2")  # the acknowledgement's notices: not this test's story
    await sign_in(page, h, SUPERINTENDENT)
    ARTIFACTS.mkdir(exist_ok=True)
    for name, size in (("phone", PHONE), ("desk", DESK)):
        await page.set_viewport_size(size)  # type: ignore[arg-type]
        width = await page.evaluate("document.documentElement.scrollWidth")
        assert width <= size["width"], f"{name}: the board scrolls sideways ({width} px)"
        await expect(page.locator("#sec-unacked #inc-1")).to_be_visible()
        await expect(page.locator("#sec-acked #inc-2")).to_be_visible()
        path = ARTIFACTS / f"board-{name}.png"
        await page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 10_000
    await page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    await page.click("#inc-1 a")
    await expect(page.locator("#ack")).to_be_visible()
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    await page.screenshot(path=str(ARTIFACTS / "incident-phone.png"), full_page=True)


async def test_resolving_is_a_deliberate_second_step_and_long_words_wrap(
        h: Harness, watched: Watched) -> None:
    """New-user trial: one tap on Resolve, 8 px from Acknowledge on a phone, closed an
    unacknowledged incident and stopped all paging; a 2,000-character word in a note made
    the phone page 20,537 px wide."""
    page = watched.page
    await opened(h)
    await h.received("ALERT #1", SUPERINTENDENT, ATTORNEY)
    await h.text(SUPERINTENDENT, "NOTE 1 " + "A" * 2000)
    await page.set_viewport_size(PHONE)  # type: ignore[arg-type]
    await sign_in(page, h, SUPERINTENDENT)
    await page.goto(h.url + "/incidents/1")
    assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    await expect(page.locator("#resolve")).to_be_hidden()  # not one tap away
    await page.click("#resolve-open")
    await expect(page.locator("details.resolve")).to_contain_text(
        "Nobody has acknowledged #1")
    await page.click("#resolve")
    await expect(page.locator("#action-result")).to_contain_text("#1")
    await h.settle()
    assert (await h.incident(1))["state"] == "resolved"
    h.ignore("sms", contains="#1")  # the resolution's notices: not this test's story
