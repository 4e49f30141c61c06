"""Shared by the config loaders: reading YAML, validating a piece, phone numbers."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import phonenumbers
from pydantic import BaseModel, ValidationError

from alertbot.config.yamlmap import LoadedYaml, Problem, load_yaml
from alertbot.config.yamlmap import Path as YPath
from alertbot.core.durations import format_duration

M = TypeVar("M", bound=BaseModel)


# What a pattern means, for people who do not read regular expressions.
_PATTERN_HINTS = {
    "id": "use only letters, digits, '-' and '_'",
    "code": "a school code is 1 to 8 digits",
    "slack": "a Slack member id looks like U0123ABCD",
    "keyword": "a keyword is one word of 2 to 20 letters or digits",
    "slash_command": "a slash command is '/' then up to 31 lowercase letters, digits, '-', '_'",
    "pin": "a PIN is 4 to 8 digits",
    "email": "an e-mail address looks like name@district.org",
}


@dataclass(frozen=True)
class WaitFloors:
    """The shortest waits a config may set, in seconds (decision 0016).

    ``step``: a step's ``wait`` is 0 (the next step at once) or at least this: a person
    needs time to read a text and reply, or to hear a call out and press 1.
    ``round``: a repeating policy's waits add up to at least this: every round pages
    everyone again, and a long code sends about 1 SMS a second, an account places 1 call
    a second (Twilio defaults). GoAlert's step delay is 1 to 9000 whole minutes.
    ``channel_delay``: a contact's is 0 (all channels at once) or at least this.
    """

    step: float = 30.0
    round: float = 60.0
    channel_delay: float = 30.0


WAIT_FLOORS = WaitFloors()
# Tests and benchmarks that run a real process on a real clock (ALERTBOT_ALLOW_SHORT_WAITS):
# a round of 0 seconds is still refused.
NO_WAIT_FLOORS = WaitFloors(step=0.0, round=0.0, channel_delay=0.0)


def seconds_text(seconds: float) -> str:
    """``30s``, ``1m``, ``0.05s``: a duration as written in the config."""
    if seconds != int(seconds):
        return f"{seconds:g}s"
    return format_duration(seconds)


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


@functools.lru_cache(maxsize=4096)
def normalise_phone(raw: str) -> str | None:
    """E.164 form of ``raw`` (region US), or None if it is not a valid number.

    Pure, and cached (4,096 numbers): every inbound text and call parses its sender's
    number, ≈ 40 µs with ``phonenumbers`` on the first page's path (decision 0053)."""
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


# A page's title goes out in every page, by SMS and Slack, which are not private (the
# district's letter: no immigration facts in messages; decision 0043).
_NAMES_IMMIGRATION = re.compile(r"(?-i:\bICE\b)|\w*(?:immigra|inmigra)\w*", re.IGNORECASE)

TITLE_NAMES_IMMIGRATION = (
    "the title names immigration ('{word}'): it goes out in every page by SMS and Slack, "
    "which are not private; use a neutral title such as \"Enforcement visit at {{school}}\"")


def title_names_immigration(title: str) -> str | None:
    """The word of ``title`` that names immigration ("ICE", "Immigration",
    "inmigración"…), else None. "ICE" counts only as a whole word in capitals, so
    "Police" or "ice storm" do not."""
    match = _NAMES_IMMIGRATION.search(title)
    return match.group(0) if match else None


def where_title(title: object, ipath: YPath, language: str) -> YPath:
    """Where an incident's title for ``language`` is written: ``title`` itself when it is
    one string for every language, else ``title.<language>``."""
    return (*ipath, "title") if isinstance(title, str) else (*ipath, "title", language)
