"""Readiness, pure: can every escalation step reach someone right now? (issue 14)

Given the config and what alertbot knows about each address (``Facts``: opt-outs it
recorded, Twilio Lookup's line types, Slack accounts, who is away), ``assess`` says for
each contact on an escalation path the state of each channel, and for each step of each
policy how many of its people are reachable now. Rendering is in text/readinessview.py;
the facts are gathered by service/readiness.py.

Rules (the sources named):
- SMS: refused after the person texted STOP, until START (Twilio error 21610, "Attempt
  to send to unsubscribed recipient"); a landline, pager or voicemail line cannot take
  SMS (Twilio Lookup v2 ``line_type_intelligence.type``; error 30006). A number whose
  line type is unknown counts as reachable.
- Voice: any number.
- Slack: a member id the workspace does not know (``users.info``: ``user_not_found``) or
  a deactivated account (``deleted: true``) cannot be messaged; a guest account
  (``is_restricted``) can be, if the bot shares a channel with it: reachable, flagged.
- A channel alertbot has no sender for (no Twilio credentials, no Slack token) reaches
  nobody.
- Away: an away person is not reachable now; their ``backup``, if reachable and not
  away, stands in for them (core/availability.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from alertbot.core.model import Channel, Config, Contact, Step

NO_SMS_LINES = frozenset({"landline", "pager", "voicemail"})


@dataclass(frozen=True)
class OptOut:
    """An opt-out alertbot saw: when (epoch seconds), why ("texted STOP", "Twilio
    21610"), and the address it was seen on."""

    at: float
    reason: str
    address: str = ""


@dataclass(frozen=True)
class AwayState:
    """An AWAY in force: since and until (epoch seconds), who set it, from where."""

    since: float
    until: float
    set_by: str = ""
    source: str = ""


class Slack(StrEnum):
    """A Slack account as ``users.info`` describes it."""

    ACTIVE = "active"
    RESTRICTED = "restricted"  # a guest: reachable only where the bot shares a channel
    DELETED = "deleted"  # deactivated
    NOT_FOUND = "not_found"  # user_not_found: no such member in this workspace


class State(StrEnum):
    """One channel of one person, as a code (text/readinessview.py words it)."""

    OK = "ok"
    UNCHECKED = "unchecked"  # reachable as far as we know (Lookup/Slack not asked)
    GUEST = "guest"  # Slack guest account: reachable, flagged
    NO_ADDRESS = "no_address"
    NOT_CONFIGURED = "not_configured"  # alertbot has no sender for this channel
    OPTED_OUT = "opted_out"
    NO_SMS_LINE = "no_sms_line"  # landline, pager, voicemail
    SLACK_DELETED = "slack_deleted"
    SLACK_NOT_FOUND = "slack_not_found"


REACHABLE = frozenset({State.OK, State.UNCHECKED, State.GUEST})


@dataclass(frozen=True)
class Facts:
    opt_outs: Mapping[tuple[str, Channel], OptOut] = field(default_factory=dict)
    line_types: Mapping[str, str | None] = field(default_factory=dict)  # E.164 -> type
    slack: Mapping[str, Slack] = field(default_factory=dict)  # member id -> account
    away: Mapping[str, AwayState] = field(default_factory=dict)  # contact id -> AWAY
    channels: frozenset[Channel] = frozenset(Channel)  # those alertbot can send on


@dataclass(frozen=True)
class ChannelState:
    channel: Channel
    state: State
    opt_out: OptOut | None = None
    line_type: str | None = None

    @property
    def ok(self) -> bool:
        return self.state in REACHABLE


@dataclass(frozen=True)
class Person:
    contact: Contact
    channels: tuple[ChannelState, ...]
    away: AwayState | None = None

    @property
    def needs_attention(self) -> bool:
        """A channel that cannot reach them, a flagged one, or an AWAY in force."""
        return self.away is not None or any(
            c.state not in (State.OK, State.UNCHECKED) for c in self.channels)

    def reachable_on(self, channels: Iterable[Channel]) -> bool:
        wanted = set(channels)
        return any(c.ok for c in self.channels if c.channel in wanted)


@dataclass(frozen=True)
class StepReach:
    policy: str
    step: int  # 1-based, as people count
    people: tuple[str, ...]  # contact ids the step names
    reachable: tuple[str, ...]  # contact ids that can be reached now (backups included)
    unreached: tuple[str, ...]  # the step's people who cannot be, or only partly
    stand_ins: Mapping[str, str] = field(default_factory=dict)  # away id -> backup id
    # contact id -> the channels this step pages them on
    channels: Mapping[str, tuple[Channel, ...]] = field(default_factory=dict)

    @property
    def nobody(self) -> bool:
        return not self.reachable


@dataclass(frozen=True)
class Readiness:
    people: Mapping[str, Person]
    steps: tuple[StepReach, ...]

    @property
    def ok(self) -> bool:
        """Every step of every policy can reach someone now (``alertbot readiness`` exits 0)."""
        return not any(s.nobody for s in self.steps)

    def attention(self) -> list[Person]:
        return [p for p in self.people.values() if p.needs_attention]


def channel_state(contact: Contact, channel: Channel, facts: Facts) -> ChannelState:
    """The state of ``contact``'s ``channel`` given ``facts`` (rules: module docstring)."""
    address = contact.address(channel)
    if not address:
        return ChannelState(channel, State.NO_ADDRESS)
    if channel not in facts.channels:
        return ChannelState(channel, State.NOT_CONFIGURED)
    if channel is Channel.SLACK:
        account = facts.slack.get(address)
        state = {None: State.UNCHECKED, Slack.ACTIVE: State.OK, Slack.RESTRICTED: State.GUEST,
                 Slack.DELETED: State.SLACK_DELETED,
                 Slack.NOT_FOUND: State.SLACK_NOT_FOUND}[account]
        return ChannelState(channel, state)
    line = facts.line_types.get(address)
    opt_out = facts.opt_outs.get((contact.id, channel))
    if opt_out is not None:
        return ChannelState(channel, State.OPTED_OUT, opt_out, line)
    if channel is Channel.SMS and line in NO_SMS_LINES:
        return ChannelState(channel, State.NO_SMS_LINE, line_type=line)
    known = address in facts.line_types or channel is Channel.VOICE
    return ChannelState(channel, State.OK if known else State.UNCHECKED, line_type=line)


def _step_channels(step: Step, contact: Contact) -> tuple[Channel, ...]:
    return step.channels if step.channels is not None else contact.channels


def _person(contact: Contact, wanted: Iterable[Channel], facts: Facts) -> Person:
    order = [c for c in Channel if c in set(wanted)]
    return Person(contact, tuple(channel_state(contact, c, facts) for c in order),
                  facts.away.get(contact.id))


def on_paths(config: Config) -> list[Contact]:
    """Every contact some escalation step names (by id or role), and their backups."""
    return [config.contacts[cid] for cid in _wanted(config)]


def _wanted(config: Config) -> dict[str, set[Channel]]:
    """Contact id -> the channels some step would page them on (backups included)."""
    wanted: dict[str, set[Channel]] = {}
    for policy in config.escalations.values():
        for step in policy.steps:
            for contact in config.resolve_targets(step.targets):
                channels = set(_step_channels(step, contact))
                wanted.setdefault(contact.id, set()).update(channels)
                backup = config.contacts.get(contact.backup or "")
                if backup is not None:
                    wanted.setdefault(backup.id, set()).update(
                        _step_channels(step, backup))
    return wanted


def assess(config: Config, facts: Facts) -> Readiness:
    """Every contact on an escalation path (and their backups), and every step's reach."""
    people = {cid: _person(config.contacts[cid], chans, facts)
              for cid, chans in _wanted(config).items()}
    steps: list[StepReach] = []
    for name, policy in config.escalations.items():
        for index, step in enumerate(policy.steps):
            steps.append(_reach(config, name, index + 1, step, people))
    return Readiness(people, tuple(steps))


def _reach(config: Config, policy: str, number: int, step: Step,
           people: Mapping[str, Person]) -> StepReach:
    contacts = config.resolve_targets(step.targets)
    reachable: dict[str, None] = {}
    unreached: list[str] = []
    stand_ins: dict[str, str] = {}

    def can(person: Person) -> bool:
        return person.away is None and person.reachable_on(
            _step_channels(step, person.contact))

    for contact in contacts:
        person = people[contact.id]
        if can(person):
            reachable.setdefault(contact.id)
        else:
            backup = people.get(contact.backup or "")
            if person.away is not None and backup is not None and can(backup):
                reachable.setdefault(backup.contact.id)
                stand_ins[contact.id] = backup.contact.id
        if person.needs_attention:
            unreached.append(contact.id)
    return StepReach(policy, number, tuple(c.id for c in contacts), tuple(reachable),
                     tuple(unreached), stand_ins,
                     {c.id: _step_channels(step, c) for c in contacts})
