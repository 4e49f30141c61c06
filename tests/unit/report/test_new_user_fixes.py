"""What a new user found in the after-action report: the designee's arrival taken from
the agents' (and shown as "+-1:53:26"), redaction that corrupted timestamps and answers,
console messages to the reporter, and a PDF that dumped raw data in UTC."""

from __future__ import annotations

import json
from typing import Any

from alertbot.report.build import WITHHELD, build_report
from alertbot.report.pdf import render_pdf
from alertbot.report.table import render_csv
from tests.unit.report.test_build_and_pdf import CONTACTS, TZ, _pdf_text, detail

TRIGGER = "2026-11-30T09:30:00.000Z"  # 04:30 EST
AGENTS_ARRIVED = "2026-11-30T09:20:00.000Z"  # 04:20 EST, the encounter log's arrived_at
SECRET = "Is Juan Lopez (grade 7) still in room 12?"


def designees(arrived: str | None, done_at: str = "2026-11-30T09:45:00Z",
              note: str = "met them") -> dict[str, Any]:
    """Step B as GET /api/incidents/{id} gives it (web/procedure_json.py)."""
    return {"id": "designees", "title": "B. Designees go to the school",
            "titles": {"en": "B. Designees go to the school",
                       "es": "B. Los designados van a la escuela"},
            "roles": ["staff_attorney"], "due_at": None,
            "done_by": {"id": "attorney", "name": "Sam Okafor"}, "done_at": done_at,
            "note": note,
            "fields": [{"name": "arrived_at", "kind": "time", "label": "Designee arrived at",
                        "labels": {"en": "Designee arrived at", "es": "Hora de llegada"},
                        "options": [], "value": arrived},
                       {"name": "said", "kind": "text", "label": "What was said",
                        "labels": {"en": "What was said", "es": "Lo que se dijo"},
                        "options": [], "value": "they asked for Maria"}]}


ENCOUNTER = {"arrived_at": AGENTS_ARRIVED, "left_at": None, "agents_count": 2,
             "agency": "ICE", "outcome": "declined", "agents": "Officer Smith #12",
             "purpose": "", "documents": "", "present": "", "account": "",
             "outcome_other": "", "updated_by": "Sam Okafor",
             "updated_at": "2026-11-30T09:36:33.751Z"}
REVIEW = {"id": 1, "document_id": 7,
          "answers": {"signed_by": "officer", "header": "dhs", "form": "i200"},
          "assessment": {"kind": "admin_arrest", "entry": "not_by_itself", "cautions": [],
                         "sources": [], "counsel_decides": True,
                         "text": ["It appears to be ICE Form I-200 (details cut…"]},
          "reviewed_by": {"id": "attorney", "name": "Sam Okafor"},
          "reviewed_at": "2026-11-30T09:50:00Z", "note": ""}
RECORDS = {"id": 1, "presented": "subpoena", "categories": ["attendance"],
           "other_category": "", "non_disclosure": False, "parent_notice_required": True,
           "parent_notice_due_at": "2026-11-30T12:30:00Z", "parents_notified": None,
           "response_due_at": "2026-12-03T12:30:00Z", "provided": None,
           "counsel_signoff": None, "notes": "", "created_by": "Sam Okafor",
           "created_at": "2026-11-30T09:36:33.751Z", "flags": [], "reminders": []}


def _detail(arrived: str | None = "04:40", **extra: Any) -> dict[str, Any]:
    timeline = [{"id": 1, "at": TRIGGER, "kind": "opened", "actor": "Ana Pérez",
                 "text": "opened via sms by Ana Pérez; callback +1 860 555 0142, "
                         "(860) 555-0143 or +18605550144 at 2026-11-30T09:30:00.000Z"},
                {"id": 2, "at": "2026-11-30T09:40:00Z", "kind": "console_message",
                 "actor": "Sam Okafor", "text": SECRET},
                {"id": 3, "at": "2026-11-30T09:41:00Z", "kind": "note",
                 "actor": "Sam Okafor", "text": "note: room 12"},
                {"id": 4, "at": "2026-11-30T09:42:00Z", "kind": "some_new_kind",
                 "actor": "Sam Okafor", "text": "new words"}]
    return detail(created_at=TRIGGER, first_page_at="2026-11-30T09:30:01Z",
                  acknowledged_at="2026-11-30T09:32:00Z",
                  resolved_at="2026-11-30T11:00:00Z", timeline=timeline,
                  timezone=TZ, procedure=[designees(arrived)], encounter=ENCOUNTER,
                  warrant_reviews=[REVIEW], records_requests=[RECORDS], **extra)


def _report(redacted: bool, arrived: str | None = "04:40") -> dict[str, Any]:
    return build_report(_detail(arrived), [], timezone=TZ, contacts=CONTACTS,
                        redacted=redacted, generated_at=1_800_000_000.0)


def test_the_designee_arrived_when_step_b_says_not_when_the_agents_did() -> None:
    on_site = _report(False)["timings"]["on_site"]
    assert on_site["local"] == "2026-11-30 04:40:00 EST"  # step B's field, not 04:20
    assert on_site["seconds"] == 600.0


def test_an_arrival_just_before_midnight_is_the_day_the_step_was_ticked_off_before() -> None:
    report = build_report(
        detail(created_at="2026-12-01T04:50:00Z",  # 23:50 EST on 11/30
               procedure=[designees("23:55", done_at="2026-12-01T05:05:00Z")]),
        [], timezone=TZ, contacts=CONTACTS, redacted=False, generated_at=0.0)
    assert report["timings"]["on_site"]["seconds"] == 300.0


def test_an_arrival_before_the_trigger_is_flagged_never_a_negative_duration() -> None:
    report = _report(False, arrived="02:36")  # before the 04:30 trigger: impossible
    assert report["timings"]["on_site"] == {"at": None, "local": None, "seconds": None,
                                            "flag": "before_trigger"}
    text = _pdf_text(render_pdf(report))
    assert "+-" not in text
    assert "arrival recorded before the trigger" in text
    header, line = render_csv([_detail("02:36")], TZ).strip().split("\r\n")
    on_site = line.split(",")[header.split(",").index("on_site_s")]
    assert on_site == ""


def test_redaction_keeps_timestamps_answers_and_roles() -> None:
    report = _report(True)
    text = json.dumps(report, ensure_ascii=False)
    assert "[number]T" not in text
    assert report["encounter"]["updated_at"] == "2026-11-30T09:36:33.751Z"
    assert report["encounter"]["arrived_at"] == AGENTS_ARRIVED
    assert report["procedure"][0]["done_at"] == "2026-11-30T09:45:00Z"
    assert report["warrant_reviews"][0]["answers"]["signed_by"] == "officer"
    assert report["warrant_reviews"][0]["reviewed_by"] == "staff attorney"
    assert report["encounter"]["updated_by"] == "staff attorney"
    assert report["records_requests"][0]["created_by"] == "staff attorney"
    assert report["records_requests"][0]["created_at"] == "2026-11-30T09:36:33.751Z"
    opened = report["timeline"][0]["text"]
    assert opened == ("opened via sms by principal; callback [number], [number] or "
                      "[number] at 2026-11-30T09:30:00.000Z")
    assert report["procedure"][0]["fields"][1]["value"] == WITHHELD  # a text field
    assert report["procedure"][0]["fields"][0]["value"] == "04:40"


def test_the_redacted_report_withholds_every_entry_that_carries_words() -> None:
    report = _report(True)
    assert [e["text"] for e in report["timeline"][1:]] == [WITHHELD] * 3
    for where in (json.dumps(report, ensure_ascii=False),
                  _pdf_text(render_pdf(report)), _pdf_text(render_pdf(report, "es"))):
        for secret in ("Juan", "Lopez", "room 12", "new words", "Maria", "Smith",
                       "Okafor", "Pérez", "555"):
            assert secret not in where, secret


def test_the_pdf_reads_as_sentences_in_the_districts_time() -> None:
    text = _pdf_text(render_pdf(_report(False)))
    for expected in (
            "B. Designees go to the school — done by Sam Okafor, Mon 11/30 04:45 — met them",
            "Designee arrived at: 04:40", "What was said: they asked for Maria",
            "It appears to be ICE Form I-200", "does not by itself authorize entry",
            "Counsel decides", "Signed by: officer", "Arrived at: Mon 11/30 04:20",
            "Mon 11/30 04:30:00 EST", "Created at: Mon 11/30 04:36"):
        assert expected in text, expected
    for raw in ('"en":', "titles", "roles", "fields", "'kind'", "(det", "09:36:33",
                "T09:45", "T09:50"):
        assert raw not in text, raw


def test_the_spanish_pdf_has_spanish_titles_and_labels() -> None:
    text = _pdf_text(render_pdf(_report(False), "es"))
    for expected in ("B. Los designados van a la escuela — hecho por Sam Okafor, "
                     "lun 30/11 04:45", "Hora de llegada: 04:40", "El abogado decide"):
        assert expected in text, expected
