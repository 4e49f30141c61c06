"""Phone-tree PIN guessing is limited per caller number (new-user trial): after 5 wrong
PINs in 15 minutes, any PIN from that number is refused, the caller is told to call the
fallback number, and the admins are told once (core/pin_limits.py)."""

from __future__ import annotations

from tests.scenario.harness import ADMIN, PRINCIPAL, STRANGER, SUPERINTENDENT, Harness
from tests.scenario.test_voice import FALLBACK_SPOKEN, SUPERINTENDENT_PIN, paged

DISTRICT_PIN = "4321"  # district_voice/escalation.yaml


async def wrong_district_pins(hv: Harness, *pins: str) -> str:
    """One call from the stranger: the menu, then ``pins``; the last answer's words."""
    call = await hv.call(STRANGER)
    await call.press("1")
    text = ""
    for pin in pins:
        text = (await call.press(pin)).text
    return text


async def test_five_wrong_district_pins_lock_the_number_and_tell_the_admins_once(
        hv: Harness) -> None:
    end = await wrong_district_pins(hv, "1111", "2222", "3333")  # one call: 3 tries
    assert "could not verify the PIN" in end
    call = await hv.call(STRANGER)
    await call.press("1")
    assert "That PIN is not correct" in (await call.press("4444")).text
    locked = await call.press("5555")  # the fifth wrong PIN in 15 minutes
    assert "Too many wrong PINs" in locked.text and FALLBACK_SPOKEN in locked.text
    assert locked.hangs_up
    notice = await hv.fake.expect_sms(ADMIN, contains="wrong phone-tree PINs")
    assert notice.body == (
        "alertbot: 5 wrong phone-tree PINs from +18605550198 in 15 minutes. PINs from that "
        "number are refused for up to 15 minutes; the caller was told to call the fallback "
        "number. If it was not one of your people, someone may be guessing.")

    refused = await wrong_district_pins(hv, DISTRICT_PIN)  # even the right one, now
    assert "Too many wrong PINs" in refused
    assert await hv.incidents() == []
    await hv.advance(minutes=5)
    await hv.fake.assert_no_sms(ADMIN)  # told once

    await hv.advance(minutes=10, seconds=1)  # the wrong PINs are over 15 minutes old
    call = await hv.call(STRANGER)
    await call.press("1")
    school = await call.press(DISTRICT_PIN)
    assert "school's code" in school.text
    opened = await call.press("1201")
    assert "Incident number 1 is open" in opened.text
    hv.ignore()  # the incident's paging is test_voice.py's story


async def test_wrong_personal_pins_lock_acknowledging_by_phone(hv: Harness) -> None:
    await hv.text(PRINCIPAL, "ICE")
    await paged(hv, 1, "Burns Academy")
    for pins in (("1111", "2222"), ("3333", "4444")):
        call = await hv.call(SUPERINTENDENT)  # no StirVerstat: the PIN is asked
        await call.press("0")
        for pin in pins:
            assert "That PIN is not correct" in (await call.press(pin)).text
    call = await hv.call(SUPERINTENDENT)
    await call.press("0")
    locked = await call.press("5555")
    assert "Too many wrong PINs" in locked.text and locked.hangs_up
    notice = await hv.fake.expect_sms(ADMIN, contains="wrong phone-tree PINs")
    assert "from Dr. Jordan Rivera in 15 minutes" in (notice.body or "")
    call = await hv.call(SUPERINTENDENT)
    await call.press("0")
    refused = await call.press(SUPERINTENDENT_PIN)
    assert "Too many wrong PINs" in refused.text
    [incident] = await hv.incidents()
    assert incident["state"] == "triggered"  # a locked PIN acknowledges nothing
    hv.ignore("sms", contains="ALERT #1")  # repeats
    hv.ignore("call", contains="ALERT number 1")
