"""The readiness page's and drill report's words (text/readiness_ui.py): both languages
have every key, and every channel state has a word and (when it is a problem) a fix."""

from __future__ import annotations

from alertbot.core.readiness import REACHABLE, State
from alertbot.text.readiness_ui import TEXT, say, seconds


def test_english_and_spanish_have_the_same_keys() -> None:
    assert TEXT["en"].keys() == TEXT["es"].keys()
    assert say("fr", "title") == "Readiness" and say("es", "title") == "Preparación"


def test_every_state_has_a_word_and_every_problem_a_fix() -> None:
    for state in State:
        assert f"state.{state}" in TEXT["en"], state
        if state not in REACHABLE - {State.GUEST}:
            assert f"fix.{state}" in TEXT["en"], state


def test_drill_times_in_words() -> None:
    assert [seconds(v, "en") for v in (0.0, 44.6, 65.0, 3600.0)] == [
        "0 s", "45 s", "1 min 5 s", "60 min 0 s"]
    assert (seconds(None, "en"), seconds(None, "es")) == ("never", "nunca")
