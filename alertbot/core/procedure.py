"""The district's procedure as a checklist, the encounter log's fields, and retention.
Pure: frozen values and functions of them (issue 12, decision 0030).

The steps come from ``incidents.<type>.procedure`` in escalation.yaml; the sample
config carries the district letter's steps A-H (../shared/district-letter.txt). A step
is completed in the console by someone with one of its ``roles`` (or an admin,
core/who.py); completing a step never pages anyone.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum


class FieldKind(StrEnum):
    """What a step's field holds: free ``text`` (purged by retention), a ``time`` of day
    as ``HH:MM`` (24 h, the district's time zone), a ``number``, or one of ``options``."""

    TEXT = "text"
    TIME = "time"
    NUMBER = "number"
    CHOICE = "choice"


@dataclass(frozen=True)
class StepField:
    name: str
    kind: FieldKind
    labels: Mapping[str, str] = field(default_factory=dict)  # per language; "" -> name
    options: tuple[str, ...] = ()  # a choice's values

    def label(self, language: str) -> str:
        return self.labels.get(language) or self.labels.get("en") or self.name


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
                                                                        list[str]]:
    """The step's field values from a form, and the problems (English, for a 400).

    Only the step's fields are read; empty ones are left out. ``time``: ``H:MM`` or
    ``HH:MM`` (24 h); ``number``: a whole number 0-9999; ``choice``: one of its options.
    """
    out: dict[str, str] = {}
    problems: list[str] = []
    for f in step.fields:
        value = " ".join(str(raw.get(f.name, "")).split())
        if not value:
            continue
        problem = value_problem(f.kind, value, f.options)
        if problem:
            problems.append(f"{f.name}: {problem}")
        else:
            out[f.name] = value[:NOTE_MAX if f.kind is FieldKind.TEXT else VALUE_MAX]
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
