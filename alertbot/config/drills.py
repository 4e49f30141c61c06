"""``drills:`` in escalation.yaml (issue 14): scheduled drills, checked strictly.

    drills:
      - id: monthly-north
        cron: "0 9 * * 2#1"        # district time zone; croniter syntax (alertbot/cron.py)
        incident: ice              # any incident type: the drill is marked DRILL anyway
        school: burns
        participants: [superintendent, staff_attorney]   # optional: only they are paged
        end_after: 15m             # resolves itself then (default 15m)
        grace: 1h                  # missed while down: still starts this late (default 1h)

Every problem is ``FILE:LINE: drills[i].key: message`` like the rest of ``alertbot check``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from alertbot.config.common import validate_piece
from alertbot.config.schema import DrillModel
from alertbot.config.yamlmap import LoadedYaml, Problem
from alertbot.config.yamlmap import Path as YPath
from alertbot.core.model import Contact, Drill, IncidentType, Policy, School, resolve_targets
from alertbot.core.plan import select_policy
from alertbot.cron import cron_problem

# A drill that never ends would page (and hold responders) for ever; one that ends
# before anyone could answer measures nothing.
END_AFTER_MIN, END_AFTER_MAX = 60.0, 24 * 3600.0


def check_drills(doc: LoadedYaml, raw: list[Any], schools: Mapping[str, School],
                 incidents: Mapping[str, IncidentType], escalations: Mapping[str, Policy],
                 contacts: Mapping[str, Contact], problems: list[Problem]) -> tuple[Drill, ...]:
    """The valid drills of ``raw`` (the ``drills`` list); a problem for each mistake.

    ``schools``/``incidents``/``escalations`` are the valid ones: a drill naming a school
    or incident that was itself reported broken gets a second, plainer message.
    """
    out: list[Drill] = []
    seen: dict[str, int] = {}
    roles = {r for c in contacts.values() for r in c.roles}
    for index, item in enumerate(raw):
        path: YPath = ("drills", index)
        d = validate_piece(DrillModel, doc, item, path, problems)
        if d is None:
            continue
        bad = len(problems)
        if d.id in seen:
            problems.append(doc.problem((*path, "id"), f"drill id '{d.id}' is already used by "
                                                       f"drills[{seen[d.id]}]"))
        seen.setdefault(d.id, index)
        why = cron_problem(d.cron)
        if why is not None:
            problems.append(doc.problem((*path, "cron"), why))
        if d.incident not in incidents:
            problems.append(doc.problem((*path, "incident"), f"no incident '{d.incident}'"))
        if d.school not in schools:
            problems.append(doc.problem((*path, "school"), f"no school '{d.school}'"))
        if not END_AFTER_MIN <= d.end_after <= END_AFTER_MAX:
            problems.append(doc.problem((*path, "end_after"),
                                        "end_after must be from 1m to 24h"))
        for pindex, target in enumerate(d.participants):
            if target not in contacts and target not in roles:
                problems.append(doc.problem((*path, "participants", pindex),
                                            f"no contact or role '{target}'"))
        if len(problems) == bad:
            _check_participants_paged(doc, path, d, schools[d.school], incidents[d.incident],
                                      escalations, contacts, problems)
        if len(problems) == bad:
            out.append(Drill(d.id, d.cron, d.incident, d.school, tuple(d.participants),
                             d.end_after, d.grace))
    return tuple(out)


def _check_participants_paged(doc: LoadedYaml, path: YPath, d: DrillModel, school: School,
                              itype: IncidentType, escalations: Mapping[str, Policy],
                              contacts: Mapping[str, Contact],
                              problems: list[Problem]) -> None:
    """Each participant must be someone the drill's policy pages at that school: the
    drill pages only them, and only where the policy would."""
    policy_name = select_policy(itype.routes, school)
    policy = escalations.get(policy_name or "")
    if policy is None:
        return  # the incident's routes were reported
    on_policy = {c.id for step in policy.steps for c in resolve_targets(contacts, step.targets)}
    for pindex, target in enumerate(d.participants):
        named = {c.id for c in resolve_targets(contacts, (target,))}
        if not named & on_policy:
            problems.append(doc.problem(
                (*path, "participants", pindex),
                f"'{target}' is not paged by escalation '{policy.name}' (incident "
                f"'{d.incident}' at school '{d.school}'): the drill would never page them"))
