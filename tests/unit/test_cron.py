"""Scheduled drills' cron expressions in the district's time zone (alertbot/cron.py).

A table of schedules and windows, including both DST days in America/New_York (2026:
clocks spring forward on 8 March at 02:00, fall back on 1 November at 02:00)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from alertbot.cron import cron_problem, next_after, occurrences

NY = "America/New_York"


def at(text: str, zone: str = NY) -> float:
    return datetime.fromisoformat(text).replace(tzinfo=ZoneInfo(zone)).timestamp()


def utc(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%MZ")


CASES = [
    # expression, window start, window end (local), [(slot, UTC instant), ...]
    ("0 9 * * 2#1", "2026-11-30T12:00", "2027-02-28T00:00",
     [("2026-12-01T09:00", "2026-12-01T14:00Z"), ("2027-01-05T09:00", "2027-01-05T14:00Z"),
      ("2027-02-02T09:00", "2027-02-02T14:00Z")]),
    # Summer time: 09:00 local is 13:00 UTC, winter 14:00 UTC: the wall clock is kept.
    ("0 9 * * 2#1", "2026-10-01T00:00", "2026-11-30T00:00",
     [("2026-10-06T09:00", "2026-10-06T13:00Z"), ("2026-11-03T09:00", "2026-11-03T14:00Z")]),
    # Spring forward: 02:30 does not exist on 8 March; it fires once, at 03:00 EDT.
    ("30 2 * * *", "2026-03-07T12:00", "2026-03-09T12:00",
     [("2026-03-08T03:00", "2026-03-08T07:00Z"), ("2026-03-09T02:30", "2026-03-09T06:30Z")]),
    # Fall back: 01:30 happens twice on 1 November; one slot, the first of the two.
    ("30 1 * * *", "2026-10-31T12:00", "2026-11-02T12:00",
     [("2026-11-01T01:30", "2026-11-01T05:30Z"), ("2026-11-02T01:30", "2026-11-02T06:30Z")]),
    # An ordinary hour on a DST day is untouched.
    ("0 9 8 3 *", "2026-03-01T00:00", "2026-03-31T00:00",
     [("2026-03-08T09:00", "2026-03-08T13:00Z")]),
]


@pytest.mark.parametrize(("expression", "start", "end", "expected"), CASES)
def test_occurrences(expression: str, start: str, end: str,
                     expected: list[tuple[str, str]]) -> None:
    found = occurrences(expression, NY, at(start), at(end))
    assert [(o.slot, utc(o.at)) for o in found] == expected


def test_the_window_is_open_at_the_start_and_closed_at_the_end() -> None:
    nine = at("2026-12-01T09:00")
    assert [o.slot for o in occurrences("0 9 * * *", NY, nine, nine)] == []
    assert [o.slot for o in occurrences("0 9 * * *", NY, nine - 1, nine)] == [
        "2026-12-01T09:00"]


def test_next_after_is_strictly_after() -> None:
    nine = at("2026-12-01T09:00")
    assert next_after("0 9 * * *", NY, nine).slot == "2026-12-02T09:00"
    assert next_after("0 9 * * *", NY, nine - 60).slot == "2026-12-01T09:00"


@pytest.mark.parametrize(("expression", "ok"), [
    ("0 9 * * 2#1", True), ("*/15 8-16 * * mon-fri", True), ("0 25 * * *", False),
    ("61 * * * *", False), ("every tuesday", False), ("0 9 * *", False),
    ("0 9 * * 2 0", False), ("0 9 * * mon#9", False)])
def test_cron_problem(expression: str, ok: bool) -> None:
    assert (cron_problem(expression) is None) is ok
