"""The district's configuration as frozen domain objects.

Pure: no I/O, no asyncio, no logging. ``alertbot.config`` builds these from
escalation.yaml and contacts/; the engine only ever reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

from alertbot.core.procedure import ProcedureStep, Retention


class Channel(StrEnum):
    SMS = "sms"
    VOICE = "voice"
    SLACK = "slack"


DEFAULT_CHANNELS: tuple[Channel, ...] = (Channel.SMS, Channel.VOICE)


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
    # Personal phone PIN (4-8 digits): proves who is calling when caller ID is not
    # verified (decision 0014). Never logged, never in a repr.
    pin: str | None = field(default=None, repr=False, compare=False)
    # Lower case; signs in to the console by OpenID Connect (a provider's verified email).
    email: str | None = None
    # The contact id paged in this person's place while they are away (issue 14); one
    # level only: a backup's own backup is not followed.
    backup: str | None = None

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
    title: str  # the English (default) title; may contain {school}
    guidance: Mapping[str, str]
    routes: tuple[Route, ...]
    phone_label: Mapping[str, str] = field(default_factory=dict)  # menu words, per language
    drill: bool = False
    # The title per language (``incidents.X.title: {en: …, es: …}``); a plain string in
    # the config is the title in every language.
    titles: Mapping[str, str] = field(default_factory=dict)
    # The district's procedure for this type, in order (issue 12; core/procedure.py).
    procedure: tuple[ProcedureStep, ...] = ()

    def title_in(self, language: str) -> str:
        """The title template for ``language`` (English, then the plain title, if none)."""
        return self.titles.get(language) or self.titles.get("en") or self.title


@dataclass(frozen=True)
class Drill:
    """A scheduled drill (``drills:`` in escalation.yaml, decision 0041): at each time
    ``cron`` names (in the district's time zone) an incident of type ``incident`` opens
    at ``school`` as a DRILL. ``participants`` (contact ids or roles; empty: everyone the
    policy pages) are the only people paged. It resolves itself ``end_after`` seconds
    after it opened if nobody resolved it; one missed while alertbot was down starts
    late if at most ``grace`` seconds late, else the miss is recorded."""

    id: str
    cron: str
    incident: str
    school: str
    participants: tuple[str, ...] = ()
    end_after: float = 900.0
    grace: float = 3600.0


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
    # The console (issue 11): contact ids or roles who see every incident besides the
    # admins, and the roles whose holders see their own schools' incidents (core/who.py).
    see_all: tuple[str, ...] = ()
    school_roles: tuple[str, ...] = ("principal",)
    caller_wait: float = 180.0  # seconds a phone-tree caller waits on the line (issue 13)
    retention: Retention = field(default_factory=Retention)  # issue 12: purge free text
    # ``readiness.digest``: a cron expression (croniter, in ``timezone``) for the weekly
    # reachability digest to the admins (issue 14, decision 0039); None: no digest.
    readiness_digest: str | None = None
    drills: tuple[Drill, ...] = ()  # scheduled drills (issue 14)

    # --- look-ups -------------------------------------------------------------

    # Indexes built once per Config (they are read on every inbound text).

    @cached_property
    def _by_phone(self) -> dict[str, Contact]:
        out: dict[str, Contact] = {}
        for contact in self.contacts.values():
            if contact.phone:
                out.setdefault(contact.phone, contact)
        return out

    @cached_property
    def _by_slack(self) -> dict[str, Contact]:
        out: dict[str, Contact] = {}
        for contact in self.contacts.values():
            if contact.slack:
                out.setdefault(contact.slack, contact)
        return out

    @cached_property
    def _schools_by_word(self) -> dict[str, School]:
        out: dict[str, School] = {}
        for school in self.schools.values():
            for word in (school.id, school.code, school.name):
                out.setdefault(word.casefold(), school)
        return out

    @cached_property
    def _triggers_by_keyword(self) -> dict[str, Trigger]:
        out: dict[str, Trigger] = {}
        for trigger in self.triggers:
            if trigger.keyword is not None:
                out.setdefault(trigger.keyword.upper(), trigger)
        return out

    def contact_by_phone(self, phone: str) -> Contact | None:
        return self._by_phone.get(phone)

    def contact_by_slack(self, member_id: str) -> Contact | None:
        return self._by_slack.get(member_id)

    def contact_by_email(self, email: str) -> Contact | None:
        """The contact whose ``email`` is ``email`` (compared in lower case)."""
        wanted = email.strip().lower()
        return next((c for c in self.contacts.values() if c.email == wanted), None)

    def trigger_for_keyword(self, word: str) -> Trigger | None:
        return self._triggers_by_keyword.get(word.upper())

    def find_school(self, text: str) -> School | None:
        """A school named by id, code or full name (case-insensitive)."""
        return self._schools_by_word.get(text.strip().casefold())

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
