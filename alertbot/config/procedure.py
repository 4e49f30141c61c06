"""``incidents.<type>.procedure`` and ``retention`` in escalation.yaml (issue 12).

Strict like the rest of the config: every problem names the file, the line and the
dotted path, e.g. ``escalation.yaml:31: incidents.ice.procedure[2].roles[0]: no contact
or role 'nurse'``. One bad step does not hide the problems of the next.

    procedure:
      - id: meet_agents
        title: {en: "Meet the agents; ask their reason and authority", es: "..."}
        roles: [staff_attorney, security_director]
        due: 30m                      # optional: after the incident opened
        fields:                       # optional
          - {name: arrived_at, kind: time, label: {en: "Agents arrived", es: "..."}}
          - {name: outcome, kind: choice, options: [declined, warrant, left]}
          - name: outcome2             # or options with a title per language (en needed)
            kind: choice
            options:
              - {id: declined, title: {en: "Entry declined", es: "Entrada denegada"}}
              - left                   # a bare id still works: shown as written

    retention:
      free_text_days: 365             # free text purged this many days after resolve
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Literal

from pydantic import Field, field_validator

from alertbot.config.common import validate_piece
from alertbot.config.schema import LanguageName, Strict
from alertbot.config.yamlmap import LoadedYaml, Problem
from alertbot.config.yamlmap import Path as YPath
from alertbot.core.durations import parse_duration
from alertbot.core.procedure import MAX_DUE, FieldKind, ProcedureStep, Retention, StepField

MAX_RETENTION_DAYS = 36500  # 100 years: a larger number is a typo


class OptionModel(Strict):
    """A choice option with titles: ``{id: declined, title: {en: ..., es: ...}}``."""

    id: str = Field(min_length=1, max_length=64)
    title: dict[LanguageName, str]

    @field_validator("title")
    @classmethod
    def _title(cls, value: dict[str, str]) -> dict[str, str]:
        if "en" not in value:
            raise ValueError("an option's title needs at least 'en'")
        if any(not text.strip() for text in value.values()):
            raise ValueError("the title must not be empty")
        return value


class FieldModel(Strict):
    name: str
    kind: Literal["text", "time", "number", "choice"]
    label: dict[LanguageName, str] = Field(default_factory=dict)
    options: list[Any] = Field(default_factory=list)  # ids, or OptionModel mappings

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z][a-z0-9_]{0,39}", value):
            raise ValueError(f"not valid: '{value}' (a field name is a lowercase letter, "
                             "then up to 39 lowercase letters, digits or '_')")
        return value


class ProcedureStepModel(Strict):
    # At most 64: store/schema.py's procedure_steps.step_id.
    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")
    title: dict[LanguageName, str]
    roles: list[str]
    fields: list[Any] = Field(default_factory=list)
    due: float | None = None

    @field_validator("title")
    @classmethod
    def _title(cls, value: dict[str, str]) -> dict[str, str]:
        if "en" not in value:
            raise ValueError("a step title needs at least 'en'")
        if any(not text.strip() for text in value.values()):
            raise ValueError("the title must not be empty")
        return value

    @field_validator("roles")
    @classmethod
    def _roles(cls, value: list[str]) -> list[str]:
        if not value:
            raise ValueError("name at least one role (or contact id) who may complete it")
        return value

    @field_validator("due", mode="before")
    @classmethod
    def _due(cls, value: object) -> float | None:
        if value is None:
            return None
        seconds = parse_duration(value)  # refuses negative, and over 7 days
        if not 0 < seconds <= MAX_DUE:
            raise ValueError(f"a step's due must be more than 0 and at most 7 days after "
                             f"the incident opens, not {value!r}")
        return seconds


class RetentionModel(Strict):
    free_text_days: int | None = None

    @field_validator("free_text_days", mode="before")
    @classmethod
    def _days(cls, value: object) -> object:
        if value is None or (type(value) is int and 1 <= value <= MAX_RETENTION_DAYS):
            return value
        raise ValueError(f"free_text_days must be a whole number of days from 1 to "
                         f"{MAX_RETENTION_DAYS}, not {value!r}")


def load_procedure(doc: LoadedYaml, raw: list[Any], path: YPath,
                   check_target: Callable[[str, YPath], None],
                   problems: list[Problem]) -> tuple[ProcedureStep, ...]:
    """The steps of one incident type's ``procedure`` (those that are valid).

    ``check_target(role, path)`` reports a role or contact id nobody has (the loader's
    rule for ``notify``, so both read alike)."""
    steps: list[ProcedureStep] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(raw):
        spath: YPath = (*path, index)
        model = validate_piece(ProcedureStepModel, doc, item, spath, problems)
        if model is None:
            continue
        if model.id in seen:
            problems.append(doc.problem((*spath, "id"), f"step id '{model.id}' is already "
                                                        f"used by procedure[{seen[model.id]}]"))
            continue
        seen[model.id] = index
        for rindex, role in enumerate(model.roles):
            check_target(role, (*spath, "roles", rindex))
        fields = _fields(doc, model.fields, (*spath, "fields"), problems)
        titles = {str(k): v for k, v in model.title.items()}
        steps.append(ProcedureStep(model.id, titles, tuple(model.roles), fields, model.due))
    return tuple(steps)


def _fields(doc: LoadedYaml, raw: list[Any], path: YPath,
            problems: list[Problem]) -> tuple[StepField, ...]:
    out: list[StepField] = []
    names: dict[str, int] = {}
    for index, item in enumerate(raw):
        fpath: YPath = (*path, index)
        model = validate_piece(FieldModel, doc, item, fpath, problems)
        if model is None:
            continue
        if model.name in names:
            problems.append(doc.problem((*fpath, "name"), f"field '{model.name}' is already "
                                                          f"used by fields[{names[model.name]}]"))
            continue
        names[model.name] = index
        kind = FieldKind(model.kind)
        if kind is FieldKind.CHOICE and not model.options:
            problems.append(doc.problem((*fpath, "options"), "a choice field needs options"))
            continue
        if kind is not FieldKind.CHOICE and model.options:
            problems.append(doc.problem((*fpath, "options"), "only a choice field has options"))
            continue
        options = _options(doc, model.options, (*fpath, "options"), problems)
        if options is None:
            continue
        labels = {str(k): v for k, v in model.label.items()}
        out.append(StepField(model.name, kind, labels, tuple(options), {
            o.id: {str(k): v for k, v in o.title.items()} for o in options.values()
            if o is not None}))
    return tuple(out)


def _options(doc: LoadedYaml, raw: list[Any], path: YPath, problems: list[Problem]
             ) -> dict[str, OptionModel | None] | None:
    """A choice's options by id, in order (None for a bare id), or None when one is
    wrong (each problem reported: an id used twice, a title without 'en'...)."""
    out: dict[str, OptionModel | None] = {}
    seen: dict[str, int] = {}
    ok = True
    for index, item in enumerate(raw):
        opath: YPath = (*path, index)
        if isinstance(item, str):
            option, oid = None, item
            if not item.strip():
                problems.append(doc.problem(opath, "an option id must not be empty"))
                ok = False
                continue
        else:
            option = validate_piece(OptionModel, doc, item, opath, problems)
            if option is None:
                ok = False
                continue
            oid = option.id
            opath = (*opath, "id")
        if oid in seen:
            problems.append(doc.problem(opath, f"option '{oid}' is already used by "
                                               f"options[{seen[oid]}]"))
            ok = False
            continue
        seen[oid] = index
        out[oid] = option
    return out if ok else None


def load_retention(doc: LoadedYaml, raw: Any, problems: list[Problem]) -> Retention:
    """``retention:`` (absent: nothing is purged)."""
    if raw is None:
        return Retention()
    model = validate_piece(RetentionModel, doc, raw, ("retention",), problems)
    return Retention() if model is None else Retention(model.free_text_days)
