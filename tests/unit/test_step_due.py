"""Overdue checklist steps, pure (issue 12, decision 0045): which steps are due to be
reminded, how a text names a step, and the reminder's words (GSM-7, one segment)."""

from __future__ import annotations

import pytest

from alertbot.core.procedure import ProcedureStep, reminder_key, steps_to_remind
from alertbot.text.messages import sms_fits
from alertbot.text.procedure_sms import after_words, step_reminder_sms

T0 = 1_800_000_000.0
A = ProcedureStep("refer", {"en": "A. Refer the agents"}, ("principal",), due=600.0)
B = ProcedureStep("designees", {"en": "B. Designees go to the school"}, ("staff_attorney",),
                  due=2700.0)
C = ProcedureStep("reason", {"en": "Ask the reason"}, ("staff_attorney",))  # no due
D = ProcedureStep("log", {"en": "Log it"}, ("staff_attorney",), due=3600.0)
STEPS = (A, B, C, D)


def remind(now: float, done: set[str], reminded: set[str]
           ) -> tuple[list[str], float | None]:
    due, later = steps_to_remind(STEPS, 12, T0, done, reminded, now)
    return [d.step.id for d in due], later


@pytest.mark.parametrize(("now", "done", "reminded", "expected", "later"), [
    (T0, set(), set(), [], T0 + 600),  # nothing due at opening; A is next
    (T0 + 599, set(), set(), [], T0 + 600),  # a second early
    (T0 + 600, set(), set(), ["refer"], T0 + 2700),  # due at the exact second
    (T0 + 600, {"refer"}, set(), [], T0 + 2700),  # done in time: never
    (T0 + 3000, set(), {reminder_key(12, "refer")}, ["designees"], T0 + 3600),  # A sent
    (T0 + 9999, {"log"}, set(), ["refer", "designees"], None),  # C has no due
    (T0 + 9999, set(), {reminder_key(12, s.id) for s in STEPS}, [], None),  # all sent
])
def test_which_steps_are_due_to_remind(now: float, done: set[str], reminded: set[str],
                                       expected: list[str], later: float | None) -> None:
    assert remind(now, done, reminded) == (expected, later)


def test_a_reminder_key_is_per_incident_and_step() -> None:
    assert reminder_key(12, "designees") == "step:12:designees"
    assert reminder_key(12, "x" * 64).__len__() <= 120  # procedure_reminders.key


def test_a_text_names_a_step_by_its_letter_else_its_position() -> None:
    assert [s.label(i) for i, s in enumerate(STEPS)] == ["A", "B", "3", "4"]
    assert B.due_at(T0) == T0 + 2700 and C.due_at(T0) is None


@pytest.mark.parametrize(("seconds", "words"), [
    (45, "45 s"), (600, "10 min"), (3600, "1 h"), (5400, "1 h 30 min"), (7 * 86400, "168 h")])
def test_after_words(seconds: float, words: str) -> None:
    assert after_words(seconds) == words


@pytest.mark.parametrize("drill", [False, True])
@pytest.mark.parametrize("language", ["en", "es"])
def test_the_reminder_is_one_gsm7_segment_without_the_title(language: str,
                                                            drill: bool) -> None:
    url = "https://alerts.example-district.test/incidents/1234"
    text = step_reminder_sms(language, n=1234, step="B", after=2700, due_at=T0,
                             timezone="America/New_York", url=url, drill=drill)
    assert sms_fits(text, 1), (len(text), text)
    assert text.isascii()  # "vencía" folded to GSM-7
    assert "#1234" in text and url in text and ("DRILL" in text) is drill
    assert "Designees" not in text and "school" not in text
    expected = {"en": "step B was due 45 min after the report (3:00 AM) and is not done",
                "es": "paso B: vencia 45 min tras el aviso (03:00) y sigue pendiente"}
    assert expected[language] in text
