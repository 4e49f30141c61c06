"""Issue 14 in the console: the readiness page the weekly digest links to
(``<public_url>/readiness``), for admins and ``console.see_all`` only, in English and
Spanish; and the drill report on a drill's incident page."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp

from alertbot.clock import FakeClock
from tests.console import console_client, sign_in
from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import (
    ADMIN,
    API_TOKEN,
    ATTORNEY,
    DEPUTY,
    DISTRICT,
    FROM_NUMBER,
    PRINCIPAL,
    SUPERINTENDENT,
    Harness,
)

DISTRICT_DRILLS = Path(__file__).parent / "district_drills"
NY = ZoneInfo("America/New_York")


async def _get(client: aiohttp.ClientSession, path: str) -> tuple[int, str]:
    async with client.get(path, allow_redirects=False) as r:
        return r.status, await r.text()


async def _deputy_opts_out(h: Harness) -> None:
    assert await h.text(DEPUTY, "STOP") == ""
    await h.received("Morgan Lee", ADMIN)  # "texted STOP" (es: "envio STOP")


async def test_an_admin_sees_who_can_be_paged_and_what_to_fix(h: Harness) -> None:
    await _deputy_opts_out(h)
    async with console_client(h.url) as admin:
        await sign_in(admin, h.fake, ADMIN)
        status, board = await _get(admin, "/")
        assert status == 200 and '<a href="/readiness">Readiness: who can be paged</a>' in board
        async with admin.get("/readiness") as r:
            page = await r.text()
            assert (r.status, r.content_type) == (200, "text/html")
            assert "script-src 'self'" in r.headers["Content-Security-Policy"]
    assert "1 step(s) can reach NOBODY now" in page
    assert ('<li class="reach ok" id="step-ice_default-1">' in page
            and "2 of 2 reachable" in page)
    nobody = page.split('<li class="reach nobody" id="step-ice_default-2">')[1]
    assert nobody.split("</li>")[0].count("NOBODY reachable") == 1
    deputy = page.split('id="person-deputy"')[1].split("</tr>")[0]
    assert "sms: opted out" in deputy
    assert f"ask them to text START to {FROM_NUMBER}" in deputy
    assert '<tr id="person-deputy" class="attention">' in page
    assert "Nothing to fix." in page.split('id="person-attorney"')[1].split("</tr>")[0]
    assert "<style" not in page and "<script>" not in page  # the strict CSP holds
    assert h.session is not None
    async with h.session.get(h.url + "/api/audit",
                             headers={"Authorization": f"Bearer {API_TOKEN}"}) as r:
        assert ("admin", "readiness", "ok") in [
            (a["contact"], a["action"], a["outcome"]) for a in await r.json()]


async def test_others_get_the_not_found_page_and_no_link(h: Harness) -> None:
    await _deputy_opts_out(h)
    for phone in (SUPERINTENDENT, PRINCIPAL):
        async with console_client(h.url) as person:
            await sign_in(person, h.fake, phone)
            status, board = await _get(person, "/")
            assert status == 200 and "/readiness" not in board
            status, page = await _get(person, "/readiness")
            assert status == 404 and "Morgan Lee" not in page and "opted out" not in page
    async with console_client(h.url) as nobody:
        assert (await _get(nobody, "/readiness"))[0] == 303  # to the sign-in page


async def test_a_spanish_speaking_admin_reads_it_in_spanish_and_see_all_may_too(
        fake: FakeTwilio, tmp_path: Path) -> None:
    folder = tmp_path / "district"
    shutil.copytree(DISTRICT, folder)
    people = folder / "contacts" / "people.yaml"
    text = people.read_text()
    assert "  roles: [admin]\n" in text
    people.write_text(text.replace("  roles: [admin]\n", "  roles: [admin]\n  language: es\n"))
    config = folder / "escalation.yaml"
    config.write_text(config.read_text().replace(
        "admins: [admin]\n", "admins: [admin]\nconsole:\n  see_all: [staff_attorney]\n"))
    async with Harness(fake, tmp_path, config_dir=folder) as h:
        await _deputy_opts_out(h)
        async with console_client(h.url) as admin:
            await sign_in(admin, h.fake, ADMIN)
            status, board = await _get(admin, "/")
            assert "Preparación: a quién se puede avisar" in board
            status, page = await _get(admin, "/readiness")
        async with console_client(h.url) as counsel:  # console.see_all, not an admin
            await sign_in(counsel, h.fake, ATTORNEY)
            assert "Readiness: who can be paged" in (await _get(counsel, "/"))[1]
            seen, english = await _get(counsel, "/readiness")
            assert seen == 200 and "NOBODY reachable" in english
    assert status == 200 and '<html lang="es">' in page
    for words in ("<h1>Preparación</h1>", "1 paso(s) no pueden avisar a NADIE",
                  "NADIE localizable", "2 de 2 localizables", "sms: dado de baja",
                  f"pídale que envíe START al {FROM_NUMBER}", "Volver al tablero"):
        assert words in page, words
    assert "opted out" not in page and "NOBODY" not in page


def _local(text: str) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=NY).timestamp()


async def test_a_drills_page_shows_its_report_and_the_next_compares(
        fake: FakeTwilio, tmp_path: Path) -> None:
    clock = FakeClock(_local("2026-12-01T09:00:00"))
    async with Harness(fake, tmp_path, DISTRICT_DRILLS, clock=clock) as h:
        await h.advance(0)
        await h.received("ALERT #1: DRILL", SUPERINTENDENT, ATTORNEY)
        await h.advance(seconds=65)
        await h.text(SUPERINTENDENT, "ACK")
        await h.fake.expect_sms(SUPERINTENDENT, contains="#1 was reported by")
        await h.fake.expect_sms(ATTORNEY, contains="acknowledged by Dr. Jordan Rivera")
        async with console_client(h.url) as client:
            await sign_in(client, h.fake, SUPERINTENDENT)
            status, page = await _get(client, "/incidents/1")
            assert status == 200
            report = page.split('<section class="section drill-report"')[1].split(
                "</section>")[0]
            for words in ("Drill report · monthly-north", "Time to first page: 0 s",
                          "1 of 2 acknowledged; median 1 min 5 s",
                          "Dr. Jordan Rivera (stopped paging)", "1 min 5 s",
                          '<td class="never">never</td>', "<td>sms</td>",
                          "No earlier drill to compare with.", "Still running."):
                assert words in report, words
            assert report.count("Sam Okafor") == 1

            h.ignore("sms")  # the drills' ends, repeats and summaries: test_drills.py's
            await h.advance(minutes=15)
            clock.advance(_local("2027-01-05T09:00:00") - clock.now())
            await h.advance(0)
            await h.advance(seconds=90)
            await h.text(ATTORNEY, "ACK 2")
        async with console_client(h.url) as client:  # a month on: signed in again
            await sign_in(client, h.fake, SUPERINTENDENT)
            status, page = await _get(client, "/incidents/2")
            report = page.split('id="drill-report"')[1].split("</section>")[0]
            assert "Sam Okafor (stopped paging)" in report
            assert "This drill&#39;s median 1 min 30 s; earlier drills 1 min 5 s." in report
            assert '<a href="/incidents/1">#1: first page 0 s; 1 of 2 acknowledged' in report
            assert "Ended: ended by itself" not in report and "Still running." in report
            status, page = await _get(client, "/incidents/1")
            assert "Ended: ended by itself after 15m" in page


async def test_an_incident_that_is_not_a_drill_has_no_drill_report(h: Harness) -> None:
    await h.text(PRINCIPAL, "ICE")
    await h.received("ALERT #1", SUPERINTENDENT, ATTORNEY)
    async with console_client(h.url) as client:
        await sign_in(client, h.fake, SUPERINTENDENT)
        status, page = await _get(client, "/incidents/1")
    assert status == 200 and "drill-report" not in page


async def test_a_drill_nobody_acknowledged_is_said_in_words_in_the_console(
        fake: FakeTwilio, tmp_path: Path) -> None:
    """New-user trial 2: the drill report said "median never" when nobody acknowledged;
    it says so plainly, for the drill and in the comparison with an earlier one."""
    clock = FakeClock(_local("2026-12-01T09:00:00"))
    async with Harness(fake, tmp_path, DISTRICT_DRILLS, clock=clock) as h:
        h.ignore("sms")  # pages, repeats, ends and summaries: test_drills.py's
        await h.advance(0)
        await h.received("ALERT #1: DRILL", SUPERINTENDENT, ATTORNEY)
        for _ in range(6):
            await h.advance(minutes=3)  # nobody answers; it ends by itself
        clock.advance(_local("2027-01-05T09:00:00") - clock.now())
        await h.advance(0)
        await h.received("ALERT #2: DRILL", SUPERINTENDENT, ATTORNEY)
        for _ in range(6):
            await h.advance(minutes=3)
        async with console_client(h.url) as client:
            await sign_in(client, h.fake, SUPERINTENDENT)
            status, page = await _get(client, "/incidents/2")
    assert status == 200
    report = page.split('id="drill-report"')[1].split("</section>")[0]
    for words in ("Nobody acknowledged (2 paged).",
                  "No median to compare: nobody acknowledged in this drill or in the "
                  "earlier ones.",
                  "#1: first page 0 s; nobody acknowledged (2 paged)"):
        assert words in report, words
    assert "median never" not in report and "0 of 2" not in report
