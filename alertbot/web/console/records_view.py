"""The incident page's records-requests section (FERPA; issue 12): each request with its
parent notice, deadline, provision and counsel's sign-off, the console's flags, forms to
log them; a form to record a new request. ``render(detail, csrf_token, language)``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from alertbot.core.records_requests import CATEGORIES, NOTICE_METHODS, Presented
from alertbot.text.procedure_ui import ui
from alertbot.web.console.issue12 import SectionInput
from alertbot.web.console.issue12 import render as render_template


def render(detail: Mapping[str, Any], csrf_token: str, language: str) -> Markup:
    requests = [{**r, "category_labels": [ui(f"category.{c}", language)
                                          for c in r.get("categories", ())]}
                for r in detail.get("records_requests") or ()]
    return render_template("records.html", detail, csrf_token, language, requests=requests,
                           methods=NOTICE_METHODS, categories=CATEGORIES,
                           presented=[p.value for p in Presented])


def section(given: SectionInput) -> Markup:
    """This section for the incident page's ``INCIDENT_SECTIONS`` (web/console/sections.py)."""
    return render(given.detail, given.csrf_token, given.language)
