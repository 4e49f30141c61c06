"""Scheduled drills against the fake Twilio (issue 14, decision 0041).

The story: the first Tuesday of December, 09:00 New York time, arrives on the fake
clock; the drill pages its two participants only (every body says DRILL); one
acknowledges, the other acknowledges late; after ``end_after`` it ends by itself, the
admin gets the summary and GET /api/drills/{id}/report gives the numbers. A month
later the next drill compares itself with the first.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from alertbot.clock import FakeClock
from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import ADMIN, API_TOKEN, ATTORNEY, DEPUTY, SUPERINTENDENT, Harness

DISTRICT_DRILLS = Path(__file__).parent / "district_drills"
NY = ZoneInfo("America/New_York")


def local(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=NY).timestamp()


async def report(h: Harness, number: int) -> tuple[int, dict[str, Any]]:
    assert h.session is not None
    async with h.session.get(f"{h.url}/api/drills/{number}/report",
                             headers={"Authorization": f"Bearer {API_TOKEN}"}) as r:
        return r.status, (await r.json() if r.status == 200 else {})


async def test_a_scheduled_drill_pages_measures_and_reports(fake: FakeTwilio,
                                                           tmp_path: Path) -> None:
    clock = FakeClock(local("2026-12-01T08:59:00"))
    async with Harness(fake, tmp_path, DISTRICT_DRILLS, clock=clock) as h:
        await h.advance(seconds=30)
        assert fake.sms_to(SUPERINTENDENT) == []  # not yet
        await h.advance(seconds=30)  # 09:00: the drill opens and pages its participants
        pages = await h.received("ALERT #1: DRILL - Enforcement visit at Burns Academy",
                                 SUPERINTENDENT, ATTORNEY)
        assert all("Reply ACK 1" in (p.body or "") for p in pages)
        assert fake.sms_to(DEPUTY) == []  # not a participant

        await h.advance(seconds=65)
        reply = await h.text(SUPERINTENDENT, "ACK")
        # The reply says DRILL too, and no "reporter was told": alertbot opened it.
        assert reply == ("DRILL: You acknowledged #1; paging stopped. Reply RESOLVE 1 when "
                         "it is over.")
        details = await h.fake.expect_sms(SUPERINTENDENT, contains="#1 was reported by")
        notice = await h.fake.expect_sms(ATTORNEY, contains="acknowledged by Dr. Jordan Rivera")
        for body in (details.body, notice.body):
            assert body is not None and body.startswith("DRILL: ")

        await h.advance(seconds=30)
        late = await h.text(ATTORNEY, "ACK 1")  # after the first: timed for the report
        assert late == "DRILL: #1 was already acknowledged by Dr. Jordan Rivera."

        status, running = await report(h, 1)
        assert status == 200 and running["ended"] == ""

        await h.advance(minutes=14)  # 15 minutes after opening: it ends by itself
        ended = await h.received("DRILL: #1 resolved by alertbot", SUPERINTENDENT, ATTORNEY)
        assert len(ended) == 2
        summary = await h.fake.expect_sms(ADMIN, contains="DRILL #1 monthly-north ended")
        assert summary.body == (
            "DRILL #1 monthly-north ended (ended by itself after 15m). First page after "
            "0.0s. Acknowledged: 2 of 2. Dr. Jordan Rivera 1m5s by sms; Sam Okafor 1m35s by "
            "sms. Median 1m20s. No earlier drill to compare.")

        status, body = await report(h, 1)
        assert status == 200
        assert body["drill"] == "monthly-north" and body["policy"] == "ice_default"
        assert body["ended"] == "ended by itself after 15m"
        assert body["first_page_seconds"] == 0.0
        assert [(r["contact"], r["ack_seconds"], r["reached_by"], r["stopped_paging"])
                for r in body["responders"]] == [
            ("superintendent", 65.0, "sms", True), ("attorney", 95.0, "sms", False)]
        assert body["median_ack_seconds"] == 80.0 and body["earlier"] == []
        incident = await h.incident(1)
        assert incident["state"] == "resolved" and incident["drill"] is True
        assert incident["source"] == "schedule"

        # A month later: the next drill; nobody answers. It compares with the first.
        clock.advance(local("2027-01-05T09:00:00") - clock.now())
        await h.advance(0)
        await h.received("ALERT #2: DRILL", SUPERINTENDENT, ATTORNEY)
        h.ignore("sms", contains="DRILL - Enforcement visit at Burns Academy (")  # repeats
        for _ in range(5):
            await h.advance(minutes=3)
        await h.received("DRILL: #2 resolved by alertbot", SUPERINTENDENT, ATTORNEY)
        summary = await h.fake.expect_sms(ADMIN, contains="DRILL #2 monthly-north ended")
        # said in words (new-user trial 2: "Median never")
        assert "Nobody acknowledged (2 paged: Dr. Jordan Rivera, Sam Okafor)." in (
            summary.body or "")
        assert (summary.body or "").endswith(" Earlier drills: 1m20s.")
        assert "never" not in (summary.body or "")
        status, body = await report(h, 2)
        assert [e["incident"] for e in body["earlier"]] == [1]
        assert body["earlier_median_ack_seconds"] == 80.0


async def test_a_report_that_joins_the_school_never_joins_the_drill(
        fake: FakeTwilio, tmp_path: Path) -> None:
    clock = FakeClock(local("2026-12-01T09:00:00"))
    async with Harness(fake, tmp_path, DISTRICT_DRILLS, clock=clock) as h:
        await h.advance(0)
        await h.received("ALERT #1: DRILL", SUPERINTENDENT, ATTORNEY)
        reply = await h.text("+18605550142", "ICE agents at the door")
        assert reply.startswith("#2 opened")  # a real incident of its own
        pages = await h.received("ALERT #2: Enforcement visit", SUPERINTENDENT, ATTORNEY)
        assert all("DRILL" not in (p.body or "") for p in pages)
        h.ignore("sms")  # the rest of both stories is not this test's


async def test_the_report_of_an_incident_that_is_not_a_drill_is_404(h: Harness) -> None:
    await h.text("+18605550142", "ICE at Burns")
    await h.received("ALERT #1", SUPERINTENDENT, ATTORNEY)
    assert (await report(h, 1))[0] == 404
    assert (await report(h, 99))[0] == 404
    h.ignore("sms")


async def test_a_drill_resolved_by_a_person_ends_with_its_summary(fake: FakeTwilio,
                                                                 tmp_path: Path) -> None:
    clock = FakeClock(local("2026-12-01T09:00:00"))
    async with Harness(fake, tmp_path, DISTRICT_DRILLS, clock=clock) as h:
        await h.advance(0)
        await h.received("ALERT #1: DRILL", SUPERINTENDENT, ATTORNEY)
        await h.advance(seconds=40)
        assert await h.text(SUPERINTENDENT, "RESOLVE 1") == (
            "DRILL: #1 resolved: the drill is over. The admins get its report.")
        await h.received("DRILL: #1 resolved by Dr. Jordan Rivera.", ATTORNEY)
        await h.advance(seconds=1)
        summary = await h.fake.expect_sms(ADMIN, contains="DRILL #1 monthly-north ended")
        assert summary.body is not None and summary.body.startswith(
            "DRILL #1 monthly-north ended (resolved by Dr. Jordan Rivera). ")
        assert "Nobody acknowledged (2 paged: " in summary.body
        await h.advance(minutes=20)  # its end_after passes: nothing more is sent
        status, body = await report(h, 1)
        assert status == 200 and body["ended"] == "resolved by Dr. Jordan Rivera"
