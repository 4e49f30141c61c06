"""A day and time as a person reads it, per language (the words live in text/)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

ES_DAYS = ("lun", "mar", "mié", "jue", "vie", "sáb", "dom")  # Monday first, as weekday()


def day_time(epoch: float, timezone: str, language: str) -> str:
    """``Fri 12/04 17:00`` in the district's time zone (as ``clock.local_day_time``); in
    Spanish ``vie 04/12 17:00`` (day before month, as Spanish dates are written)."""
    at = datetime.fromtimestamp(epoch, ZoneInfo(timezone))
    if language != "es":
        return at.strftime("%a %m/%d %H:%M")
    return f"{ES_DAYS[at.weekday()]} {at.strftime('%d/%m %H:%M')}"
