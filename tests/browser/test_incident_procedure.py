"""Issue 12 in a real browser: a signed-in designee works one incident from its page:
the checklist (a step ticked with a note, shown done by them), the encounter log, the
photo the principal texted (served from our download route and actually loaded), the
warrant aid ("Counsel decides") and a records request. A phone-size screenshot of the
page goes to test-artifacts/issue12-incident-phone.png.

The page's console is watched (conftest.py ``watched``): any CSP violation, script
error or failed subresource (the photo included) fails the test.
"""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from PIL import Image
from playwright.async_api import expect

from tests.browser.conftest import ARTIFACTS, Watched
from tests.browser.test_console import sign_in
from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import ATTORNEY, PRINCIPAL, SUPERINTENDENT, Harness
from tests.scenario.teardown import finish

pytestmark = pytest.mark.asyncio(loop_scope="module")
DISTRICT_PROCEDURE = Path(__file__).resolve().parent.parent / "scenario" / "district_procedure"


def _jpeg() -> bytes:
    """A real (decodable) 40x30 JPEG: a browser shows it, so ``naturalWidth`` is 40."""
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


@pytest_asyncio.fixture(loop_scope="module")
async def hp(request: pytest.FixtureRequest, fake: FakeTwilio,
             tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness(fake, tmp_path, config_dir=DISTRICT_PROCEDURE).start()
    try:
        yield harness
    finally:
        await finish(request, harness)


async def test_a_designee_works_the_incident_page(hp: Harness, watched: Watched) -> None:
    h, page = hp, watched.page
    await h.text(PRINCIPAL, "ICE 2 agents at front desk")
    await h.received("ALERT #1", SUPERINTENDENT, ATTORNEY)
    reply = await h.mms(PRINCIPAL, "the paper they showed", (_jpeg(), "image/jpeg"))
    assert reply.startswith("Photo received for #1.")
    await h.text(ATTORNEY, "ACK")
    await h.received("#1 acknowledged by Sam Okafor", SUPERINTENDENT)
    await h.received("#1: Sam Okafor is on it", PRINCIPAL)
    await h.received("#1 reported by Ana Perez. The report's words are in the console",
                     ATTORNEY)

    await sign_in(page, h, ATTORNEY)
    await page.goto(h.url + "/incidents/1")
    steps = page.locator("#procedure li.step")
    await expect(steps).to_have_count(4)
    await expect(page.locator("#procedure")).to_contain_text("B. Designees go to the school")
    await expect(page.locator("#procedure .progress")).to_contain_text("0 of 4")

    # Tick step B with a time and a note: a plain form post, back on the incident page.
    step = page.locator("#step-designees")
    await step.locator("input[name=arrived_at]").fill("09:40")
    await step.locator("textarea[name=note]").fill("met the agents outside")
    await step.locator("button[type=submit]").click()
    await page.wait_for_url(h.url + "/incidents/1")
    step = page.locator("#step-designees")
    await expect(step).to_have_class("step done")
    await expect(step.locator(".done-by")).to_contain_text("Sam Okafor")
    await expect(step.locator(".note")).to_have_text("met the agents outside")
    await expect(page.locator("#procedure .progress")).to_contain_text("1 of 4")

    # The encounter log keeps what was typed.
    await page.locator("#encounter input[name=agency]").fill("ICE ERO")
    await page.locator("#encounter select[name=outcome]").select_option("declined")
    await page.locator("#encounter button[type=submit]").click()
    await page.wait_for_url(h.url + "/incidents/1")
    await expect(page.locator("#encounter input[name=agency]")).to_have_value("ICE ERO")
    await expect(page.locator("#encounter select[name=outcome]")).to_have_value("declined")

    # The photo: from our download route, and the browser really decoded it.
    photo = page.locator(".documents img")
    await expect(photo).to_have_count(1)
    src = await photo.get_attribute("src")
    assert src is not None and src.startswith("/api/incidents/1/documents/"), src
    await photo.scroll_into_view_if_needed()
    await expect(photo).to_have_js_property("complete", True)
    assert await photo.evaluate("img => img.naturalWidth") == 40

    # The warrant aid: an officer's signature on an agency form -> counsel decides.
    aid = page.locator("#warrant-aid form")
    await aid.locator("input[name=signed_by][value=officer]").check()
    await aid.locator("input[name=header][value=agency]").check()
    await aid.locator("button[type=submit]").click()
    await page.wait_for_url(h.url + "/incidents/1")
    await expect(page.locator("#warrant-aid .review")).to_contain_text("Counsel decides")

    # A records request.
    add = page.locator("#records form[action='/api/incidents/1/records-requests']")
    await add.locator("select[name=presented]").select_option("subpoena")
    await add.locator("input[name=categories][value=attendance]").check()
    await add.locator("button[type=submit]").click()
    await page.wait_for_url(h.url + "/incidents/1")
    await expect(page.locator("#records .records-request")).to_have_count(1)
    await expect(page.locator("#records-1 h3")).to_contain_text("#1")

    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "issue12-incident-phone.png"), full_page=True)
    one = await h.incident(1)
    assert one["procedure"][1]["done_by"] == {"id": "attorney", "name": "Sam Okafor"}
    assert one["encounter"]["agency"] == "ICE ERO"
    assert one["records_requests"][0]["categories"] == ["attendance"]
    await h.fake.assert_no_sms()  # working the page texted nobody
