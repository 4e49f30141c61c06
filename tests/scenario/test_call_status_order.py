"""Call statuses out of order or repeated: one outcome note each (issue 9, kind 3)."""

from __future__ import annotations

from tests.scenario.harness import ATTORNEY, PRINCIPAL, SUPERINTENDENT, Harness
from tests.scenario.test_voice import entries


async def test_a_final_call_status_is_final(hv: Harness) -> None:
    await hv.text(PRINCIPAL, "ICE")
    rec = await hv.fake.expect_call(SUPERINTENDENT)
    for status in ("ringing", "busy", "no-answer", "ringing", "completed", "busy"):
        code, _ = await hv.fake.send_status(rec, status, post_to=hv.url)
        assert code == 204
    await hv.settle()
    incident = await hv.incident(1)
    assert entries(incident, "not_reached") == [
        "call to Dr. Jordan Rivera: line busy; not counted as reached"]
    [call] = [m for m in incident["messages"]
              if m["channel"] == "voice" and m["contact"] == "superintendent"]
    assert call["provider_status"] == "busy"
    # Everyone else alertbot told something in this story:
    await hv.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await hv.received("ALERT number 1", ATTORNEY, kind="call")


async def test_a_late_in_progress_does_not_reopen_a_completed_call(
        hv: Harness) -> None:
    await hv.text(PRINCIPAL, "ICE")
    rec = await hv.fake.expect_call(SUPERINTENDENT)
    for status in ("in-progress", "completed", "in-progress", "completed"):
        await hv.fake.send_status(rec, status, post_to=hv.url)
    await hv.settle()
    incident = await hv.incident(1)
    assert entries(incident, "not_reached") == [
        "call to Dr. Jordan Rivera ended with no key pressed; not acknowledged"]
    # Everyone else alertbot told something in this story:
    await hv.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)
    await hv.received("ALERT number 1", ATTORNEY, kind="call")
