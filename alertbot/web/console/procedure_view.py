"""The incident page's checklist section (issue 12): each step of the district's procedure,
who completed it and when, its note and field values; forms to complete or undo a step.
``render(detail, csrf_token, language)``: ``detail`` is ``GET /api/incidents/{id}``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markupsafe import Markup

from alertbot.web.console.issue12 import SectionInput
from alertbot.web.console.issue12 import render as render_template


def _lang(mapping: Mapping[str, Any], key: str, plain: str, language: str) -> str:
    return str((mapping.get(key) or {}).get(language) or mapping.get(plain) or "")


def option_title(f: Mapping[str, Any], option: str, language: str) -> str:
    """A choice option as people read it: its title in ``language``, else English, else
    the id (an option without titles)."""
    titles = (f.get("option_titles") or {}).get(option) or {}
    return str(titles.get(language) or titles.get("en") or option)


def _field(f: Mapping[str, Any], language: str) -> dict[str, Any]:
    value = f.get("value")
    shown = option_title(f, value, language) if f.get("kind") == "choice" and value else value
    return {**f, "label": _lang(f, "labels", "label", language), "shown": shown,
            "choices": [(o, option_title(f, o, language)) for o in f.get("options") or ()]}


def render(detail: Mapping[str, Any], csrf_token: str, language: str) -> Markup:
    steps = []
    for s in detail.get("procedure") or ():
        fields = [_field(f, language) for f in s.get("fields", ())]
        steps.append({**s, "title": _lang(s, "titles", "title", language), "fields": fields})
    done = sum(1 for s in steps if s.get("done_at"))
    return render_template("procedure.html", detail, csrf_token, language, steps=steps,
                           done=done)


def section(given: SectionInput) -> Markup:
    """This section for the incident page's ``INCIDENT_SECTIONS`` (web/console/sections.py)."""
    return render(given.detail, given.csrf_token, given.language)
