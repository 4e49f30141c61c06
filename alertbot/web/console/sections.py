"""The incident page's extension point for issue 12 (procedure checklist, encounter log,
documents, records requests).

Each section is a function ``SectionInput -> Markup`` (an HTML fragment as ``Markup``, escaped by
the section itself, e.g. rendered with Jinja2 autoescape). ``INCIDENT_SECTIONS`` lists them
in the order they are shown, after the timeline; the lead registers the sections of the
other branches here when merging. A section that raises is left out and logged (one
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


INCIDENT_SECTIONS: tuple[Callable[[SectionInput], str], ...] = ()


def as_fragment(value: str) -> Markup:
    """A section's return value as HTML: ``Markup`` as it is; a plain ``str`` is text
    and is escaped (a section that forgot to mark its HTML shows tags, never runs them)."""
    return value if isinstance(value, Markup) else Markup.escape(value)
