"""The incident page's extension point for issue 12 (procedure checklist, encounter log,
documents, records requests).

Each section is a function ``SectionInput -> Markup`` (an HTML fragment as ``Markup``, escaped by
the section itself, e.g. rendered with Jinja2 autoescape). ``INCIDENT_SECTIONS`` lists them
in the order they are shown, after the timeline. A section that raises is left out and logged (one
broken section must not hide the incident page); forms in a section post with
``csrf_token``, in the viewer's ``language``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup


@dataclass(frozen=True)
class SectionInput:
    """What a section is given: ``detail``, the JSON of ``GET /api/incidents/{id}`` for
    this incident (CONTRACT.md's fields, as the viewer may see them); the session's
    ``csrf_token`` for its forms; the viewer's ``language`` (en, es) and contact id
    (``viewer_id``)."""

    detail: Mapping[str, Any]
    csrf_token: str
    language: str
    viewer_id: str


def _documents(given: SectionInput) -> str:
    from alertbot.web.console.documents_view import documents_view

    return documents_view(given.detail, given.csrf_token, given.language)


def _issue12() -> tuple[Callable[[SectionInput], str], ...]:
    """Issue 12's sections in the order a designee works: the district's checklist, the
    encounter log, the documents the agents showed, the warrant aid beside them, then
    the records request (FERPA)."""
    from alertbot.web.console import encounter_view, procedure_view, records_view, warrant_view

    return (procedure_view.section, encounter_view.section, _documents,
            warrant_view.section, records_view.section)


INCIDENT_SECTIONS: tuple[Callable[[SectionInput], str], ...] = _issue12()


def as_fragment(value: str) -> Markup:
    """A section's return value as HTML: ``Markup`` as it is; a plain ``str`` is text
    and is escaped (a section that forgot to mark its HTML shows tags, never runs them)."""
    return value if isinstance(value, Markup) else Markup.escape(value)
