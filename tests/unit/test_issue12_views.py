"""Issue 12's console sections (web/console/*_view.py): Jinja2 with autoescape, forms that
post to the right routes with the CSRF token, English and Spanish, no inline script or
style (the console's strict CSP)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest

from alertbot.web.console import encounter_view, procedure_view, records_view, warrant_view

EVIL = '<script>alert("x")</script>'
CSRF = "c" * 64

DETAIL: dict[str, Any] = {
    "id": 12, "timezone": "America/New_York",
    "procedure": [
        {"id": "refer", "title": "A. Refer", "titles": {"en": "A. Refer", "es": "A. Remitir"},
         "roles": ["principal"], "due_at": "2027-01-15T08:10:00.000Z",
         "done_by": {"id": "attorney", "name": "Sam " + EVIL},
         "done_at": "2027-01-15T08:05:00.000Z", "note": EVIL,
         "fields": [{"name": "arrived_at", "kind": "time", "label": "Arrived",
                     "labels": {"en": "Arrived", "es": "Llegada"}, "options": [],
                     "value": "3:40"}]},
        {"id": "warrant", "title": EVIL, "titles": {"en": EVIL}, "roles": ["staff_attorney"],
         "due_at": None, "done_by": None, "done_at": None, "note": "",
         "fields": [{"name": "judicial_warrant", "kind": "choice", "label": "Shown",
                     "labels": {}, "options": ["yes", EVIL], "value": None}]},
    ],
    "encounter": {"arrived_at": "2027-01-15T08:00:00.000Z", "left_at": None,
                  "agents_count": 2, "agency": EVIL, "outcome": "declined", "agents": EVIL,
                  "purpose": "", "documents": "", "present": "", "account": "",
                  "outcome_other": "", "updated_by": "Sam", "updated_at":
                  "2027-01-15T08:30:00.000Z"},
    "warrant_reviews": [
        {"id": 1, "document_id": EVIL, "note": EVIL,
         "answers": {"signed_by": "officer", "header": "agency", "form": "I-200",
                     "names_address": "no", "names_person": "yes"},
         "reviewed_by": {"id": "attorney", "name": "Sam"},
         "reviewed_at": "2027-01-15T08:20:00.000Z"}],
    "records_requests": [
        {"id": 3, "presented": "subpoena", "categories": ["grades"], "other_category": EVIL,
         "non_disclosure": False, "parent_notice_required": True,
         "parent_notice_due_at": "2027-01-15T20:00:00.000Z", "parents_notified": None,
         "response_due_at": None, "provided": None, "counsel_signoff": None, "notes": EVIL,
         "created_by": "Sam", "created_at": "2027-01-15T08:20:00.000Z",
         "flags": ["other_category"], "reminders": []}],
}

View = Callable[[Mapping[str, Any], str, str], str]
VIEWS: list[tuple[str, View, str]] = [
    ("procedure", procedure_view.render, "/api/incidents/12/procedure/"),
    ("encounter", encounter_view.render, "/api/incidents/12/encounter"),
    ("warrant", warrant_view.render, "/api/incidents/12/warrant-review"),
    ("records", records_view.render, "/api/incidents/12/records-requests"),
]


@pytest.mark.parametrize(("name", "view", "action"), VIEWS, ids=[v[0] for v in VIEWS])
def test_sections_escape_post_with_csrf_and_carry_no_inline_code(name: str, view: View,
                                                                  action: str) -> None:
    html = view(DETAIL, CSRF, "en")
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "style=" not in html and "onclick" not in html.lower()
    assert f'action="{action}' in html
    forms = html.count("<form ")
    assert forms >= 1 and html.count(f'name="csrf_token" value="{CSRF}"') == forms


def test_the_checklist_shows_who_did_what_and_offers_undo_and_done() -> None:
    html = procedure_view.render(DETAIL, CSRF, "en")
    assert "1 of 2 steps done" in html
    assert "Jan 15 03:05" in html  # in the district's time zone
    assert "Arrived: 3:40" in html and 'name="undo" value="1"' in html
    assert 'action="/api/incidents/12/procedure/warrant"' in html and "Mark done" in html


def test_the_sections_speak_spanish() -> None:
    assert "A. Remitir" in procedure_view.render(DETAIL, CSRF, "es")
    assert "1 de 2 pasos hechos" in procedure_view.render(DETAIL, CSRF, "es")
    assert "Llegada: 3:40" in procedure_view.render(DETAIL, CSRF, "es")
    assert "15 ene 03:05" in procedure_view.render(DETAIL, CSRF, "es")
    assert "Registro del encuentro" in encounter_view.render(DETAIL, CSRF, "es")
    warrant = warrant_view.render(DETAIL, CSRF, "es")
    assert "El abogado decide." in warrant and "Formulario I-200" in warrant
    records = records_view.render(DETAIL, CSRF, "es")
    assert "Calificaciones" in records and "Padres aún no avisados" in records


def test_the_warrant_aid_always_says_counsel_decides_and_its_sources() -> None:
    html = warrant_view.render(DETAIL, CSRF, "en")
    assert "does not by itself authorize entry to non-public areas" in html
    assert "Counsel decides." in html and "district&#39;s letter to families" in html
    assert "It does not name this school&#39;s address." in html


def test_an_empty_incident_renders_every_section() -> None:
    empty = {"id": 1, "procedure": [], "encounter": None, "warrant_reviews": [],
             "records_requests": []}
    assert "No procedure is set" in procedure_view.render(empty, CSRF, "en")
    for _, view, _action in VIEWS:
        assert "<form" in view(empty, CSRF, "en") or view is procedure_view.render


def test_each_view_plugs_into_the_incident_page_as_a_section() -> None:
    from dataclasses import dataclass

    from alertbot.web.console import encounter_view as e
    from alertbot.web.console import procedure_view as p
    from alertbot.web.console import records_view as r
    from alertbot.web.console import warrant_view as w

    @dataclass(frozen=True)
    class Given:  # the shape of web/console/sections.py's SectionInput
        detail: Mapping[str, Any]
        csrf_token: str
        language: str
        viewer_id: str = "attorney"

    given = Given(DETAIL, CSRF, "es")
    for module in (p, e, w, r):
        assert module.section(given) == module.render(DETAIL, CSRF, "es")
