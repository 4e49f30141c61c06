"""The after-action report from an incident's detail JSON: timings in the district's
time, generic procedure sections, the redacted variant, and the PDF's own text."""

from __future__ import annotations

import io
from typing import Any

from pypdf import PdfReader

from alertbot.report.build import WITHHELD, build_report
from alertbot.report.pdf import render_pdf
from alertbot.report.table import render_csv

TZ = "America/New_York"
CONTACTS = {"principal-burns": ("Ana Pérez", "principal"),
            "attorney": ("Sam Okafor", "staff attorney"),
            "superintendent": ("Dr. Jordan Rivera", "superintendent")}
WORDS = "2 agents at the front desk asking for Maria"


def detail(**extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": 12, "state": "resolved", "incident": "ice", "title": "Enforcement visit at Burns",
        "school": "burns", "school_name": "Burns Academy", "source": "sms",
        "reporter": {"id": "principal-burns", "name": "Ana Pérez"}, "details": WORDS,
        "drill": False, "unverified": False,
        "created_at": "2026-11-30T13:00:00.000Z", "first_page_at": "2026-11-30T13:00:01.500Z",
        "acknowledged_by": {"id": "attorney", "name": "Sam Okafor"},
        "acknowledged_at": "2026-11-30T13:04:05.000Z", "resolved_by": "attorney",
        "resolved_at": "2026-11-30T14:10:00.000Z",
        "timeline": [
            {"id": 1, "at": "2026-11-30T13:00:00.000Z", "kind": "opened", "actor": "Ana Pérez",
             "text": "opened via sms by Ana Pérez"},
            {"id": 2, "at": "2026-11-30T13:02:00.000Z", "kind": "update", "actor": "Ana Pérez",
             "text": "the señora at the desk called +1 860 555 0142"},
        ],
        "timeline_total": 2,
        "messages": [
            {"kind": "page", "channel": "sms", "contact": "superintendent", "status": "sent",
             "provider_status": "delivered", "step": 0, "round": 0, "reason": "step 1",
             "error": None, "created_at": "2026-11-30T13:00:00.000Z",
             "sent_at": "2026-11-30T13:00:01.500Z"},
            {"kind": "page", "channel": "voice", "contact": "attorney", "status": "failed",
             "provider_status": None, "step": 0, "round": 0, "reason": "step 1",
             "error": "landline", "created_at": "2026-11-30T13:00:00.000Z",
             "sent_at": None}],
        "documents": [{"id": 7, "content_type": "image/jpeg", "bytes": 2048, "status":
                       "stored", "added_by": {"id": "principal-burns", "name": "Ana Pérez"},
                       "added_at": "2026-11-30T13:03:00.000Z", "url": "/x"}],
    }
    return {**base, **extra}


PROCEDURE = [{"id": "notify_counsel", "title": "Call counsel", "done_by": "attorney",
              "done_at": "2026-11-30T13:05:00Z", "note": "spoke to Ana Pérez"},
             {"id": "designee_on_site", "title": "Designee at the school",
              "done_by": "attorney", "done_at": "2026-11-30T13:30:00Z", "note": None}]
ENCOUNTER = {"agency": "ICE", "agents_count": 2, "agent_names": "Officer Smith",
             "what_was_said": "asked for Maria's records", "outcome": "entry declined"}


def _report(redacted: bool, **extra: Any) -> dict[str, Any]:
    audit = [{"at": "2026-11-30T15:00:00Z", "contact": "superintendent",
              "name": "Dr. Jordan Rivera", "action": "viewed the report"}]
    return build_report(detail(**extra), audit, timezone=TZ, contacts=CONTACTS,
                        redacted=redacted, generated_at=1_800_000_000.0)


def test_timings_run_from_the_trigger_in_the_districts_time() -> None:
    report = _report(False, procedure=PROCEDURE, encounter=ENCOUNTER)
    times = report["timings"]
    assert times["triggered"]["local"] == "2026-11-30 08:00:00 EST"
    assert times["first_page"]["seconds"] == 1.5
    assert times["acknowledged"]["seconds"] == 245.0
    assert times["on_site"]["seconds"] == 1800.0  # the checklist step named "on site"
    assert times["resolved"]["seconds"] == 4200.0
    assert _report(False)["timings"]["on_site"] == {"at": None, "local": None,
                                                    "seconds": None}


def test_the_full_report_names_people_and_keeps_the_words() -> None:
    report = _report(False, procedure=PROCEDURE, encounter=ENCOUNTER, records_requests=[])
    assert report["reporter"] == "Ana Pérez" and report["details"] == WORDS
    assert report["acknowledged_by"] == "Sam Okafor"
    assert report["procedure"] == PROCEDURE and report["encounter"] == ENCOUNTER
    assert report["records_requests"] == [] and "warrant_reviews" not in report
    assert [p["to"] for p in report["pages"]] == ["Dr. Jordan Rivera", "Sam Okafor"]
    assert report["audit"][0]["who"] == "Dr. Jordan Rivera"


def test_the_redacted_report_has_no_words_and_no_names() -> None:
    report = _report(True, procedure=PROCEDURE, encounter=ENCOUNTER)
    text = repr(report)
    for secret in ("Ana Pérez", "Sam Okafor", "Jordan Rivera", "Maria", "señora",
                   "555 0142", "Officer Smith", WORDS):
        assert secret not in text, secret
    assert report["reporter"] == "principal" and report["acknowledged_by"] == "staff attorney"
    assert report["details"] is None
    assert report["procedure"][0]["note"] == WITHHELD
    assert report["procedure"][0]["done_by"] == "staff attorney"
    assert report["encounter"]["outcome"] == "entry declined"  # facts, not words, stay
    assert report["timeline"][0]["text"] == "opened via sms by principal"
    assert report["timeline"][1]["text"] == WITHHELD
    assert report["timings"]["on_site"]["seconds"] == 1800.0


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_pdf_shows_timings_sections_and_spanish_names() -> None:
    text = _pdf_text(render_pdf(_report(False, procedure=PROCEDURE, encounter=ENCOUNTER)))
    for expected in ("After-action report: #12", "Ana Pérez", "señora", "Sam Okafor",
                     "Designee on site", "+30:00", "+4:05", "Mon 11/30 08:00:00 EST",
                     "Checklist", "Encounter log", "entry declined", "image/jpeg",
                     "Who viewed this incident", "landline"):
        assert expected in text, expected


def test_the_redacted_pdf_does_not_contain_the_words_or_names() -> None:
    pdf = render_pdf(_report(True, procedure=PROCEDURE, encounter=ENCOUNTER))
    text = _pdf_text(pdf)
    assert "Redacted for sharing" in text and "+4:05" in text
    for secret in ("Ana", "Pérez", "Okafor", "Maria", "señora", "front desk", "Smith"):
        assert secret not in text, secret


def test_spanish_headings() -> None:
    text = _pdf_text(render_pdf(_report(False), "es"))
    assert "Informe posterior" in text and "Designado en la escuela" in text


def test_the_csv_has_timings_and_counts_and_no_free_text() -> None:
    csv = render_csv([detail(procedure=PROCEDURE)], TZ)
    header, line = csv.strip().split("\r\n")
    assert header.startswith("id,incident,school,state")
    assert "12,ice,burns,resolved" in line and ",1.5,245.0,1800.0,4200.0,attorney,2,1," in line
    assert "Ana" not in csv and "agents" not in csv
    injected = render_csv([detail(school="=HYPERLINK(1)")], TZ)
    assert "'=HYPERLINK" in injected
