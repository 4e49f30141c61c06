"""Load escalation.yaml and contacts/ into a domain Config, reporting every problem.

    problems = []
    config = load_config("escalation.yaml", "contacts", problems)   # None if any error

Every problem names the file, the line and the dotted path, e.g.
``escalation.yaml:14: escalations.ice.steps[1].notify[0]: no contact or role 'bob'``.
"""

from __future__ import annotations

import os
import zoneinfo
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from alertbot.config.common import (
    NO_WAIT_FLOORS,
    TITLE_NAMES_IMMIGRATION,
    WAIT_FLOORS,
    WaitFloors,
    normalise_phone,
    pydantic_message,
    read_yaml_file,
    seconds_text,
    title_names_immigration,
    validate_piece,
    where_title,
)
from alertbot.config.contacts import load_contacts
from alertbot.config.drills import check_drills
from alertbot.config.procedure import load_procedure, load_retention
from alertbot.config.schema import (
    ConsoleModel,
    EscalationModel,
    IncidentModel,
    RouteModel,
    SchoolModel,
    StepModel,
    TopModel,
    TriggerModel,
)
from alertbot.config.yamlmap import LoadedYaml, Problem
from alertbot.config.yamlmap import Path as YPath
from alertbot.core.commands import COMMAND_WORDS, RESERVED_WORDS
from alertbot.core.model import (
    Channel,
    Config,
    Contact,
    IncidentType,
    Policy,
    Route,
    School,
    Step,
    Trigger,
    resolve_targets,
)
from alertbot.core.plan import select_policy
from alertbot.core.spanish import plain

__all__ = ["NO_WAIT_FLOORS", "WAIT_FLOORS", "ConfigError", "WaitFloors", "load_config",
           "load_or_raise", "normalise_phone"]



class ConfigError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def _route(model: RouteModel) -> Route:
    when = {str(k): (v,) if isinstance(v, str) else tuple(v) for k, v in model.when.items()}
    return Route(when=when, escalation=model.escalation,
                 routes=tuple(_route(r) for r in model.routes))


def _check_routes(doc: LoadedYaml, routes: list[RouteModel], path: YPath,
                  known_values: dict[str, set[str]] | None, escalations: Iterable[str] | None,
                  problems: list[Problem]) -> None:
    """``known_values``/``escalations`` None: that section is broken, do not check uses of it."""
    for index, route in enumerate(routes):
        rpath: YPath = (*path, index)
        for key, value in route.when.items():
            if known_values is None:
                break
            values = [value] if isinstance(value, str) else value
            known = known_values[key]
            for v in values:
                if v not in known:
                    problems.append(doc.problem((*rpath, "when", key), f"no {key} '{v}'"))
        if (escalations is not None and route.escalation is not None
                and route.escalation not in escalations):
            problems.append(doc.problem((*rpath, "escalation"),
                                        f"no escalation '{route.escalation}'"))
        if route.escalation is None and not route.routes:
            problems.append(doc.problem(rpath, "a route needs 'escalation' or 'routes'"))
        _check_routes(doc, route.routes, (*rpath, "routes"), known_values, escalations,
                      problems)


# Stand-ins for a broken or missing section, so one bad top-level key does not hide
# every other problem: the section is then treated as empty and uses of it go unchecked.
_SECTION_STANDINS: dict[str, Any] = {
    "version": 1, "organization": "?", "schools": [None], "triggers": [None],
    "incidents": {"?": None}, "escalations": {"?": None},
}


def _validate_top(doc: LoadedYaml, problems: list[Problem]) -> tuple[TopModel, set[str]]:
    """The top-level settings, and the names of those that were invalid (and reported)."""
    data: dict[str, Any] = doc.data
    try:
        return TopModel.model_validate(data), set()
    except ValidationError as exc:
        errors = exc.errors()
    for error in errors:
        problems.append(doc.problem(tuple(error["loc"]), pydantic_message(error)))
    broken = {str(e["loc"][0]) for e in errors if e["loc"]}
    fields = TopModel.model_fields
    kept = {k: v for k, v in data.items() if k in fields and k not in broken}
    top = TopModel.model_validate(
        {**{k: v for k, v in _SECTION_STANDINS.items() if k not in kept}, **kept})
    empty = {k: type(v)() for k, v in _SECTION_STANDINS.items()
             if k in broken and isinstance(v, list | dict)}
    return top.model_copy(update=empty), broken & set(fields)


def load_config(config_path: str | os.PathLike[str], contacts_path: str | os.PathLike[str],
                problems: list[Problem], floors: WaitFloors = WAIT_FLOORS) -> Config | None:
    """The Config, or None with ``problems`` filled (warnings may be added either way).

    ``floors``: the shortest waits allowed (``NO_WAIT_FLOORS`` for tests on a real clock).
    """
    read = load_contacts(Path(contacts_path), problems, floors)
    contacts, contact_where = read.contacts, read.where
    doc = read_yaml_file(Path(config_path), problems)
    if doc is None:
        return None
    if not isinstance(doc.data, dict):
        problems.append(doc.problem((), "escalation.yaml must be a mapping of settings"))
        return None
    top, broken = _validate_top(doc, problems)
    try:
        zoneinfo.ZoneInfo(top.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        problems.append(doc.problem(("timezone",), f"unknown time zone '{top.timezone}'"))
    digest = top.readiness.digest if top.readiness is not None else None
    if digest is not None and not _cron_ok(digest):
        problems.append(doc.problem(("readiness", "digest"),
                                    f"not a cron expression: '{digest}' (e.g. \"30 7 * * MON\": "
                                    "Mondays 07:30)"))
    fallback = None
    if top.fallback_phone is not None:
        fallback = normalise_phone(top.fallback_phone)
        if fallback is None:
            problems.append(doc.problem(("fallback_phone",),
                                        f"not a valid phone number: '{top.fallback_phone}'"))

    roles = {r for c in contacts.values() for r in c.roles}

    def check_target(target: str, path: YPath) -> None:
        if read.unreadable or target in read.written:
            return  # the contacts file at fault was reported; this may well be right
        if target not in contacts and target not in roles:
            problems.append(doc.problem(path, f"no contact or role '{target}'"))

    for index, admin in enumerate(top.admins):
        check_target(admin, ("admins", index))
    console = top.console or ConsoleModel()
    for index, target in enumerate(console.see_all):
        check_target(target, ("console", "see_all", index))
    for index, role in enumerate(console.school_roles):
        if not read.unreadable and role not in roles and role not in read.written:
            problems.append(doc.problem(("console", "school_roles", index),
                                        f"no contact has the role '{role}'", warning=True))

    schools: dict[str, School] = {}
    codes: dict[str, str] = {}
    for index, item in enumerate(top.schools):
        s = validate_piece(SchoolModel, doc, item, ("schools", index), problems)
        if s is None:
            continue
        if s.id in schools:
            first = next(i for i, raw in enumerate(top.schools)
                         if isinstance(raw, dict) and str(raw.get("id")) == s.id)
            problems.append(doc.problem(("schools", index, "id"),
                                        f"school id '{s.id}' is already used by schools[{first}]"))
            continue
        if s.code in codes:
            problems.append(doc.problem(("schools", index, "code"),
                                        f"school code '{s.code}' is already used by "
                                        f"'{codes[s.code]}'"))
        codes[s.code] = s.id
        schools[s.id] = School(s.id, s.name, s.code, s.region)

    # Schools written but invalid were reported above; do not report every use of them.
    raw_school_ids = {str(i.get("id")) for i in top.schools if isinstance(i, dict)}
    raw_regions = {str(i["region"]) for i in top.schools
                   if isinstance(i, dict) and i.get("region") is not None}
    known_values = None if "schools" in broken else {"school": raw_school_ids,
                                                      "region": raw_regions}
    for cid, contact in contacts.items():
        cdoc, cpath = contact_where[cid]
        for index, school_id in enumerate(contact.schools):
            if known_values is not None and school_id not in raw_school_ids:
                problems.append(cdoc.problem((*cpath, "schools", index),
                                             f"no school '{school_id}'"))

    escalations: dict[str, Policy] = {}
    for name, item in top.escalations.items():
        epath: YPath = ("escalations", name)
        e = validate_piece(EscalationModel, doc, item, epath, problems)
        # A bad `repeat` must not hide the mistakes in the steps: check them either way.
        raw_steps = e.steps if e is not None else (
            item["steps"] if isinstance(item, dict) and isinstance(item.get("steps"), list)
            else [])
        steps: list[Step] = []
        for sindex, raw_step in enumerate(raw_steps):
            spath: YPath = (*epath, "steps", sindex)
            step = validate_piece(StepModel, doc, raw_step, spath, problems)
            if step is None:
                continue
            if 0 < step.wait < floors.step:
                problems.append(doc.problem((*spath, "wait"),
                    f"wait {seconds_text(step.wait)} is too short: use 0 (the next step at "
                    f"once) or at least {seconds_text(floors.step)} (time to read and answer "
                    "a page)"))
            for tindex, target in enumerate(step.notify):
                check_target(target, (*spath, "notify", tindex))
            step_channels = tuple(Channel(c) for c in step.channels) if step.channels else None
            step_obj = Step(tuple(step.notify), step.wait, step_channels)
            steps.append(step_obj)
            # (A step naming only unknown ids/roles was reported above, per target.)
            people = resolve_targets(contacts, step_obj.targets)
            _check_step_reach(doc, spath, step_obj, people, step.slack_only_ok, read.reported,
                              problems)
        if e is None:
            continue
        round_time = sum(s.wait for s in steps)
        if steps and e.repeat != 0 and round_time <= 0:
            problems.append(doc.problem((*epath, "steps", len(steps) - 1, "wait"),
                                        "a repeating policy needs a wait greater than 0"))
        elif (steps and len(steps) == len(raw_steps) and e.repeat != 0
              and round_time < floors.round):
            problems.append(doc.problem((*epath, "repeat"),
                f"a repeating policy's round (its waits added up) is "
                f"{seconds_text(round_time)}: it must be at least "
                f"{seconds_text(floors.round)}, as every round pages everyone again"))
        repeat = None if e.repeat == "forever" else int(e.repeat)
        escalations[name] = Policy(name, tuple(steps), repeat)

    incidents: dict[str, IncidentType] = {}
    for name, item in top.incidents.items():
        ipath: YPath = ("incidents", name)
        inc = validate_piece(IncidentModel, doc, item, ipath, problems)
        if inc is None:
            continue
        if inc.routes is not None and inc.escalation is not None:
            problems.append(doc.problem((*ipath, "escalation"),
                                        "give either 'escalation' or 'routes', not both"))
            continue
        if inc.routes is None and inc.escalation is None:
            problems.append(doc.problem(ipath, "an incident needs 'escalation' or 'routes'"))
            continue
        routes_m = inc.routes if inc.routes is not None else [RouteModel(escalation=inc.escalation)]
        known_escalations = None if "escalations" in broken else top.escalations
        if (inc.routes is None and known_escalations is not None
                and inc.escalation not in known_escalations):
            problems.append(doc.problem((*ipath, "escalation"),
                                        f"no escalation '{inc.escalation}'"))
        else:
            _check_routes(doc, routes_m, (*ipath, "routes"), known_values, known_escalations,
                          problems)
        routes = tuple(_route(r) for r in routes_m)
        for school in [*schools.values(), None]:
            if select_policy(routes, school) is None:
                label = f"school '{school.id}'" if school else "an incident with no school"
                problems.append(doc.problem((*ipath, "routes"),
                                            f"no route matches {label}; add a catch-all route"))
                break
        titles = ({str(k): v for k, v in inc.title.items()} if isinstance(inc.title, dict)
                  else {"en": inc.title})
        for lang, title in titles.items():
            try:
                title.format(school="x")
            except (KeyError, IndexError, ValueError):
                problems.append(doc.problem(where_title(inc.title, ipath, lang),
                                            "the title may only use the placeholder {school}"))
            word = title_names_immigration(title)
            if word is not None:
                problems.append(doc.problem(where_title(inc.title, ipath, lang),
                                            TITLE_NAMES_IMMIGRATION.format(word=word),
                                            warning=True))
        guidance = {str(k): v for k, v in inc.guidance.items()}
        phone_label = {str(k): v for k, v in inc.phone_label.items()}
        procedure = load_procedure(doc, inc.procedure, (*ipath, "procedure"), check_target,
                                   problems)
        incidents[name] = IncidentType(name, titles["en"], guidance, routes, phone_label,
                                       inc.drill,
                                       titles if isinstance(inc.title, dict) else {},
                                       procedure)

    triggers: list[Trigger] = []
    seen: dict[tuple[str, str], int] = {}
    for index, item in enumerate(top.triggers):
        tpath: YPath = ("triggers", index)
        t = validate_piece(TriggerModel, doc, item, tpath, problems)
        if t is None:
            continue
        if "incidents" not in broken and t.incident not in top.incidents:
            problems.append(doc.problem((*tpath, "incident"), f"no incident '{t.incident}'"))
        if t.keyword is None and t.slash_command is None and t.phone_digit is None:
            problems.append(doc.problem(tpath,
                                        "a trigger needs keyword, slash_command or phone_digit"))
        if t.keyword is not None and (t.keyword.upper() in RESERVED_WORDS
                                      or plain(t.keyword) in COMMAND_WORDS):
            problems.append(doc.problem((*tpath, "keyword"),
                                        f"'{t.keyword}' is reserved (Twilio or alertbot "
                                        "command); choose another keyword"))
        for key, value in (("keyword", (t.keyword or "").upper()),
                           ("slash_command", t.slash_command or ""),
                           ("phone_digit", str(t.phone_digit or ""))):
            if not value:
                continue
            if (key, value) in seen:
                problems.append(doc.problem((*tpath, key),
                                            f"{key} '{value}' is already used by "
                                            f"triggers[{seen[key, value]}]"))
            seen[key, value] = index
        triggers.append(Trigger(t.incident, t.keyword, t.slash_command, t.phone_digit))

    retention = load_retention(doc, top.retention, problems)
    drills = check_drills(doc, top.drills, schools, incidents, escalations, contacts, problems)
    if any(not p.warning for p in problems):
        return None
    return Config(
        organization=top.organization, timezone=top.timezone, schools=schools,
        triggers=tuple(triggers), incidents=incidents, escalations=escalations,
        contacts=contacts, unknown_reporters=top.unknown_reporters, fallback_phone=fallback,
        admins=tuple(top.admins), pin=top.pin, version=top.version, drills=drills,
        see_all=tuple(console.see_all), school_roles=tuple(console.school_roles),
        caller_wait=top.caller_wait,
        retention=retention,
        readiness_digest=digest,
    )


def _cron_ok(expression: str) -> bool:
    """Whether croniter reads ``expression`` (five fields: minute hour day month weekday)."""
    from croniter import croniter

    return len(expression.split()) == 5 and bool(croniter.is_valid(expression))


def _check_step_reach(doc: LoadedYaml, path: YPath, step: Step, people: tuple[Contact, ...],
                      slack_only_ok: bool, reported: dict[str, set[Channel]],
                      problems: list[Problem]) -> None:
    """A person the step cannot reach at all is an error; Slack-only paging is a warning.

    A channel whose missing or invalid address was reported on the contact counts as
    reachable here: the same mistake is not reported again at every step.
    """
    for contact in people:
        channels = step.channels if step.channels is not None else contact.channels
        already = reported.get(contact.id, set())
        reachable = [c for c in channels if contact.address(c) or c in already]
        if not reachable:
            problems.append(doc.problem((*path, "notify"),
                                        f"'{contact.id}' has no address for "
                                        f"{', '.join(channels)}: they would never be paged"))
        elif set(reachable) == {Channel.SLACK} and not slack_only_ok:
            problems.append(doc.problem(
                (*path, "channels" if step.channels else "notify"),
                f"'{contact.id}' is paged by Slack only; Slack cannot break through Do Not "
                "Disturb (set slack_only_ok: true on the step if this is intended)",
                warning=True))


def load_or_raise(config_path: str | os.PathLike[str],
                  contacts_path: str | os.PathLike[str],
                  floors: WaitFloors = WAIT_FLOORS) -> Config:
    problems: list[Problem] = []
    config = load_config(config_path, contacts_path, problems, floors)
    if config is None:
        raise ConfigError([p for p in problems if not p.warning])
    return config
