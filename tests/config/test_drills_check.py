"""``drills:`` in escalation.yaml (issue 14): one fixture per mistake, the exact message.

Each folder under drill_fixtures/ is the valid Testville district plus a ``drills:``
list with one mistake (fictional people, 555-01xx numbers).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from alertbot.config.loader import load_config
from alertbot.config.yamlmap import Problem
from alertbot.core.model import Drill

FIXTURES = Path(__file__).parent / "drill_fixtures"

ERRORS: dict[str, list[str]] = {
    "bad_cron": ["escalation.yaml:31: drills[0].cron: not a cron expression: '0 25 * * *' "
                 "([0 25 * * *] is not acceptable, out of range)"],
    "cron_fields": ["escalation.yaml:31: drills[0].cron: not a cron expression: "
                    "'every tuesday' (five fields: minute hour day-of-month month "
                    "day-of-week, e.g. '0 9 * * 2#1')"],
    "unknown_incident": ["escalation.yaml:32: drills[0].incident: no incident 'fire'"],
    "unknown_school": ["escalation.yaml:33: drills[0].school: no school 'pine'"],
    "unknown_participant": [
        "escalation.yaml:34: drills[0].participants[1]: no contact or role 'bob'"],
    "participant_not_paged": [
        "escalation.yaml:34: drills[0].participants[0]: 'guard' is not paged by escalation "
        "'main' (incident 'ice' at school 'elm'): the drill would never page them"],
    "duplicate_id": ["escalation.yaml:34: drills[1].id: drill id 'monthly' is already used "
                     "by drills[0]"],
    "end_after_too_short": [
        "escalation.yaml:34: drills[0].end_after: end_after must be from 1m to 24h"],
    "unknown_key": ["escalation.yaml:34: drills[0].paricipants: unknown key"],
}


def _load(case: str, monkeypatch: pytest.MonkeyPatch) -> tuple[object, list[Problem]]:
    monkeypatch.chdir(FIXTURES / case)
    problems: list[Problem] = []
    return load_config("escalation.yaml", "contacts", problems), problems


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_bad_drill_reports_exactly(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    config, problems = _load(case, monkeypatch)
    assert config is None
    assert [str(p) for p in problems] == ERRORS[case]


def test_every_drill_fixture_has_an_expectation() -> None:
    folders = {p.name for p in FIXTURES.iterdir() if p.is_dir()}
    assert folders == set(ERRORS) | {"valid"}


def test_valid_drill_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    config, problems = _load("valid", monkeypatch)
    assert problems == []
    assert getattr(config, "drills", None) == (
        Drill("monthly", "0 9 * * 2#1", "ice", "elm", ("lead",), 900.0, 3600.0),)
