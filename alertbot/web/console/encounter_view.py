"""The incident page's encounter-log section (issue 12): one form with the fields the
district's logs keep, filled with what is recorded. ``render(detail, csrf_token,
language)``: ``detail`` is ``GET /api/incidents/{id}``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

from markupsafe import Markup

from alertbot.core.encounter import FREE_TEXT, Encounter, Outcome
from alertbot.web.console.issue12 import SectionInput, when
from alertbot.web.console.issue12 import render as render_template


def render(detail: Mapping[str, Any], csrf_token: str, language: str) -> Markup:
    recorded = detail.get("encounter")
    e = {**asdict(Encounter()), **(recorded or {})}
    updated = ""
    if recorded:
        timezone = str(detail.get("timezone") or "UTC")
        updated = f"{e['updated_by']} · {when(e['updated_at'], timezone, language)}"
    return render_template("encounter.html", detail, csrf_token, language, e=e,
                           outcomes=[o.value for o in Outcome], texts=FREE_TEXT,
                           updated=updated)


def section(given: SectionInput) -> Markup:
    """This section for the incident page's ``INCIDENT_SECTIONS`` (web/console/sections.py)."""
    return render(given.detail, given.csrf_token, given.language)
