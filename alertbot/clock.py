"""Time, injected: the engine and receiver never read the wall clock directly."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    def now(self) -> float: ...


class SystemClock:
    def now(self) -> float:
        return time.time()


class FakeClock:
    """A clock tests move by hand: ``clock.advance(180)`` is three minutes later."""

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self._now = start

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += seconds


def local_time(epoch: float, timezone: str) -> str:
    """``08:14`` in the district's time zone."""
    return datetime.fromtimestamp(epoch, ZoneInfo(timezone)).strftime("%H:%M")


def local_day_time(epoch: float, timezone: str) -> str:
    """``Fri 12/04 17:00`` in the district's time zone (timelines, ``alertbot plan``)."""
    return datetime.fromtimestamp(epoch, ZoneInfo(timezone)).strftime("%a %m/%d %H:%M")


def local_date(epoch: float, timezone: str) -> str:
    """``2026-10-02`` in the district's time zone."""
    return datetime.fromtimestamp(epoch, ZoneInfo(timezone)).strftime("%Y-%m-%d")


def iso(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch).astimezone(ZoneInfo("UTC")).isoformat(
        timespec="milliseconds").replace("+00:00", "Z")
