"""Shared by the config loaders: reading YAML, validating a piece, phone numbers."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import phonenumbers
from pydantic import BaseModel, ValidationError

from alertbot.config.yamlmap import LoadedYaml, Problem, load_yaml
from alertbot.config.yamlmap import Path as YPath

M = TypeVar("M", bound=BaseModel)


# What a pattern means, for people who do not read regular expressions.
_PATTERN_HINTS = {
    "id": "use only letters, digits, '-' and '_'",
    "code": "a school code is 1 to 8 digits",
    "slack": "a Slack member id looks like U0123ABCD",
    "keyword": "a keyword is one word of 2 to 20 letters or digits",
    "slash_command": "a slash command is '/' then up to 31 lowercase letters, digits, '-', '_'",
    "pin": "a PIN is 4 to 8 digits",
}


def pydantic_message(error: Any) -> str:
    msg = str(error["msg"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if error["type"] == "extra_forbidden":
        return "unknown key"
    if error["type"] == "missing":
        return "required key is missing"
    if error["type"] == "model_type":  # not "... or instance of SchoolModel"
        return "must be a mapping of keys and values"
    if error["type"] == "string_pattern_mismatch" and error["loc"]:
        hint = _PATTERN_HINTS.get(str(error["loc"][-1]))
        if hint:
            return f"not valid: '{error['input']}' ({hint})"
    return msg


def validate_piece(model: type[M], doc: LoadedYaml, data: Any, path: YPath,
              problems: list[Problem]) -> M | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and "[" in p))
            problems.append(doc.problem((*path, *loc), pydantic_message(error)))
        return None


def normalise_phone(raw: str) -> str | None:
    """E.164 form of ``raw`` (region US), or None if it is not a valid number."""
    try:
        parsed = phonenumbers.parse(raw, "US")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def read_yaml_file(path: Path, problems: list[Problem]) -> LoadedYaml | None:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        problems.append(Problem(str(path), 1, "(file)", f"cannot read: {exc.strerror or exc}"))
        return None
    except UnicodeDecodeError:
        problems.append(Problem(str(path), 1, "(file)", "not UTF-8 text"))
        return None
    doc = load_yaml(str(path), text)
    problems.extend(doc.problems)
    return doc if doc.data is not None or not doc.problems else None
