"""Durations as written in escalation.yaml: a bare number is seconds, or ``1h30m``."""

from __future__ import annotations

import math
import re

# The longest duration a config may set, in seconds: 7 days (168h), for a step's `wait`,
# a contact's `channel_delay` and any duration parse_duration reads.
# Why 7 days: the ICE-visit procedure escalates in minutes; GoAlert's longest step delay
# is 9000 minutes (6 1/4 days), so nothing a paging tool needs is longer, while a
# weekly drill reminder still fits. Anything longer is a typo (`1000000000h`), and a
# ceiling keeps every due time (now + a few rounds of waits) a finite number that
# SQLite, PostgreSQL, datetime and `alertbot plan` can hold and print.
MAX_DURATION = 7 * 24 * 3600.0

_PART = re.compile(r"(\d+(?:\.\d+)?)(h|m|s)")
_UNITS = {"h": 3600.0, "m": 60.0, "s": 1.0}


def parse_duration(value: object) -> float:
    """Seconds in ``value``, finite and from 0 to ``MAX_DURATION`` (7 days).

    ``value``: a number of seconds (int or float, as YAML reads it) or a string: bare
    seconds (``"90"``) or ``h``/``m``/``s`` parts in that order (``"1h30m"``, ``"2.5m"``).
    Raises ValueError with a message fit for a config error: not a duration, negative,
    not finite (YAML ``.nan``, ``.inf``: no wait at all), or over the ceiling.
    """
    if isinstance(value, bool):
        raise ValueError(f"not a duration: {value!r} (use e.g. 30s, 3m, 1h30m)")
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"duration must be a finite number of seconds: {value!r}")
        if value < 0:
            raise ValueError(f"duration must not be negative: {value!r}")
        # Compared before float(): an int of 400 digits is too long, not an OverflowError.
        return _at_most_max(float(value) if value <= MAX_DURATION else math.inf, value)
    if not isinstance(value, str):
        raise ValueError(f"not a duration: {value!r} (use e.g. 30s, 3m, 1h30m)")
    text = value.strip().lower()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return _at_most_max(float(text), value)
    pos = 0
    total = 0.0
    seen: set[str] = set()
    for match in _PART.finditer(text):
        if match.start() != pos or match.group(2) in seen:
            break
        seen.add(match.group(2))
        total += float(match.group(1)) * _UNITS[match.group(2)]
        pos = match.end()
    if pos != len(text) or not text:
        raise ValueError(f"not a duration: {value!r} (use e.g. 30s, 3m, 1h30m)")
    return _at_most_max(total, value)


def _at_most_max(seconds: float, value: object) -> float:
    # Digits too many for a float read as inf: too long as well.
    if not seconds <= MAX_DURATION:
        raise ValueError(f"duration must be at most {format_duration(MAX_DURATION)} "
                         f"(7 days): {value!r}")
    return seconds


def format_duration(seconds: float) -> str:
    """``3m``, ``1h30m``, ``45s``: the inverse of parse_duration for whole seconds."""
    whole = round(seconds)
    if whole == 0:
        return "0s"
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    out = ""
    if hours:
        out += f"{hours}h"
    if minutes:
        out += f"{minutes}m"
    if secs:
        out += f"{secs}s"
    return out
