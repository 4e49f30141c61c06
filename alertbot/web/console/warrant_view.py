"""The incident page's warrant-aid section (issue 12): the reviews recorded (what each
document appears to be, what it means for entry, "counsel decides", the sources) and the
guided form. ``render(detail, csrf_token, language)``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from alertbot.core.warrant import Answer, Answers, Form, Header, Signer, assess
from alertbot.text.procedure_ui import ui
from alertbot.text.warrant_text import assessment_lines
from alertbot.web.console.issue12 import SectionInput
from alertbot.web.console.issue12 import render as render_template


def _lines(answers: Mapping[str, str], language: str) -> list[str]:
    a = Answers(Signer(answers["signed_by"]), Header(answers["header"]), Form(answers["form"]),
                Answer(answers["names_address"]), Answer(answers["names_person"]))
    return assessment_lines(assess(a), language)


def render(detail: Mapping[str, Any], csrf_token: str, language: str) -> Markup:
    reviews = [{**r, "lines": _lines(r["answers"], language)}
               for r in detail.get("warrant_reviews") or ()]
    yes_no = [(a.value, ui(a.value, language)) for a in Answer]
    forms = [(f.value, f.value if f.value.startswith("I-") else ui(f"form.{f.value}", language))
             for f in Form]
    questions = [
        {"name": "signed_by", "choices": [(s.value, ui(f"signed_by.{s.value}", language))
                                          for s in Signer]},
        {"name": "header", "choices": [(h.value, ui(f"header.{h.value}", language))
                                       for h in Header]},
        {"name": "form", "choices": forms},
        {"name": "names_address", "choices": yes_no},
        {"name": "names_person", "choices": yes_no},
    ]
    return render_template("warrant.html", detail, csrf_token, language, reviews=reviews,
                           questions=questions)


def section(given: SectionInput) -> Markup:
    """This section for the incident page's ``INCIDENT_SECTIONS`` (web/console/sections.py)."""
    return render(given.detail, given.csrf_token, given.language)
