"""parse_duration / format_duration: the durations written in escalation.yaml."""

from __future__ import annotations

import math

import pytest

from alertbot.core import durations
from alertbot.core.durations import format_duration, parse_duration

PARSE_OK: list[tuple[object, float]] = [
    (0, 0.0),
    (45, 45.0),
    (2.5, 2.5),
    ("90", 90.0),
    ("1.5", 1.5),
    ("20s", 20.0),
    ("3m", 180.0),
    ("1h", 3600.0),
    ("1h30m", 5400.0),
    ("1h0m5s", 3605.0),
    ("2m30s", 150.0),
    ("1.5m", 90.0),
    ("3M", 180.0),  # case-insensitive
    (" 20s ", 20.0),  # surrounding blanks ignored
    ("0s", 0.0),
    ("168h", 604800.0),  # the ceiling itself
    (604800, 604800.0),
    ("167h59m59.5s", 604799.5),
]

PARSE_BAD: list[tuple[object, str]] = [
    ("", "not a duration: '' (use e.g. 30s, 3m, 1h30m)"),
    ("m", "not a duration: 'm' (use e.g. 30s, 3m, 1h30m)"),
    ("3 minutes", "not a duration: '3 minutes' (use e.g. 30s, 3m, 1h30m)"),
    ("3 m", "not a duration: '3 m' (use e.g. 30s, 3m, 1h30m)"),
    ("1h 30m", "not a duration: '1h 30m' (use e.g. 30s, 3m, 1h30m)"),
    ("3m3m", "not a duration: '3m3m' (use e.g. 30s, 3m, 1h30m)"),  # a unit twice
    ("5x", "not a duration: '5x' (use e.g. 30s, 3m, 1h30m)"),
    ("1d", "not a duration: '1d' (use e.g. 30s, 3m, 1h30m)"),
    ("-5", "not a duration: '-5' (use e.g. 30s, 3m, 1h30m)"),
    ("-5m", "not a duration: '-5m' (use e.g. 30s, 3m, 1h30m)"),
    (-5, "duration must not be negative: -5"),
    (-0.5, "duration must not be negative: -0.5"),
    (True, "not a duration: True (use e.g. 30s, 3m, 1h30m)"),  # YAML `yes`
    (None, "not a duration: None (use e.g. 30s, 3m, 1h30m)"),
    ([3], "not a duration: [3] (use e.g. 30s, 3m, 1h30m)"),
    # Not finite (YAML `.nan`, `.inf`, `-.inf`, `1.0e+400`): no wait at all (issue 9).
    (math.nan, "duration must be a finite number of seconds: nan"),
    (math.inf, "duration must be a finite number of seconds: inf"),
    (-math.inf, "duration must be a finite number of seconds: -inf"),
    # Over the ceiling (7 days), however it is written.
    ("1000000000h", "duration must be at most 168h (7 days): '1000000000h'"),
    ("168h0m1s", "duration must be at most 168h (7 days): '168h0m1s'"),
    ("604800.5", "duration must be at most 168h (7 days): '604800.5'"),
    (604801, "duration must be at most 168h (7 days): 604801"),
    (604800.5, "duration must be at most 168h (7 days): 604800.5"),
]

FORMAT: list[tuple[float, str]] = [
    (0, "0s"),
    (0.4, "0s"),
    (45, "45s"),
    (59.6, "1m"),
    (60, "1m"),
    (180, "3m"),
    (3600, "1h"),
    (5400, "1h30m"),
    (3605, "1h5s"),
    (5405, "1h30m5s"),
    (90000, "25h"),
]


@pytest.mark.parametrize(("value", "seconds"), PARSE_OK)
def test_parse(value: object, seconds: float) -> None:
    assert parse_duration(value) == seconds


@pytest.mark.parametrize(("value", "message"), PARSE_BAD)
def test_parse_rejects_with_message(value: object, message: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_duration(value)
    assert str(info.value) == message


def test_a_number_too_big_for_a_float_is_too_long_not_an_overflow() -> None:
    """YAML reads 400 digits as an int that float() cannot hold (OverflowError crashed
    ``alertbot check``); 400 digits in a string became ``inf`` seconds."""
    with pytest.raises(ValueError, match=r"^duration must be at most 168h \(7 days\): 9{400}$"):
        parse_duration(int("9" * 400))
    with pytest.raises(ValueError, match=r"^duration must be at most 168h \(7 days\): '9{400}h'$"):
        parse_duration("9" * 400 + "h")


def test_every_duration_is_finite_and_at_most_the_ceiling() -> None:
    """Whatever parse_duration returns can be added to a clock and printed by ``plan``."""
    ceiling = durations.MAX_DURATION
    assert ceiling == 7 * 24 * 3600
    for value, _ in PARSE_OK:
        seconds = parse_duration(value)
        assert math.isfinite(seconds) and 0 <= seconds <= ceiling
        assert format_duration(seconds)


@pytest.mark.parametrize(("seconds", "text"), FORMAT)
def test_format(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


@pytest.mark.parametrize("seconds", [0, 1, 59, 60, 61, 180, 3599, 3600, 3661, 5400, 86400])
def test_format_then_parse_round_trips(seconds: int) -> None:
    assert parse_duration(format_duration(seconds)) == seconds
