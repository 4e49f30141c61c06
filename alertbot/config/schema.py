"""The shape of escalation.yaml and contacts/*.yaml, as strict pydantic models.

Each section item is validated on its own, so one bad school does not hide the
errors in the next one: ``alertbot check`` reports every problem in one run.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from alertbot.core.durations import parse_duration

ChannelName = Literal["sms", "voice", "slack"]
LanguageName = Literal["en", "es"]


CALLER_WAIT_MIN, CALLER_WAIT_MAX = 30.0, 1800.0  # seconds


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", coerce_numbers_to_str=True, frozen=True)


class ConsoleModel(Strict):
    """``console:`` in escalation.yaml: who sees what in the console (core/who.py)."""

    # Contact ids or roles who see every incident (besides the admins).
    see_all: list[str] = []
    # Roles whose holders see the incidents of their own ``schools``.
    school_roles: list[str] = ["principal"]
class ReadinessModel(Strict):
    # A cron expression (minute hour day month weekday) read by croniter in the
    # district's time zone, e.g. "30 7 * * MON": the weekly digest to the admins.
    digest: str | None = None


class TopModel(Strict):
    version: Literal[1]
    organization: str = Field(min_length=1)
    timezone: str = "America/New_York"
    unknown_reporters: Literal["reject", "accept"] = "reject"
    fallback_phone: str | None = None
    admins: list[str] = []
    console: ConsoleModel | None = None
    pin: str | None = Field(default=None, pattern=r"^\d{4,8}$")
    # How long a phone-tree caller waits on the line for a responder to join (issue 13).
    caller_wait: float = 180.0
    readiness: ReadinessModel | None = None
    schools: list[Any] = Field(min_length=1)
    triggers: list[Any] = Field(min_length=1)
    incidents: dict[str, Any] = Field(min_length=1)
    escalations: dict[str, Any] = Field(min_length=1)
    retention: Any = None  # issue 12: config/procedure.py checks it

    @field_validator("caller_wait", mode="before")
    @classmethod
    def _caller_wait(cls, value: object) -> float:
        """30 s to 30 min: shorter is no wait at all, longer ties up the caller's phone
        while they should call the fallback number (issue 13)."""
        seconds = parse_duration(value)
        if not CALLER_WAIT_MIN <= seconds <= CALLER_WAIT_MAX:
            raise ValueError(f"caller_wait must be from 30s to 30m, not {value!r}")
        return seconds
    drills: list[Any] = []  # scheduled drills (issue 14): DrillModel each


class SchoolModel(Strict):
    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_-]+$")
    name: str = Field(min_length=1)
    code: str = Field(pattern=r"^\d{1,8}$")
    region: str | None = None


class TriggerModel(Strict):
    incident: str
    keyword: str | None = Field(default=None, pattern=r"^[A-Za-z0-9]{2,20}$")
    slash_command: str | None = Field(default=None, pattern=r"^/[a-z0-9_-]{1,31}$")
    phone_digit: int | None = Field(default=None, ge=1, le=8)


class RouteModel(Strict):
    when: dict[Literal["school", "region"], list[str]] = {}
    escalation: str | None = None
    routes: list[RouteModel] = []

    @field_validator("when", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        # `region: north` is short for `region: [north]`; one type, so one error per mistake.
        if isinstance(value, dict):
            return {k: [v] if isinstance(v, str | int) and not isinstance(v, bool) else v
                    for k, v in value.items()}
        return value


class IncidentModel(Strict):
    # One title, or one per language ({en: …, es: …}; English required).
    title: str | dict[LanguageName, str]
    guidance: dict[LanguageName, str]
    phone_label: dict[LanguageName, str] = {}  # the phone tree menu's words for this type
    routes: list[RouteModel] | None = None
    escalation: str | None = None
    drill: bool = False  # practice incidents: marked DRILL in every page and in the console
    procedure: list[Any] = []  # issue 12: the checklist's steps (config/procedure.py)

    @field_validator("guidance")
    @classmethod
    def _has_english(cls, value: dict[str, str]) -> dict[str, str]:
        if "en" not in value:
            raise ValueError("guidance needs at least 'en'")
        return value

    @field_validator("title")
    @classmethod
    def _title(cls, value: str | dict[str, str]) -> str | dict[str, str]:
        texts = [value] if isinstance(value, str) else list(value.values())
        if isinstance(value, dict) and "en" not in value:
            raise ValueError("a title per language needs at least 'en'")
        if any(not text.strip() for text in texts):
            raise ValueError("the title must not be empty")
        return value


def _duration(value: object) -> float:
    return parse_duration(value)


class StepModel(Strict):
    notify: list[str] = Field(min_length=1)
    channels: list[ChannelName] | None = Field(default=None, min_length=1)
    wait: float = 300.0
    slack_only_ok: bool = False  # a step that pages by Slack alone, said on purpose

    @field_validator("wait", mode="before")
    @classmethod
    def _wait(cls, value: object) -> float:
        return _duration(value)


class EscalationModel(Strict):
    steps: list[Any] = Field(min_length=1)
    repeat: Literal["forever"] | int = "forever"

    @field_validator("repeat", mode="before")
    @classmethod
    def _repeat(cls, value: object) -> object:
        # Checked before the union so a bad value gives one message, not one per branch.
        if value == "forever" or (type(value) is int and value >= 0):
            return value
        raise ValueError(f"repeat must be 'forever' or a whole number >= 0, not {value!r}")


class ContactModel(Strict):
    id: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    name: str = Field(min_length=1)
    roles: list[str] = []
    phone: str | None = None
    slack: str | None = Field(default=None, pattern=r"^[UW][A-Z0-9]{2,}$")
    language: LanguageName = "en"
    channels: list[ChannelName] | None = Field(default=None, min_length=1)
    schools: list[str] = []
    channel_delay: float = 0.0  # try channels in order this far apart; 0: all at once
    pin: str | None = None  # personal phone PIN, 4-8 digits (decision 0014)
    # Signs in to the console with OpenID Connect (the provider's verified ``email``).
    email: str | None = Field(default=None, max_length=254,
                              pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    backup: str | None = None  # contact id paged in their place while they are AWAY

    @field_validator("pin", mode="before")
    @classmethod
    def _pin(cls, value: object) -> object:
        # The message never repeats the value: a PIN is a secret (not even a wrong one
        # goes to the terminal or a CI log).
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise ValueError("a PIN is 4 to 8 digits, in quotes")
        text = str(value)
        if not (text.isascii() and text.isdigit() and 4 <= len(text) <= 8):
            raise ValueError("a PIN is 4 to 8 digits, in quotes")
        return text

    @field_validator("channel_delay", mode="before")
    @classmethod
    def _channel_delay(cls, value: object) -> float:
        return _duration(value)


class DrillModel(Strict):
    """One scheduled drill (issue 14, decision 0041); checked further in config/drills.py."""

    id: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9_-]+$")
    cron: str = Field(min_length=1)
    incident: str
    school: str
    participants: list[str] = []
    end_after: float = 900.0  # seconds: the drill resolves itself this long after it opened
    grace: float = 3600.0  # seconds: missed while down, it still starts this late at most

    @field_validator("end_after", "grace", mode="before")
    @classmethod
    def _durations(cls, value: object) -> float:
        return _duration(value)
