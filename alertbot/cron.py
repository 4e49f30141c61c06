"""Cron expressions for scheduled drills, read by croniter (decision 0041).

Times are seconds since the epoch (floats); a schedule is read in the district's
``timezone`` (escalation.yaml), so ``0 9 * * 2#1`` is 09:00 on the first Tuesday of the
month in that zone whatever the season. DST (croniter's behaviour, pinned by
tests/unit/test_cron.py): a time that does not exist on the spring-forward day (02:30)
fires once, at the first instant after the gap (03:00); a time that happens twice on
the fall-back day (01:30) is one **slot**, ``slot_key`` its wall-clock time, so the unique
key in the store (drill id + slot) lets it start once, at the first of the two.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from croniter import CroniterBadCronError, CroniterBadDateError, croniter

__all__ = ["Occurrence", "cron_problem", "next_after", "occurrences"]

# More than this many occurrences between two looks (a minute-by-minute drill after a
# year down) are not walked one by one: the oldest are dropped (the newest are kept).
MAX_WALK = 500


@dataclass(frozen=True)
class Occurrence:
    """One time a schedule is due: ``at`` (epoch seconds) and ``slot`` (local wall-clock
    time, ``YYYY-MM-DDTHH:MM``: the same for both 01:30s of a fall-back night)."""

    at: float
    slot: str


def cron_problem(expression: str) -> str | None:
    """None if ``expression`` is a five-field cron expression croniter reads, else why
    not (a message for ``alertbot check``)."""
    fields = expression.split()
    if len(fields) != 5:
        return (f"not a cron expression: '{expression}' (five fields: minute hour "
                "day-of-month month day-of-week, e.g. '0 9 * * 2#1')")
    try:
        croniter(expression, datetime(2026, 1, 1, tzinfo=ZoneInfo("UTC")))
    except (CroniterBadCronError, CroniterBadDateError, ValueError, KeyError) as exc:
        return f"not a cron expression: '{expression}' ({exc})"
    return None


def slot_key(moment: datetime) -> str:
    """The wall-clock minute of ``moment`` (a zone-aware datetime) in its own zone."""
    return moment.strftime("%Y-%m-%dT%H:%M")


def _walk(expression: str, timezone: str, after: float) -> Iterator[Occurrence]:
    zone = ZoneInfo(timezone)
    start = datetime.fromtimestamp(after, zone)
    walker = croniter(expression, start)
    while True:
        moment: datetime = walker.get_next(datetime)
        yield Occurrence(moment.timestamp(), slot_key(moment.astimezone(zone)))


def occurrences(expression: str, timezone: str, after: float, until: float) -> list[Occurrence]:
    """Every slot of ``expression`` due in (``after``, ``until``], oldest first, each slot
    once (the second 01:30 of a fall-back night is left out). At most ``MAX_WALK``."""
    out: list[Occurrence] = []
    seen: set[str] = set()
    for occurrence in _walk(expression, timezone, after):
        if occurrence.at > until:
            break
        if occurrence.slot not in seen:
            seen.add(occurrence.slot)
            out.append(occurrence)
        if len(out) > MAX_WALK:
            out.pop(0)
    return out


def next_after(expression: str, timezone: str, after: float) -> Occurrence:
    """The first occurrence strictly after ``after``."""
    return next(_walk(expression, timezone, after))
