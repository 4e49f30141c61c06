"""A drill opened by texting its keyword ends like a scheduled one (new-user trial: a
principal's DRILL was never over, and the admins never heard how the team did)."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import ADMIN, ATTORNEY, PRINCIPAL, SUPERINTENDENT, Harness
from tests.scenario.test_drills import DISTRICT_DRILLS, report

PRACTICE = """
  - keyword: DRILL
    incident: practice
"""
PRACTICE_TYPE = """
  practice:
    drill: true
    title: "Practice at {school}"
    guidance:
      en: "This is a drill."
    escalation: ice_default
"""


def keyword_district(tmp: Path) -> Path:
    """The drills district with a DRILL keyword and without its scheduled drill."""
    folder = tmp / "district"
    shutil.copytree(DISTRICT_DRILLS, folder)
    path = folder / "escalation.yaml"
    text = path.read_text().split("\ndrills:")[0]
    text = text.replace("    incident: ice\n", "    incident: ice\n" + PRACTICE.lstrip("\n"), 1)
    text = text.replace("\nescalations:", PRACTICE_TYPE + "\nescalations:", 1)
    path.write_text(text)
    return folder


async def test_a_keyword_drill_ends_by_itself_and_the_admins_get_the_summary(
        fake: FakeTwilio, tmp_path: Path) -> None:
    async with Harness(fake, tmp_path, keyword_district(tmp_path)) as h:
        reply = await h.text(PRINCIPAL, "DRILL")
        assert reply.startswith("DRILL: #1 opened"), reply
        await h.received("ALERT #1: DRILL - Practice at Burns Academy", SUPERINTENDENT,
                         ATTORNEY)
        await h.advance(seconds=30)
        assert (await h.text(SUPERINTENDENT, "ACK")).startswith("DRILL: You acknowledged #1")
        await h.received("#1: Dr. Jordan Rivera is on it", PRINCIPAL)
        h.ignore("sms", contains="#1 was reported by")
        h.ignore("sms", contains="acknowledged by Dr. Jordan Rivera")

        await h.advance(minutes=14)
        await fake.assert_no_sms(ADMIN)  # still running
        status, running = await report(h, 1)
        assert status == 200 and running["ended"] == "" and running["drill"] is None
        await h.advance(minutes=1)  # 15 minutes after opening: it ends by itself
        await h.received("DRILL: #1 resolved by alertbot", SUPERINTENDENT, ATTORNEY,
                         PRINCIPAL)  # and whoever texted DRILL
        summary = await fake.expect_sms(ADMIN, contains="DRILL #1 ended")
        assert summary.body == (
            "DRILL #1 ended (ended by itself after 15m). First page after 0.0s. "
            "Acknowledged: 1 of 2. Dr. Jordan Rivera 30s by sms; Sam Okafor did not ack. "
            "Median 30s. No earlier drill to compare.")
        incident = await h.incident(1)
        assert incident["state"] == "resolved" and incident["drill"] is True
        await h.advance(minutes=30)
        await fake.assert_no_sms(ADMIN)  # one summary


async def test_a_keyword_drill_resolved_by_a_person_is_summarised_at_once(
        fake: FakeTwilio, tmp_path: Path) -> None:
    async with Harness(fake, tmp_path, keyword_district(tmp_path)) as h:
        await h.text(PRINCIPAL, "DRILL")
        await h.received("ALERT #1: DRILL", SUPERINTENDENT, ATTORNEY)
        await h.advance(seconds=40)
        assert await h.text(SUPERINTENDENT, "RESOLVE 1") == (
            "DRILL: #1 resolved: the drill is over. The admins get its report.")
        h.ignore("sms", contains="#1 resolved by Dr. Jordan Rivera")
        await h.advance(seconds=1)
        summary = await fake.expect_sms(ADMIN, contains="DRILL #1 ended")
        assert (summary.body or "").startswith(
            "DRILL #1 ended (resolved by Dr. Jordan Rivera). ")
        await h.advance(minutes=20)
        await fake.assert_no_sms(ADMIN)
