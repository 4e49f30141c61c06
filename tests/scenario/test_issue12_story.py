"""Issue 12's "Done when", in one story: a principal texts ICE and a photo of the paper
the agents show; counsel acknowledges, signs in to the console and ticks steps off the
checklist (with the CSRF token), fills the encounter log and adds a records request whose
parent-notice reminder SMS arrives once, an hour before it is due, with no names in it;
the incident is resolved and its after-action PDF (opened and read) has it all, while the
redacted PDF has none of the reporter's words."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader

from tests.console import console_client, csrf_token, sign_in
from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import API_TOKEN, ATTORNEY, PRINCIPAL, SUPERINTENDENT, Harness
from tests.scenario.teardown import finish

DISTRICT_PROCEDURE = Path(__file__).parent / "district_procedure"
TZ = ZoneInfo("America/New_York")
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"warrant photo " * 200
WORDS = "2 agents at front desk"
CAPTION = "the paper they showed"
BEARER = {"Authorization": f"Bearer {API_TOKEN}"}


@pytest.fixture
async def hp(request: pytest.FixtureRequest, fake: FakeTwilio,
             tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness(fake, tmp_path, config_dir=DISTRICT_PROCEDURE).start()
    try:
        yield harness
    finally:
        await finish(request, harness)


def _local(epoch: float) -> str:
    """An HTML datetime-local value in the district's time zone."""
    return datetime.fromtimestamp(epoch, TZ).strftime("%Y-%m-%dT%H:%M")


def _text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


async def _pdf(h: Harness, query: str = "") -> str:
    assert h.session is not None
    async with h.session.get(h.url + "/api/incidents/1/report.pdf" + query,
                             headers=BEARER) as r:
        assert (r.status, r.content_type) == (200, "application/pdf")
        return _text(await r.read())


async def test_one_incident_from_ice_to_its_after_action_pdf(hp: Harness) -> None:
    h = hp
    await h.text(PRINCIPAL, f"ICE {WORDS}")
    await h.received("ALERT #1", SUPERINTENDENT, ATTORNEY)
    await h.advance(seconds=30)
    reply = await h.mms(PRINCIPAL, CAPTION, (JPEG, "image/jpeg"))
    assert reply.startswith("Photo received for #1.")
    await h.advance(seconds=95)
    await h.text(ATTORNEY, "ACK")
    await h.received("#1 acknowledged by Sam Okafor", SUPERINTENDENT)
    await h.received("#1: Sam Okafor is on it", PRINCIPAL)
    await h.received("#1 reported by Ana Perez. The report's words are in the console", ATTORNEY)
    await h.fake.assert_no_sms()  # the photo itself went to nobody by SMS

    now = h.clock.now()
    async with console_client(h.url) as client:
        await sign_in(client, h.fake, ATTORNEY)
        token = await csrf_token(client)
        # The checklist, as the signed-in designee: two steps, back on the page each time.
        for step, data in (("designees", {"arrived_at": "3:40", "note": "met them"}),
                           ("warrant", {"judicial_warrant": "no"})):
            async with client.post(f"/api/incidents/1/procedure/{step}",
                                   data={"csrf_token": token, **data},
                                   allow_redirects=False) as r:
                assert (r.status, r.headers["Location"]) == (303, "/incidents/1"), step
        async with client.post("/api/incidents/1/procedure/refer",
                               data={"csrf_token": token}, allow_redirects=False) as r:
            assert r.status == 403  # the principal's step, not counsel's
        # The encounter log.
        async with client.post("/api/incidents/1/encounter", data={
                "csrf_token": token, "arrived_at": _local(now - 600), "agents_count": "2",
                "agency": "ICE", "agents": "Officer A #101, Officer B #102",
                "purpose": "asked about a student", "outcome": "declined"},
                allow_redirects=False) as r:
            assert r.status == 303
        # A records request: parents to be told within 3 hours.
        async with client.post("/api/incidents/1/records-requests", data={
                "csrf_token": token, "presented": "subpoena", "categories": "attendance",
                "parent_notice_due_at": _local(now + 3 * 3600),
                "response_due_at": _local(now + 3 * 86400)},
                allow_redirects=False) as r:
            assert r.status == 303
    await h.fake.assert_no_sms()  # ticking steps off pages nobody

    await h.advance(minutes=119)  # the reminder goes an hour before the notice is due
    await h.fake.assert_no_sms()
    await h.advance(minutes=1)
    reminder = await h.fake.expect_sms(ATTORNEY, contains="parent notice")
    assert "records request 1 of #1" in reminder.body
    assert reminder.body.endswith("Details in the console: "
                                  "https://alerts.example.test/incidents/1")
    for secret in ("Ana", "Perez", "Okafor", "Officer", "attendance", "student", WORDS):
        assert secret not in reminder.body, secret
    await h.advance(minutes=120)
    await h.fake.assert_no_sms()  # once, even past the due time

    await h.text(ATTORNEY, "RESOLVE 1")
    await h.received("#1 resolved by Sam Okafor", SUPERINTENDENT, PRINCIPAL)

    text = await _pdf(h)
    for expected in (
            "After-action report: #1", "+2:05",  # acknowledged 2:05 after the trigger
            "+40:00",  # step B's "arrived at 3:40" (the trigger was 03:00), not the agents'
            "B. Designees go to the school — done by Sam Okafor", "Arrived at: 3:40",
            "B. Designees go to the school", "E. Ask for a warrant signed by a judge",
            "met them", "declined", "Officer A #101", "subpoena", "attendance",
            "image/jpeg", WORDS, "Sam Okafor"):
        assert expected in text, expected
    redacted = await _pdf(h, "?redacted=1")
    assert "+2:05" in redacted and "Redacted for sharing" in redacted
    assert "image/jpeg" in redacted and "subpoena" in redacted
    for secret in (WORDS, CAPTION, "Ana", "Perez", "Officer A", "asked about a student",
                   "met them"):
        assert secret not in redacted, secret
