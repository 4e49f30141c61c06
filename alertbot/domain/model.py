"""The district's configuration as frozen domain objects.

Pure: no I/O, no asyncio, no logging. ``alertbot.config`` builds these from
escalation.yaml and contacts/; the engine only ever reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum


class Channel(StrEnum):
    SMS = "sms"
    VOICE = "voice"
    SLACK = "slack"


DEFAULT_CHANNELS: tuple[Channel, ...] = (Channel.SMS, Channel.VOICE)
LANGUAGES: tuple[str, ...] = ("en", "es")


@dataclass(frozen=True)
class Contact:
    id: str
    name: str
    roles: tuple[str, ...] = ()
    phone: str | None = None  # E.164
    slack: str | None = None  # Slack member id
    language: str = "en"
    channels: tuple[Channel, ...] = DEFAULT_CHANNELS
    schools: tuple[str, ...] = ()
    # 0: page on every channel at once; else try them in order, this many seconds apart
    # (the next channel only if nobody has acknowledged by then).
    channel_delay: float = 0.0

    def address(self, channel: Channel) -> str | None:
        """Where this contact is reached on ``channel``, or None if they cannot be."""
        if channel in (Channel.SMS, Channel.VOICE):
            return self.phone
        return self.slack


@dataclass(frozen=True)
class School:
    id: str
    name: str
    code: str
    region: str | None = None


@dataclass(frozen=True)
class Trigger:
    incident: str
    keyword: str | None = None
    slash_command: str | None = None
    phone_digit: int | None = None


@dataclass(frozen=True)
class Step:
    targets: tuple[str, ...]  # contact ids or roles, as written
    wait: float  # seconds before the next step
    channels: tuple[Channel, ...] | None = None  # None: each contact's own channels


@dataclass(frozen=True)
class Policy:
    name: str
    steps: tuple[Step, ...]
    repeat: int | None = None  # None: forever; N: N extra rounds after the first


@dataclass(frozen=True)
class Route:
    """A branch of an incident's routing tree. First matching branch wins."""

    when: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    escalation: str | None = None
    routes: tuple[Route, ...] = ()


@dataclass(frozen=True)
class IncidentType:
    id: str
    title: str  # may contain {school}
    guidance: Mapping[str, str]
    routes: tuple[Route, ...]
    phone_label: Mapping[str, str] = field(default_factory=dict)  # menu words, per language
    drill: bool = False


@dataclass(frozen=True)
class Config:
    organization: str
    timezone: str
    schools: Mapping[str, School]
    triggers: tuple[Trigger, ...]
    incidents: Mapping[str, IncidentType]
    escalations: Mapping[str, Policy]
    contacts: Mapping[str, Contact]
    unknown_reporters: str = "reject"  # reject | accept
    fallback_phone: str | None = None
    admins: tuple[str, ...] = ()  # contact ids or roles
    pin: str | None = None  # phone tree PIN for unknown callers
    version: int = 1

    # --- look-ups -------------------------------------------------------------

    def contact_by_phone(self, phone: str) -> Contact | None:
        for contact in self.contacts.values():
            if contact.phone == phone:
                return contact
        return None

    def contact_by_slack(self, member_id: str) -> Contact | None:
        for contact in self.contacts.values():
            if contact.slack == member_id:
                return contact
        return None

    def trigger_for_keyword(self, word: str) -> Trigger | None:
        for trigger in self.triggers:
            if trigger.keyword is not None and trigger.keyword.upper() == word.upper():
                return trigger
        return None

    def find_school(self, text: str) -> School | None:
        """A school named by id, code or full name (case-insensitive)."""
        needle = text.strip().casefold()
        for school in self.schools.values():
            if needle in (school.id.casefold(), school.code.casefold(), school.name.casefold()):
                return school
        return None

    def resolve_targets(self, targets: tuple[str, ...]) -> tuple[Contact, ...]:
        return resolve_targets(self.contacts, targets)

    def admin_contacts(self) -> tuple[Contact, ...]:
        return self.resolve_targets(self.admins)

    def is_admin(self, contact_id: str) -> bool:
        return any(c.id == contact_id for c in self.admin_contacts())


def resolve_targets(contacts: Mapping[str, Contact],
                    targets: tuple[str, ...]) -> tuple[Contact, ...]:
    """Contacts named by ids or roles, each once, in the order first named."""
    seen: dict[str, Contact] = {}
    for target in targets:
        if target in contacts:
            seen.setdefault(target, contacts[target])
            continue
        for contact in contacts.values():
            if target in contact.roles:
                seen.setdefault(contact.id, contact)
    return tuple(seen.values())
