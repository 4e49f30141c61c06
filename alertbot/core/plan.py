"""The escalation plan frozen onto an incident when it opens.

A Plan is a Policy with its targets resolved to people and their addresses, so a
config reload (or an edited contacts file) never changes who a live incident pages.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from alertbot.core.model import Channel, Config, Policy, Route, School


@dataclass(frozen=True)
class Recipient:
    contact_id: str
    name: str
    language: str
    addresses: tuple[tuple[Channel, str], ...]  # channel, address, in the order to try
    channel_delay: float = 0.0  # 0: all channels at once; else in order, this far apart


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
                        "recipients": [
                            {
                                "contact_id": r.contact_id,
                                "name": r.name,
                                "language": r.language,
                                "addresses": [[str(c), a] for c, a in r.addresses],
                                "channel_delay": r.channel_delay,
                            }
                            for r in s.recipients
                        ],
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
                    recipients=tuple(
                        Recipient(
                            contact_id=r["contact_id"],
                            name=r["name"],
                            language=r["language"],
                            addresses=tuple((Channel(c), a) for c, a in r["addresses"]),
                            channel_delay=float(r.get("channel_delay", 0.0)),
                        )
                        for r in s["recipients"]
                    ),
                )
                for s in raw["steps"]
            ),
        )

    def contact_ids(self) -> frozenset[str]:
        return frozenset(r.contact_id for s in self.steps for r in s.recipients)


def build_plan(config: Config, policy: Policy) -> Plan:
    steps: list[PlanStep] = []
    for step in policy.steps:
        recipients: list[Recipient] = []
        unreachable: list[tuple[str, str]] = []
        for contact in config.resolve_targets(step.targets):
            channels = step.channels if step.channels is not None else contact.channels
            addresses: list[tuple[Channel, str]] = []
            missing: list[str] = []
            for channel in channels:
                address = contact.address(channel)
                if address:
                    addresses.append((channel, address))
                else:
                    missing.append(str(channel))
            if missing:
                unreachable.append((contact.id, "no address for " + ", ".join(missing)))
            if addresses:
                recipients.append(Recipient(contact.id, contact.name, contact.language,
                                            tuple(addresses), contact.channel_delay))
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
