"""Generated districts: escalation.yaml and contacts/ for each scenario.

Numbers are +1 860 2xx xxxx (valid NANP numbers, fictional people). Principals are
``p<i>`` with one school each (``s<i>``), so a text from principal i opens an incident
at school i without naming it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PRINCIPALS = 0
RESPONDERS = 1_000_000
OTHERS = 3_000_000
ADMIN_PHONE_INDEX = 4_000_000


def phone(n: int) -> str:
    return f"+1860{2_000_000 + n:07d}"


def principal_phone(i: int) -> str:
    return phone(PRINCIPALS + i)


def responder_phone(i: int) -> str:
    return phone(RESPONDERS + i)


def stranger_phone(i: int) -> str:
    return phone(OTHERS + i)


ADMIN_PHONE = phone(ADMIN_PHONE_INDEX)


@dataclass
class District:
    schools: int
    escalations: dict[str, Any]
    routes: list[dict[str, Any]]
    responders: list[dict[str, Any]] = field(default_factory=list)
    regions: dict[int, str] = field(default_factory=dict)  # school → region label

    def write(self, workdir: Path) -> None:
        schools = []
        for i in range(self.schools):
            school: dict[str, Any] = {"id": f"s{i}", "name": f"School {i}",
                                      "code": str(10_000 + i)}
            if i in self.regions:
                school["region"] = self.regions[i]
            schools.append(school)
        config = {
            "version": 1, "organization": "Bench District", "timezone": "America/New_York",
            "fallback_phone": "+1 860 555 0199", "admins": ["admin"], "schools": schools,
            "triggers": [{"keyword": "ICE", "incident": "ice"}],
            "incidents": {"ice": {
                "title": "Enforcement visit at {school}",
                "guidance": {"en": "Do not allow entry without a judicial warrant."},
                "routes": self.routes}},
            "escalations": self.escalations,
        }
        contacts: list[dict[str, Any]] = [
            {"id": "admin", "name": "Admin", "roles": ["admin"], "phone": ADMIN_PHONE,
             "channels": ["sms"]}]
        contacts += [{"id": f"p{i}", "name": f"Principal {i}", "schools": [f"s{i}"],
                      "phone": principal_phone(i), "channels": ["sms"]}
                     for i in range(self.schools)]
        contacts += self.responders
        (workdir / "contacts").mkdir(parents=True, exist_ok=True)
        (workdir / "escalation.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
        (workdir / "contacts" / "people.yaml").write_text(
            yaml.safe_dump(contacts, sort_keys=False))


def responder(i: int, role: str = "responder",
              channels: tuple[str, ...] = ("sms",)) -> dict[str, Any]:
    return {"id": f"r{i}", "name": f"Responder {i}", "roles": [role],
            "phone": responder_phone(i), "channels": list(channels)}


def shared_team(schools: int, team: int, channels: tuple[str, ...] = ("sms",),
                wait: float = 3600.0, repeat: int | str = "forever") -> District:
    """Every school pages the same ``team`` responders (role ``responder``)."""
    return District(
        schools=schools,
        escalations={"team": {"steps": [
            {"notify": ["responder"], "channels": list(channels), "wait": wait}],
            "repeat": repeat}},
        routes=[{"escalation": "team"}],
        responders=[responder(i, channels=channels) for i in range(team)])


def per_school_teams(schools: int, team: int, wait: float, repeat: int = 0) -> District:
    """School i pages its own ``team`` responders by SMS (step 1), then its own deputy
    (step 2, ``wait`` seconds later). Responders of school i are r<i*team>…;
    the deputy of school i is r<schools*team + i>."""
    escalations: dict[str, Any] = {}
    routes: list[dict[str, Any]] = []
    responders: list[dict[str, Any]] = []
    regions: dict[int, str] = {}
    for s in range(schools):
        members = [s * team + k for k in range(team)]
        deputy = schools * team + s
        responders += [responder(m, role=f"team{s}") for m in members]
        responders.append(responder(deputy, role=f"deputy{s}"))
        escalations[f"school{s}"] = {"steps": [
            {"notify": [f"team{s}"], "channels": ["sms"], "wait": wait},
            {"notify": [f"deputy{s}"], "channels": ["sms"], "wait": wait}],
            "repeat": repeat}
        regions[s] = f"region{s}"
        routes.append({"when": {"region": f"region{s}"}, "escalation": f"school{s}"})
    routes.append({"escalation": "school0"})  # the config check wants a catch-all
    return District(schools=schools, escalations=escalations, routes=routes,
                    responders=responders, regions=regions)
