"""The escalation plan frozen onto an incident when it opens.

A Plan is a Policy with its targets resolved to people and their addresses, so a
config reload (or an edited contacts file) never changes who a live incident pages.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from alertbot.core.model import Channel, Config, Contact, Policy, Route, School, Step


@dataclass(frozen=True)
class Recipient:
    contact_id: str
    name: str
    language: str
    addresses: tuple[tuple[Channel, str], ...]  # channel, address, in the order to try
    channel_delay: float = 0.0  # 0: all channels at once; else in order, this far apart
    # Paged in this person's place while they are away (contacts' ``backup``; issue 14),
    # frozen with the plan like everyone else. None: no backup (or one with no address).
    backup: Recipient | None = None


def _recipient_json(r: Recipient) -> dict[str, Any]:
    out: dict[str, Any] = {
        "contact_id": r.contact_id,
        "name": r.name,
        "language": r.language,
        "addresses": [[str(c), a] for c, a in r.addresses],
        "channel_delay": r.channel_delay,
    }
    if r.backup is not None:
        out["backup"] = _recipient_json(r.backup)
    return out


def _recipient_from(r: dict[str, Any]) -> Recipient:
    backup = r.get("backup")
    return Recipient(
        contact_id=r["contact_id"],
        name=r["name"],
        language=r["language"],
        addresses=tuple((Channel(c), a) for c, a in r["addresses"]),
        channel_delay=float(r.get("channel_delay", 0.0)),
        backup=_recipient_from(backup) if backup else None,
    )


@dataclass(frozen=True)
class PlanStep:
    recipients: tuple[Recipient, ...]
    wait: float
    unreachable: tuple[tuple[str, str], ...] = ()  # (contact id, why) — made visible, never silent


@dataclass(frozen=True)
class Plan:
    policy: str
    steps: tuple[PlanStep, ...]
    repeat: int | None  # None: forever

    def to_json(self) -> str:
        return json.dumps(
            {
                "policy": self.policy,
                "repeat": self.repeat,
                "steps": [
                    {
                        "wait": s.wait,
                        "unreachable": [list(u) for u in s.unreachable],
                        "recipients": [_recipient_json(r) for r in s.recipients],
                    }
                    for s in self.steps
                ],
            },
            ensure_ascii=False,
        )

    @staticmethod
    def from_json(text: str) -> Plan:
        raw: dict[str, Any] = json.loads(text)
        return Plan(
            policy=raw["policy"],
            repeat=raw["repeat"],
            steps=tuple(
                PlanStep(
                    wait=float(s["wait"]),
                    unreachable=tuple((u[0], u[1]) for u in s.get("unreachable", [])),
                    recipients=tuple(_recipient_from(r) for r in s["recipients"]),
                )
                for s in raw["steps"]
            ),
        )

    def contact_ids(self) -> frozenset[str]:
        """Everyone the plan may page: the steps' people and their backups."""
        return frozenset(p.contact_id for s in self.steps for r in s.recipients
                         for p in (r, r.backup) if p is not None)


def _addresses(contact: Contact, channels: tuple[Channel, ...]
               ) -> tuple[tuple[tuple[Channel, str], ...], list[str]]:
    addresses: list[tuple[Channel, str]] = []
    missing: list[str] = []
    for channel in channels:
        address = contact.address(channel)
        if address:
            addresses.append((channel, address))
        else:
            missing.append(str(channel))
    return tuple(addresses), missing


def _backup(config: Config, contact: Contact, step: Step) -> Recipient | None:
    """The recipient paged instead of ``contact`` while they are away: their backup on
    the step's channels (the backup's own channels when the step names none)."""
    backup = config.contacts.get(contact.backup or "")
    if backup is None or backup.id == contact.id:
        return None
    addresses, _missing = _addresses(
        backup, step.channels if step.channels is not None else backup.channels)
    if not addresses:
        return None
    return Recipient(backup.id, backup.name, backup.language, addresses, backup.channel_delay)


def recipient(contact: Contact, channels: tuple[Channel, ...] | None = None,
              backup: Recipient | None = None) -> tuple[Recipient | None, list[str]]:
    """How ``contact`` is paged on ``channels`` (None: their own, from contacts/), in
    order and ``channel_delay`` apart, as an escalation step pages them; None when no
    channel has an address. Also the channels that have none (for the timeline)."""
    addresses, missing = _addresses(contact, contact.channels if channels is None
                                    else channels)
    if not addresses:
        return None, missing
    return Recipient(contact.id, contact.name, contact.language, addresses,
                     contact.channel_delay, backup), missing


def build_plan(config: Config, policy: Policy) -> Plan:
    steps: list[PlanStep] = []
    for step in policy.steps:
        recipients: list[Recipient] = []
        unreachable: list[tuple[str, str]] = []
        for contact in config.resolve_targets(step.targets):
            found, missing = recipient(contact, step.channels,
                                       _backup(config, contact, step))
            if missing:
                unreachable.append((contact.id, "no address for " + ", ".join(missing)))
            if found is not None:
                recipients.append(found)
        steps.append(PlanStep(tuple(recipients), step.wait, tuple(unreachable)))
    return Plan(policy.name, tuple(steps), policy.repeat)


def _matches(route: Route, school: School | None) -> bool:
    for key, allowed in route.when.items():
        if school is None:
            return False
        value = {"school": school.id, "region": school.region}.get(key)
        if value is None or value not in allowed:
            return False
    return True


def select_policy(routes: tuple[Route, ...], school: School | None) -> str | None:
    """Walk the routing tree: the first matching branch wins; a branch may nest routes.

    A matching branch with nested routes descends; if none of its children match,
    its own ``escalation`` (if any) applies, like Alertmanager's route inheritance.
    """
    for route in routes:
        if not _matches(route, school):
            continue
        if route.routes:
            found = select_policy(route.routes, school)
            if found is not None:
                return found
        if route.escalation is not None:
            return route.escalation
    return None
