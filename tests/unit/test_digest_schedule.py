"""The digest's schedule: a cron expression in the district's time zone (engine/digest.py)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from alertbot.engine.digest import last_due

NY = ZoneInfo("America/New_York")


def at(*args: int) -> float:
    return datetime(*args, tzinfo=NY).timestamp()


@pytest.mark.parametrize(("now", "due"), [
    (at(2026, 11, 30, 7, 30), at(2026, 11, 30, 7, 30)),  # on the minute: due now
    (at(2026, 11, 30, 7, 29), at(2026, 11, 23, 7, 30)),  # a minute early: last week's
    (at(2026, 12, 2, 12, 0), at(2026, 11, 30, 7, 30)),
    (at(2026, 7, 6, 8, 0), at(2026, 7, 6, 7, 30)),  # summer time: still 07:30 local
])
def test_mondays_at_half_past_seven_local(now: float, due: float) -> None:
    assert last_due("30 7 * * MON", now, "America/New_York") == due
