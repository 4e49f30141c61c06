"""The after-action report of a real incident: a principal texts ICE and a photo, the
attorney acknowledges and resolves; the PDF (opened and read) has the timings, the
redacted one has neither the words nor the names; the CSV has the row."""

from __future__ import annotations

import io
import json
from typing import Any

from pypdf import PdfReader

from tests.scenario.harness import API_TOKEN, ATTORNEY, PRINCIPAL, SUPERINTENDENT, Harness

JPEG = b"\xff\xd8\xff\xe0" + b"photo" * 100
BEARER = {"Authorization": f"Bearer {API_TOKEN}"}
WORDS = "2 agents at front desk"


async def _story(h: Harness) -> None:
    await h.text(PRINCIPAL, f"ICE {WORDS}")
    await h.received("ACK 1", SUPERINTENDENT, ATTORNEY)
    await h.advance(seconds=30)
    await h.mms(PRINCIPAL, "the paper they showed", (JPEG, "image/jpeg"))
    await h.advance(seconds=95)
    await h.text(ATTORNEY, "ACK 1")
    await h.received("in the console: https://alerts.example.test/incidents/1", ATTORNEY)
    await h.received("Sam Okafor", PRINCIPAL, SUPERINTENDENT)
    await h.advance(minutes=40)
    await h.text(ATTORNEY, "RESOLVE 1")
    await h.received("#1 resolved", PRINCIPAL, SUPERINTENDENT)


async def _get(h: Harness, path: str, headers: dict[str, str] | None = BEARER
               ) -> tuple[int, bytes, Any]:
    assert h.session is not None
    async with h.session.get(h.url + path, headers=headers) as r:
        return r.status, await r.read(), r.headers


def _text(pdf: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


async def test_the_report_pdf_has_the_timings_and_the_redacted_one_no_words(
        h: Harness) -> None:
    await _story(h)
    status, body, headers = await _get(h, "/api/incidents/1/report.pdf")
    assert status == 200 and headers["Content-Type"] == "application/pdf"
    assert headers["Cache-Control"] == "no-store"
    text = _text(body)
    for expected in ("After-action report: #1", "+2:05", "+42:05", "Acknowledgement",
                     "Sam Okafor", "Ana Perez", WORDS, "image/jpeg", "EST"):
        assert expected in text, expected
    status, body, headers = await _get(h, "/api/incidents/1/report.pdf?redacted=1")
    assert status == 200 and "redacted" in headers["Content-Disposition"]
    redacted = _text(body)
    assert "+2:05" in redacted and "Redacted for sharing" in redacted
    for secret in (WORDS, "the paper they showed", "Ana", "Perez", "Okafor", "Rivera",
                   "555"):
        assert secret not in redacted, secret


async def test_the_report_json_and_who_may_have_it(h: Harness) -> None:
    await _story(h)
    status, body, _headers = await _get(h, "/api/incidents/1/report.json")
    assert status == 200
    report = json.loads(body)
    assert report["timings"]["acknowledged"]["seconds"] == 125.0
    assert report["timings"]["resolved"]["seconds"] == 2525.0
    assert [d["content_type"] for d in report["documents"]] == ["image/jpeg"]
    assert {p["channel"] for p in report["pages"]} == {"sms"}
    assert (await _get(h, "/api/incidents/1/report.json", None))[0] == 401
    assert (await _get(h, "/api/incidents/9/report.pdf"))[0] == 404


async def test_the_csv_of_a_period(h: Harness) -> None:
    await _story(h)
    day = (await h.incident(1))["created_at"][:10]
    status, body, headers = await _get(h, f"/api/incidents.csv?from={day}&to={day}")
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    _header, row = body.decode().strip().split("\r\n")
    assert row.startswith("1,ice,burns,resolved,")
    assert ",125.0,,2525.0,attorney," in row and WORDS not in body.decode()
    assert (await _get(h, f"/api/incidents.csv?from={day}&to=nope"))[0] == 400
    assert (await _get(h, f"/api/incidents.csv?from={day}&to={day}", None))[0] == 401


async def test_a_console_text_to_the_reporter_is_not_in_the_redacted_report(
        h: Harness) -> None:
    secret = "Is Juan Lopez (grade 7) still in room 12?"
    await _story(h)
    assert h.session is not None
    async with h.session.post(h.url + "/api/incidents/1/message", headers=BEARER,
                              data={"contact": "attorney", "text": secret}) as r:
        assert r.status == 200
    await h.settle()
    await h.fake.expect_sms(PRINCIPAL, contains="room 12")
    status, body, _headers = await _get(h, "/api/incidents/1/report.json")
    assert status == 200 and secret in body.decode()  # the full report keeps it
    status, body, _headers = await _get(h, "/api/incidents/1/report.json?redacted=1")
    report = json.loads(body)
    assert "console_message" in [e["kind"] for e in report["timeline"]]
    status, pdf, _headers = await _get(h, "/api/incidents/1/report.pdf?redacted=1")
    for where in (body.decode(), _text(pdf)):
        for word in ("Juan", "Lopez", "grade 7", "room 12"):
            assert word not in where, word
