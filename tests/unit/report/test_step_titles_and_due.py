"""The after-action report's checklist says a choice by its title in the report's
language (the id stays in the data) and that a step was overdue (issue 12, 0045)."""

from __future__ import annotations

from typing import Any

from alertbot.report.build import build_report
from alertbot.report.pdf import render_pdf
from alertbot.report.sections import checklist
from tests.unit.report.test_build_and_pdf import CONTACTS, TZ, _pdf_text, detail

WARRANT = {"name": "judicial_warrant", "kind": "choice", "label": "Judicial warrant shown",
           "labels": {"en": "Judicial warrant shown", "es": "Mostraron orden judicial"},
           "options": ["yes", "no"],
           "option_titles": {"yes": {"en": "Yes, signed by a judge",
                                     "es": "Sí, firmada por un juez"}},
           "value": "yes", "value_titles": {"en": "Yes, signed by a judge",
                                            "es": "Sí, firmada por un juez"}}


def steps() -> list[dict[str, Any]]:
    return [
        {"id": "warrant", "title": "E. Ask for a judicial warrant",
         "titles": {"en": "E. Ask for a judicial warrant", "es": "E. Pedir una orden judicial"},
         "roles": ["staff_attorney"], "due_at": None, "overdue": False, "reminded_at": None,
         "done_by": {"id": "attorney", "name": "Sam Okafor"},
         "done_at": "2026-11-30T09:45:00Z", "note": "", "fields": [WARRANT]},
        {"id": "designees", "title": "B. Designees go to the school",
         "titles": {"en": "B. Designees go to the school"}, "roles": ["staff_attorney"],
         "due_at": "2026-11-30T10:15:00Z", "overdue": True,
         "reminded_at": "2026-11-30T10:15:01Z", "done_by": None, "done_at": None,
         "note": "", "fields": []}]


def test_the_checklist_says_the_title_of_a_choice_and_that_a_step_was_overdue() -> None:
    en = checklist(steps(), TZ, "en")
    assert en[0] == ("E. Ask for a judicial warrant — done by Sam Okafor, Mon 11/30 04:45",
                     ["Judicial warrant shown: Yes, signed by a judge"])
    assert en[1][0] == ("B. Designees go to the school — not done — overdue (due by Mon "
                        "11/30 05:15)")
    es = checklist(steps(), TZ, "es")
    assert es[0][1] == ["Mostraron orden judicial: Sí, firmada por un juez"]
    assert es[1][0].endswith("sin hacer — atrasado (era para antes de lun 30/11 05:15)")


def test_the_pdf_and_json_report_carry_the_title_and_keep_the_id() -> None:
    report = build_report(detail(procedure=steps(), timezone=TZ), [], timezone=TZ,
                          contacts=CONTACTS, redacted=False, generated_at=1_800_000_000.0)
    [field] = report["procedure"][0]["fields"]
    assert (field["value"], field["value_titles"]["es"]) == ("yes", "Sí, firmada por un juez")
    text = _pdf_text(render_pdf(report, "es"))
    assert "Mostraron orden judicial: Sí, firmada por un juez" in text
