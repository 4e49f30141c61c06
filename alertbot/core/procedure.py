"""The district's procedure as a checklist, the encounter log's fields, and retention.
Pure: frozen values and functions of them (issue 12, decision 0030).

The steps come from ``incidents.<type>.procedure`` in escalation.yaml; the sample
config carries the district letter's steps A-H (../shared/district-letter.txt). A step
is completed in the console by someone with one of its ``roles`` (or an admin,
core/who.py); completing a step never pages anyone.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from alertbot.core.lengths import Problem, too_long


class FieldKind(StrEnum):
    """What a step's field holds: free ``text`` (purged by retention), a ``time`` of day
    as ``HH:MM`` (24 h, the district's time zone), a ``number``, or one of ``options``."""

    TEXT = "text"
    TIME = "time"
    NUMBER = "number"
    CHOICE = "choice"


@dataclass(frozen=True)
class StepField:
    """A field of a step. ``options``: a choice's ids (the values stored and sent by the
    API); ``option_titles``: id -> {language: title} for the options that have titles
    (``options: [{id: declined, title: {en: Entry declined, es: ...}}]``)."""

    name: str
    kind: FieldKind
    labels: Mapping[str, str] = field(default_factory=dict)  # per language; "" -> name
    options: tuple[str, ...] = ()  # a choice's values
    option_titles: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def label(self, language: str) -> str:
        return self.labels.get(language) or self.labels.get("en") or self.name

    def option_title(self, value: str, language: str) -> str:
        """What people read for option ``value``: its title in ``language``, else in
        English, else the id itself (a bare-string option, or a value an older config
        allowed)."""
        titles = self.option_titles.get(value) or {}
        return titles.get(language) or titles.get("en") or value


@dataclass(frozen=True)
class ProcedureStep:
    """One step of an incident type's procedure.

    ``roles``: contact roles or ids who may complete it (admins always may);
    ``due``: seconds after the incident opened by which it should be done (None: no
    due time; shown in the console, never paged).
    """

    id: str
    titles: Mapping[str, str]
    roles: tuple[str, ...]
    fields: tuple[StepField, ...] = ()
    due: float | None = None

    def title(self, language: str) -> str:
        return self.titles.get(language) or self.titles["en"]

    def due_at(self, opened_at: float) -> float | None:
        """When this step is due (epoch seconds) for an incident opened at ``opened_at``."""
        return None if self.due is None else opened_at + self.due

    def label(self, position: int) -> str:
        """How a text names the step without its title: the letter its title starts with
        (``B. Designees go...`` -> ``B``, the district letter's steps A-H), else its
        position from 1. Titles stay behind sign-in (DESIGN rule 4)."""
        match = _LETTERED.match(self.titles.get("en", ""))
        return match.group(1) if match else str(position + 1)


_LETTERED = re.compile(r"^([A-Z])[.)]\s")
MAX_DUE = 7 * 86400.0  # seconds: a step due later than a week after opening is a typo


def reminder_key(incident_id: int, step_id: str) -> str:
    """The key of a step's one reminder in ``procedure_reminders`` (store/records.py's
    ``claim_reminder``): ``step:<incident>:<step id>``, at most 80 characters."""
    return f"step:{incident_id}:{step_id}"


@dataclass(frozen=True)
class DueStep:
    """A step of an open incident whose due time has come and is not done: ``position``
    from 0 in the procedure, ``due_at`` epoch seconds."""

    step: ProcedureStep
    position: int
    due_at: float


def steps_to_remind(steps: Sequence[ProcedureStep], incident_id: int, opened_at: float,
                    done: Collection[str], reminded: Collection[str], now: float
                    ) -> tuple[list[DueStep], float | None]:
    """The steps with a ``due`` that are due at ``now`` (``due_at <= now``), not in
    ``done`` (step ids) and not yet reminded (``reminded``: keys, ``reminder_key``); and
    the earliest later due time of the others still to remind (None: none). The caller
    checks the incident is open: a resolved incident is never reminded."""
    due: list[DueStep] = []
    later: float | None = None
    for position, step in enumerate(steps):
        at = step.due_at(opened_at)
        if at is None or step.id in done or reminder_key(incident_id, step.id) in reminded:
            continue
        if at <= now:
            due.append(DueStep(step, position, at))
        elif later is None or at < later:
            later = at
    return due, later


@dataclass(frozen=True)
class Retention:
    """``retention:`` in escalation.yaml. ``free_text_days``: days after an incident is
    resolved after which its free text is purged (None: kept). Timings and counts stay."""

    free_text_days: int | None = None

    @property
    def seconds(self) -> float | None:
        return None if self.free_text_days is None else self.free_text_days * 86400.0


@dataclass(frozen=True)
class StepDone:
    """A completed step as stored: who (contact id and name), when (epoch seconds), the
    note (free text, up to ``NOTE_MAX`` characters) and the field values (as typed)."""

    step_id: str
    done_by: str
    done_by_name: str
    done_at: float
    note: str = ""
    values: Mapping[str, str] = field(default_factory=dict)


NOTE_MAX = 1000  # characters of a step's note or one text field
VALUE_MAX = 200  # characters of a field value other than text


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    latest_by: str | None  # the name of whoever completed the latest done step


def progress(steps: Sequence[ProcedureStep], done: Mapping[str, StepDone]) -> Progress:
    """How many of ``steps`` are done (entries of ``done`` naming other steps, from an
    older config, are not counted) and who completed the latest."""
    ids = {s.id for s in steps}
    mine = [d for k, d in done.items() if k in ids]
    latest = max(mine, key=lambda d: d.done_at, default=None)
    return Progress(len(mine), len(steps), latest.done_by_name if latest else None)


def clean_values(step: ProcedureStep, raw: Mapping[str, str]) -> tuple[dict[str, str],
                                                                        list[Problem]]:
    """The step's field values from a form, and the problems (English words, or a
    ``TooLong`` naming the field and its config labels, for a 400).

    Only the step's fields are read; empty ones are left out. ``time``: ``H:MM`` or
    ``HH:MM`` (24 h); ``number``: a whole number 0-9999; ``choice``: one of its options;
    ``text``: at most ``NOTE_MAX`` characters (blanks collapsed), never cut.
    """
    out: dict[str, str] = {}
    problems: list[Problem] = []
    for f in step.fields:
        value = " ".join(str(raw.get(f.name, "")).split())
        if not value:
            continue
        problem = value_problem(f.kind, value, f.options)
        if problem:
            problems.append(f"{f.name}: {problem}")
            continue
        longer = too_long(f.name, value, NOTE_MAX if f.kind is FieldKind.TEXT else VALUE_MAX,
                          f.labels or {"en": f.name})
        if longer:
            problems.append(longer)
        else:
            out[f.name] = value
    return out, problems


def value_problem(kind: FieldKind, value: str, options: Sequence[str] = ()) -> str | None:
    """Why ``value`` is not a valid ``kind`` (None when it is)."""
    if kind is FieldKind.TIME:
        hours, sep, minutes = value.partition(":")
        if not (sep and hours.isdigit() and minutes.isdigit() and len(minutes) == 2
                and int(hours) < 24 and int(minutes) < 60):
            return "a time is HH:MM (24 h)"
    elif kind is FieldKind.NUMBER:
        if not (value.isascii() and value.isdigit() and len(value) <= 4):
            return "a whole number from 0 to 9999"
    elif kind is FieldKind.CHOICE and value not in options:
        return "one of " + ", ".join(options)
    return None
