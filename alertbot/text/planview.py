"""``alertbot plan``: who is paged when, by which channel, until the policy repeats."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from alertbot.core.durations import format_duration
from alertbot.core.incident import Incident
from alertbot.core.model import Config, School
from alertbot.core.plan import build_plan, select_policy
from alertbot.core.policy import schedule


def _timeline(config: Config, policy_name: str, away: Mapping[str, float] = {},
              now: float = 0.0) -> list[str]:
    policy = config.escalations[policy_name]
    plan = build_plan(config, policy)
    probe = Incident(id=0, type="", title="", school_id=None, school_name=None,
                     reporter_id=None, reporter_name="", reporter_phone=None, source="plan",
                     details="", language="en", created_at=0.0, plan=plan, due_at=0.0)
    lines: list[str] = []
    finite = policy.repeat is not None and policy.repeat <= 3
    horizon = policy.repeat if finite and policy.repeat is not None else 1
    # AWAYs as seconds from the preview's start (t+0 is ``now``): someone back in 2 hours
    # is paged again in the rounds after t+2h.
    relative = {cid: until - now for cid, until in away.items() if until > now}
    for at, decision in schedule(probe, horizon_rounds=horizon, away=relative):
        stamp = "t+" + format_duration(at)
        if decision.exhausted:
            lines.append(f"  {stamp:>9}  {decision.reason}")
            continue
        label = f"step {decision.step + 1}" + (f" (repeat {decision.round})"
                                               if decision.round else "")
        people: dict[str, list[str]] = {}
        for page in decision.pages:
            people.setdefault(f"{page.name} [{page.contact_id}]", []).append(
                str(page.channel) + (f" (+{format_duration(page.delay)} if no ack)"
                                     if page.delay else ""))
        first = True
        for person, channels in people.items():
            head = f"  {stamp:>9}  {label:<18}" if first else " " * 31
            lines.append(f"{head} {person}: {', '.join(channels)}")
            first = False
        if not people:
            lines.append(f"  {stamp:>9}  {label:<18} (nobody reachable!)")
        for contact_id, why in decision.unreachable:
            lines.append(" " * 31 + f" ! {contact_id}: {why}")
        for note in decision.away:
            until = datetime.fromtimestamp(note.until + now, ZoneInfo(config.timezone))
            what = ("paged anyway: the whole step is away" if note.paged_anyway
                    else f"{note.backup} paged instead" if note.backup else "not paged")
            lines.append(" " * 31 + f" ~ {note.name} is AWAY until "
                         f"{until.strftime('%a %m/%d %H:%M')}: {what}")
        if not finite and decision.round >= 1 and decision.step == len(plan.steps) - 1:
            break
    if policy.repeat is None:
        lines.append("  … and so on, every round, until someone acknowledges (repeat: forever)")
    elif not finite:
        lines.append(f"  … {policy.repeat} extra round(s) in all, then paging stops "
                     "and admins are told")
    return lines


def render_plan(config: Config, incident: str | None = None,
                school: str | None = None, away: Mapping[str, float] | None = None,
                now: float = 0.0) -> str:
    """The plan text; raises KeyError naming an unknown incident type or school.
    ``away``: contact id -> end of their AWAY (epoch seconds), shown as of ``now``."""
    types = [incident] if incident else list(config.incidents)
    for t in types:
        if t not in config.incidents:
            raise KeyError(f"no incident type '{t}' (known: {', '.join(config.incidents)})")
    schools: list[School | None]
    if school:
        found = config.find_school(school)
        if found is None:
            raise KeyError(f"no school '{school}' (use an id, code or name)")
        schools = [found]
    else:
        schools = [*config.schools.values(), None]
    out: list[str] = []
    for t in types:
        itype = config.incidents[t]
        groups: dict[str, list[str]] = {}
        for s in schools:
            policy = select_policy(itype.routes, s)
            if policy is not None:
                groups.setdefault(policy, []).append(s.id if s else "(no school named)")
        for policy, names in groups.items():
            out.append(f"incident '{t}' at {', '.join(names)} → escalation '{policy}'")
            out.extend(_timeline(config, policy, away or {}, now))
            out.append("")
    return "\n".join(out).rstrip() + "\n"
