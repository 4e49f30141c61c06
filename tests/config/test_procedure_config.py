"""``incidents.<type>.procedure`` and ``retention`` (issue 12): one bad-config fixture per
error, the exact message asserted (like test_check.py). Each folder under
procedure_fixtures/ is the ``valid`` district of fixtures/ with a procedure and a
retention setting, and one mistake in it."""

from __future__ import annotations

from pathlib import Path

import pytest

from alertbot.config.loader import load_config
from alertbot.config.yamlmap import Problem
from alertbot.core.model import Config
from alertbot.core.procedure import FieldKind

FIXTURES = Path(__file__).parent / "procedure_fixtures"
REPO = Path(__file__).resolve().parents[2]
P = "incidents.ice.procedure"

ERRORS: dict[str, list[str]] = {
    "step_unknown_key": [f"escalation.yaml:26: {P}[1].deu: unknown key"],
    "step_duplicate_id": [
        f"escalation.yaml:23: {P}[1].id: step id 'refer' is already used by procedure[0]"],
    "step_bad_id": [f"escalation.yaml:20: {P}[0].id: not valid: 'meet agents' "
                    "(use only letters, digits, '-' and '_')"],
    "step_title_missing_en": [f"escalation.yaml:21: {P}[0].title: "
                              "a step title needs at least 'en'"],
    "step_unknown_role": [f"escalation.yaml:22: {P}[0].roles[1]: no contact or role 'nurse'"],
    "step_no_roles": [f"escalation.yaml:22: {P}[0].roles: "
                      "name at least one role (or contact id) who may complete it"],
    "step_bad_due": [f"escalation.yaml:26: {P}[1].due: "
                     "not a duration: 'soon' (use e.g. 30s, 3m, 1h30m)"],
    "step_due_zero": [f"escalation.yaml:26: {P}[1].due: a step's due must be more than 0 "
                      "and at most 7 days after the incident opens, not 0"],
    "step_due_too_long": [f"escalation.yaml:26: {P}[1].due: "
                          "duration must be at most 168h (7 days): '169h'"],
    "option_duplicate_id": [f"escalation.yaml:34: {P}[1].fields[1].options[2].id: "
                            "option 'declined' is already used by options[0]"],
    "option_title_missing_en": [f"escalation.yaml:32: {P}[1].fields[1].options[0].title: "
                                "an option's title needs at least 'en'"],
    "field_bad_kind": [f"escalation.yaml:28: {P}[1].fields[0].kind: "
                       "Input should be 'text', 'time', 'number' or 'choice'"],
    "field_bad_name": [f"escalation.yaml:28: {P}[1].fields[0].name: not valid: 'Arrived At' "
                       "(a field name is a lowercase letter, then up to 39 lowercase letters, "
                       "digits or '_')"],
    "field_duplicate_name": [f"escalation.yaml:29: {P}[1].fields[1].name: "
                             "field 'arrived_at' is already used by fields[0]"],
    "field_choice_without_options": [f"escalation.yaml:29: {P}[1].fields[1].options: "
                                     "a choice field needs options"],
    "field_options_not_choice": [f"escalation.yaml:28: {P}[1].fields[0].options: "
                                 "only a choice field has options"],
    "procedure_not_a_list": [f"escalation.yaml:19: {P}: Input should be a valid list"],
    "retention_bad_days": ["escalation.yaml:41: retention.free_text_days: free_text_days "
                           "must be a whole number of days from 1 to 36500, not 0"],
    "retention_unknown_key": ["escalation.yaml:41: retention.free_text: unknown key"],
}


def load_case(case: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Config | None, list[Problem]]:
    monkeypatch.chdir(FIXTURES / case)
    problems: list[Problem] = []
    return load_config("escalation.yaml", "contacts", problems), problems


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_bad_procedure_config_reports_exactly(case: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    config, problems = load_case(case, monkeypatch)
    assert [str(p) for p in problems] == ERRORS[case]
    assert config is None


def test_every_procedure_fixture_has_an_expectation() -> None:
    assert {p.name for p in FIXTURES.iterdir() if p.is_dir()} == set(ERRORS) | {"valid"}


def test_valid_procedure_loads_in_order_with_fields_and_retention(
        monkeypatch: pytest.MonkeyPatch) -> None:
    config, problems = load_case("valid", monkeypatch)
    assert problems == [] and config is not None
    steps = config.incidents["ice"].procedure
    assert [s.id for s in steps] == ["refer", "log"]
    assert steps[0].title("es") == "Remitir a los agentes al Superintendente"
    assert steps[0].roles == ("principal", "director") and steps[0].due is None
    assert steps[1].due == 1800.0
    assert [(f.name, f.kind, f.options) for f in steps[1].fields] == [
        ("arrived_at", FieldKind.TIME, ()), ("outcome", FieldKind.CHOICE, ("declined", "left"))]
    assert steps[1].fields[0].label("es") == "Llegada de los agentes"
    assert steps[1].fields[1].label("es") == "outcome"  # no label: its name
    assert config.retention.free_text_days == 365 and config.retention.seconds == 365 * 86400


def test_sample_config_carries_the_district_steps_a_to_h(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The repository's escalation.yaml encodes the district letter's steps A-H, in
    English and Spanish, each completable by someone in the sample contacts."""
    monkeypatch.chdir(REPO)
    problems: list[Problem] = []
    config = load_config("escalation.yaml", "contacts", problems)
    assert [str(p) for p in problems] == [] and config is not None
    steps = config.incidents["ice"].procedure
    assert len(steps) >= 8
    assert all(s.titles.get("en") and s.titles.get("es") for s in steps)
    roles = {r for c in config.contacts.values() for r in c.roles} | set(config.contacts)
    assert all(set(s.roles) & roles for s in steps)
    assert config.retention.free_text_days is not None


def test_choice_options_carry_titles_and_bare_ids_stay_valid(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """An option is a bare id (as before) or ``{id, title: {en, es}}``; the stored value
    is the id, people read the title in their language (English, else the id)."""
    text = (FIXTURES / "valid" / "escalation.yaml").read_text()
    old = "          - {name: outcome, kind: choice, options: [declined, left]}\n"
    assert old in text
    (tmp_path / "escalation.yaml").write_text(text.replace(old, (
        "          - name: outcome\n            kind: choice\n            options:\n"
        "              - {id: declined, title: {en: Entry declined, es: Entrada denegada}}\n"
        "              - {id: warrant, title: {en: Entry under a judicial warrant}}\n"
        "              - left\n")))
    (tmp_path / "contacts").symlink_to(FIXTURES / "valid" / "contacts")
    monkeypatch.chdir(tmp_path)
    problems: list[Problem] = []
    config = load_config("escalation.yaml", "contacts", problems)
    assert problems == [] and config is not None
    outcome = config.incidents["ice"].procedure[1].fields[1]
    assert outcome.options == ("declined", "warrant", "left")
    assert outcome.option_title("declined", "es") == "Entrada denegada"
    assert outcome.option_title("warrant", "es") == "Entry under a judicial warrant"
    assert outcome.option_title("left", "es") == "left"
