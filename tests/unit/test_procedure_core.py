"""The checklist's values and progress (core/procedure.py) and records requests' due items
(core/records_requests.py): pure tables."""

from __future__ import annotations

from dataclasses import replace

import pytest

from alertbot.core.procedure import (
    FieldKind,
    ProcedureStep,
    StepDone,
    StepField,
    clean_values,
    progress,
    value_problem,
)
from alertbot.core.records_requests import (
    REMIND_BEFORE,
    DueKind,
    Flag,
    Presented,
    RecordsRequest,
    clean_categories,
    flags,
    next_reminder,
    open_items,
    reminders_due,
)

STEP = ProcedureStep("log", {"en": "Log"}, ("director",), (
    StepField("arrived_at", FieldKind.TIME), StepField("agents", FieldKind.NUMBER),
    StepField("outcome", FieldKind.CHOICE, options=("declined", "left")),
    StepField("said", FieldKind.TEXT)))


@pytest.mark.parametrize(("kind", "value", "ok"), [
    (FieldKind.TIME, "9:40", True), (FieldKind.TIME, "23:59", True),
    (FieldKind.TIME, "24:00", False), (FieldKind.TIME, "9.40", False),
    (FieldKind.TIME, "9:4", False), (FieldKind.NUMBER, "3", True),
    (FieldKind.NUMBER, "-1", False), (FieldKind.NUMBER, "12345", False),
    (FieldKind.NUMBER, "٣", False), (FieldKind.CHOICE, "left", True),
    (FieldKind.CHOICE, "stayed", False), (FieldKind.TEXT, "anything", True),
])
def test_field_values(kind: FieldKind, value: str, ok: bool) -> None:
    assert (value_problem(kind, value, ("declined", "left")) is None) is ok


def test_clean_values_keeps_the_steps_fields_only_and_names_problems() -> None:
    values, problems = clean_values(STEP, {"arrived_at": " 9:40 ", "agents": "x",
                                           "outcome": "left", "other": "ignored",
                                           "said": "  a   b "})
    assert values == {"arrived_at": "9:40", "outcome": "left", "said": "a b"}
    assert problems == ["agents: a whole number from 0 to 9999"]


def test_progress_counts_this_configs_steps_and_names_the_latest() -> None:
    steps = (STEP, ProcedureStep("meet", {"en": "Meet"}, ("director",)))
    done = {"log": StepDone("log", "a", "Ana", 10.0), "gone": StepDone("gone", "b", "Bo", 99.0),
            "meet": StepDone("meet", "c", "Cy", 20.0)}
    p = progress(steps, done)
    assert (p.done, p.total, p.latest_by) == (2, 2, "Cy")
    assert progress(steps, {}).latest_by is None


T = 1_800_000_000.0
REQ = RecordsRequest(1, 7, Presented.SUBPOENA, ("grades",), parent_notice_due_at=T,
                     response_due_at=T + 86400)


def test_due_items_and_their_reminder_times() -> None:
    assert [i.kind for i in open_items(REQ)] == [DueKind.PARENT_NOTICE, DueKind.RESPONSE]
    assert next_reminder(REQ) == T - REMIND_BEFORE
    assert reminders_due(REQ, T - REMIND_BEFORE - 1) == []
    [item] = reminders_due(REQ, T - REMIND_BEFORE)
    assert item.key(1) == f"records:1:parent_notice:{int(T)}"
    # a new due time is a new item (a new key)
    moved = replace(REQ, parent_notice_due_at=T + 60)
    assert reminders_due(moved, T)[0].key(1) == f"records:1:parent_notice:{int(T) + 60}"


@pytest.mark.parametrize(("change", "kinds"), [
    ({"parents_notified_at": T - 5}, [DueKind.RESPONSE]),  # notice logged
    ({"non_disclosure": True}, [DueKind.RESPONSE]),  # the issuer ordered non-disclosure
    ({"provided_at": T}, []),  # records provided: nothing more is due
    ({"parent_notice_due_at": None, "response_due_at": None}, []),
])
def test_logged_items_are_no_longer_due(change: dict[str, object],
                                        kinds: list[DueKind]) -> None:
    assert [i.kind for i in open_items(replace(REQ, **change))] == kinds  # type: ignore[arg-type]


def test_flags_for_the_console() -> None:
    assert flags(REQ) == []
    assert flags(replace(REQ, categories=(), other_category="bus logs")) == [Flag.OTHER_CATEGORY]
    assert flags(replace(REQ, categories=())) == [Flag.NO_CATEGORIES]
    assert flags(replace(REQ, provided_at=T)) == [Flag.PROVIDED_BEFORE_NOTICE,
                                                  Flag.PROVIDED_WITHOUT_COUNSEL]
    assert flags(replace(REQ, provided_at=T, non_disclosure=True, counsel_signoff_at=T)) == []


def test_categories_are_a_fixed_list() -> None:
    assert clean_categories(["health", "grades", "names"]) == (("grades", "health"), ["names"])
