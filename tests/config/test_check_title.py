"""`alertbot check` warns, and still exits 0, when an incident's title names immigration
(decision 0043): the title goes out in every page by SMS and Slack, which are not private.
"""

from __future__ import annotations

import pytest

from alertbot.config.common import title_names_immigration
from tests.config.test_check import load_case
from tests.config.test_check_slack_only import run_check

TITLE_WARNINGS = [
    "escalation.yaml:15: incidents.ice.title.en: warning: the title names immigration "
    "('ICE'): it goes out in every page by SMS and Slack, which are not private; use a "
    "neutral title such as \"Enforcement visit at {school}\"",
    "escalation.yaml:15: incidents.ice.title.es: warning: the title names immigration "
    "('inmigración'): it goes out in every page by SMS and Slack, which are not private; "
    "use a neutral title such as \"Enforcement visit at {school}\"",
]


def test_check_warns_about_a_title_naming_immigration_and_passes(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_check("title_names_immigration", monkeypatch, capsys)
    assert code == 0
    assert out.splitlines() == TITLE_WARNINGS
    assert "ok:" in err


def test_the_warning_is_a_warning_and_the_config_loads(
        monkeypatch: pytest.MonkeyPatch) -> None:
    config, problems = load_case("title_names_immigration", monkeypatch)
    assert [str(p) for p in problems] == TITLE_WARNINGS
    assert all(p.warning for p in problems)
    assert config is not None


@pytest.mark.parametrize(("title", "word"), [
    ("ICE at {school}", "ICE"),
    ("Immigration enforcement at {school}", "Immigration"),
    ("Agentes de inmigración en {school}", "inmigración"),
    ("Enforcement visit at {school}", None),
    ("Police at {school}", None),
    ("ice storm at {school}", None),
    ("Visita de agentes en {school}", None),
])
def test_which_titles_name_immigration(title: str, word: str | None) -> None:
    assert title_names_immigration(title) == word
