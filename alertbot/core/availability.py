"""Who is away, pure: reading ``AWAY [when]`` and choosing whom a step pages (issue 14).

Reading (``read_away``; ``service.availability.away_end`` puts it on the calendar, in
the district's time zone):

    AWAY                    until BACK, at most ``MAX_AWAY`` (30 days)
    AWAY 3d / 12h / 2w / 90m    for that long (``d`` days, ``h`` hours, ``w`` weeks,
                            ``m`` minutes; ``days``/``hours``… spelled out too)
    AWAY until friday       back on the next Friday (never today), from 00:00
    AWAY until tomorrow     back tomorrow from 00:00
    AWAY until 12/24        back on that date (month/day, optional /year), from 00:00
    AWAY friday             refused as ambiguous (``AMBIGUOUS``): "away Friday" may mean
                            away on Friday or back on Friday, and an AWAY has only an
                            end; the reply says how to write either (new-user trial 3:
                            "ausente el viernes" reads as "absent on Friday")
    AWAY for 3 days         ``for`` before a duration is allowed
    Spanish reads the same (``AUSENTE mañana``, ``hasta el viernes``, ``lunes``,
    ``pasado mañana``, ``por 3 días``), with or without accents, in any case; a Spanish
    speaker's date is day/month (``hasta el 24/12``: ``day_first``). A date that can only
    be read one way (``24/12`` in English, ``12/24`` in Spanish) is read that way.

Longer than ``MAX_AWAY`` or a date already past is refused (``AwayProblem``) with
a reply that says why; so is anything unreadable. Thirty days bounds a forgotten AWAY:
a responder who never texts BACK is paged again within a month (decision 0040).

Choosing (``choose``): a step's recipients minus the away ones; an away person with a
``backup`` who is not away is replaced by the backup; if that leaves nobody, everyone
of the step is paged anyway and ``all_away`` tells the caller to tell the admins.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from alertbot.core.plan import PlanStep, Recipient

MAX_AWAY = 30 * 86400.0  # seconds: the longest AWAY (decision 0040)

_UNITS = {"m": 60.0, "min": 60.0, "mins": 60.0, "minute": 60.0, "minutes": 60.0,
          "h": 3600.0, "hr": 3600.0, "hrs": 3600.0, "hour": 3600.0, "hours": 3600.0,
          "d": 86400.0, "day": 86400.0, "days": 86400.0, "dia": 86400.0, "dias": 86400.0,
          "w": 604800.0, "wk": 604800.0, "week": 604800.0, "weeks": 604800.0,
          # Spanish (AUSENTE 3 días, decision 0047); accents are dropped before the lookup
          "minuto": 60.0, "minutos": 60.0, "hora": 3600.0, "horas": 3600.0,
          "semana": 604800.0, "semanas": 604800.0}
_DURATION = re.compile(r"(\d{1,4})\s*([a-z]+)")
_DATE = re.compile(r"(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?")
_WEEKDAYS = {
    **{name: i for i, names in enumerate((
        ("monday", "mon", "lunes"), ("tuesday", "tue", "tues", "martes"),
        ("wednesday", "wed", "miercoles", "miércoles"), ("thursday", "thu", "thur", "thurs",
                                                         "jueves"),
        ("friday", "fri", "viernes"), ("saturday", "sat", "sabado", "sábado"),
        ("sunday", "sun", "domingo"))) for name in names},
}
_UNTIL = frozenset({"until", "till", "til", "hasta", "to"})
# Days from today a day word names (accents dropped, lower case): "tomorrow", "mañana".
_DAYS_AHEAD = {"tomorrow": 1, "tmrw": 1, "tmr": 1, "manana": 1,
               "day after tomorrow": 2, "pasado manana": 2}
_FOR = frozenset({"for", "por", "durante"})  # "AWAY for 3 days", "AUSENTE por 3 días"
_ARTICLES = frozenset({"el", "the", "on", "this", "este"})  # "hasta el viernes"


class AwayProblem(StrEnum):
    UNREADABLE = "unreadable"  # not a duration, weekday or date we know
    TOO_LONG = "too_long"  # beyond MAX_AWAY
    PAST = "past"  # a date that has already passed (or is today)
    AMBIGUOUS = "ambiguous"  # a day or date with no "until": away on it, or back on it?


@dataclass(frozen=True)
class AwayFor:
    """``AWAY`` (``seconds`` None: until BACK, at most ``MAX_AWAY``) or ``AWAY 3d``."""

    seconds: float | None = None


@dataclass(frozen=True)
class AwayUntilDay:
    """``AWAY until friday`` (``weekday`` 0 = Monday), ``AWAY until 12/24[/2026]`` or
    ``AWAY tomorrow`` (``days_ahead`` 1): back on that day from 00:00 in the district's
    time zone. Turned into a time by ``service.availability.away_end`` (the calendar is
    not pure: core has no datetime)."""

    days_ahead: int | None = None
    weekday: int | None = None
    month: int | None = None
    day: int | None = None
    year: int | None = None


AwayAsk = AwayFor | AwayUntilDay


def _unaccented(text: str) -> str:
    """``text`` without accents ("días" -> "dias", "miércoles" -> "miercoles")."""
    return "".join(c for c in unicodedata.normalize("NFKD", text)
                   if not unicodedata.combining(c))


def read_away(spec: str, day_first: bool = False) -> AwayAsk | AwayProblem:
    """What ``AWAY <spec>`` asks for (see the module docstring), or why it cannot be.
    ``day_first``: a date ``5/1`` is the 5th of January (a Spanish speaker's order)."""
    text = " ".join(_unaccented(spec).strip().lower().rstrip(".!").split())
    if not text:
        return AwayFor()
    words = text.split()
    if words[0] in _FOR and len(words) > 1 and words[1][0].isdigit():
        words = words[1:]
    text = " ".join(words)
    duration = _DURATION.fullmatch(text.replace(" ", "") if text[0].isdigit() else "")
    if duration and duration.group(2) in _UNITS:
        seconds = int(duration.group(1)) * _UNITS[duration.group(2)]
        if seconds <= 0:
            return AwayProblem.UNREADABLE
        return AwayFor(seconds) if seconds <= MAX_AWAY else AwayProblem.TOO_LONG
    until = words[0] in _UNTIL
    if until:
        words = words[1:]
    if words and words[0] in _ARTICLES:  # "hasta el viernes", "until the 24th"
        words = words[1:]
    found = _read_day(words, day_first)
    if until or isinstance(found, AwayProblem):
        return found
    return AwayProblem.AMBIGUOUS


def _read_day(words: list[str], day_first: bool) -> AwayUntilDay | AwayProblem:
    """The day ``words`` name (a day word, a weekday or a date), after any "until"."""
    phrase = " ".join(w.rstrip(",") for w in words)
    if phrase in _DAYS_AHEAD:
        return AwayUntilDay(days_ahead=_DAYS_AHEAD[phrase])
    if len(words) != 1:
        return AwayProblem.UNREADABLE
    word = phrase
    if word in _WEEKDAYS:
        return AwayUntilDay(weekday=_WEEKDAYS[word])
    found = _DATE.fullmatch(word)
    if found is None:
        return AwayProblem.UNREADABLE
    first, second = int(found.group(1)), int(found.group(2))
    month, day = (second, first) if day_first else (first, second)
    if month > 12 >= day:  # only one way to read it: "24/12" is the 24th of December
        month, day = day, month
    year = found.group(3)
    return AwayUntilDay(month=month, day=day,
                        year=None if year is None else int(year) + (
                            2000 if len(year) == 2 else 0))


def reads_as_when(spec: str) -> bool:
    """Whether ``spec`` reads as an AWAY's end (a duration, a day word or a date), so
    that ``AWAY friday`` or ``AUSENTE mañana`` is the command and not a reporter's words.
    Used by ``commands.parse_sms``."""
    found = read_away(spec)
    return not isinstance(found, AwayProblem) or found is AwayProblem.AMBIGUOUS


def check_end(until: float, now: float) -> float | AwayProblem:
    """``until`` if it is a fit end for an AWAY sent at ``now``: later, at most
    ``MAX_AWAY`` on."""
    if until <= now:
        return AwayProblem.PAST
    return until if until - now <= MAX_AWAY else AwayProblem.TOO_LONG


def is_away(away: Mapping[str, float], contact_id: str, now: float) -> bool:
    """Whether ``contact_id`` is away at ``now`` (``away``: contact id -> end, epoch s)."""
    until = away.get(contact_id)
    return until is not None and until > now


@dataclass(frozen=True)
class AwayNote:
    """Why an away person was not paged, or was: for the timeline (names, no facts).

    ``backup``: the name of who was paged instead (None: nobody instead);
    ``paged_anyway``: the whole step was away, so they were paged all the same."""

    contact_id: str
    name: str
    until: float
    backup: str | None = None
    paged_anyway: bool = False


@dataclass(frozen=True)
class StepChoice:
    recipients: tuple[Recipient, ...]
    notes: tuple[AwayNote, ...] = ()
    all_away: bool = False  # nobody present: paged the away ones anyway; tell the admins


def choose(step: PlanStep, away: Mapping[str, float], now: float) -> StepChoice:
    """Whom ``step`` pages at ``now`` given who is ``away`` (see the module docstring).

    A backup already paged in the step (in their own right or for someone else) is
    paged once; an away person's note says so."""
    if not any(is_away(away, r.contact_id, now) for r in step.recipients):
        return StepChoice(step.recipients)
    chosen: dict[str, Recipient] = {}
    notes: list[AwayNote] = []
    present = {r.contact_id for r in step.recipients if not is_away(away, r.contact_id, now)}
    for r in step.recipients:
        if r.contact_id in present:
            chosen.setdefault(r.contact_id, r)
            continue
        until = away[r.contact_id]
        backup = r.backup
        if backup is not None and not is_away(away, backup.contact_id, now):
            chosen.setdefault(backup.contact_id, backup)
            notes.append(AwayNote(r.contact_id, r.name, until, backup.name))
        else:
            notes.append(AwayNote(r.contact_id, r.name, until))
    if chosen or not step.recipients:
        return StepChoice(tuple(chosen.values()), tuple(notes))
    anyway = tuple(AwayNote(n.contact_id, n.name, n.until, paged_anyway=True) for n in notes)
    return StepChoice(step.recipients, anyway, all_away=True)
