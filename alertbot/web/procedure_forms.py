"""Issue 12's form posts, translated into typed values (the handlers only translate).

``Form`` is the posted fields as lists of strings (a checkbox group repeats a name).
Every parser returns the values and the problems (English, or a ``TooLong`` the
page names by its label, for a 400); a field absent
from the form is left unchanged (partial updates). Times come as an HTML
``datetime-local`` value (``2026-11-30T15:00``) in the district's time zone, or empty
to clear them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from alertbot.core import encounter as enc
from alertbot.core.lengths import Problem, too_long
from alertbot.core.records_requests import NOTICE_METHODS, Presented, clean_categories
from alertbot.core.records_requests import TEXT_MAX as RECORDS_TEXT_MAX
from alertbot.text.messages import clean_text
from alertbot.text.procedure_ui import field_label

Form = Mapping[str, Sequence[str]]


def first(form: Form, name: str) -> str | None:
    values = form.get(name)
    return str(values[0]) if values else None


def flag(form: Form, name: str) -> bool:
    return (first(form, name) or "").strip().lower() in ("1", "on", "yes", "true")


def parse_local(text: str, timezone: str) -> float | None:
    """A ``datetime-local`` value (or ISO 8601 with an offset) -> epoch seconds; None
    when it is not one."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(timezone))
    return moment.timestamp()


def _time(form: Form, name: str, timezone: str, out: dict[str, object],
          problems: list[Problem]) -> None:
    raw = first(form, name)
    if raw is None:
        return
    if not raw.strip():
        out[name] = None
        return
    value = parse_local(raw, timezone)
    if value is None:
        problems.append(f"{name}: a date and time like 2026-11-30T09:40")
    else:
        out[name] = value


def _text(form: Form, name: str, limit: int, out: dict[str, object],
          problems: list[Problem]) -> None:
    """Free text ``name``, cleaned (blanks collapsed), at most ``limit`` characters: a
    longer one is a problem naming the field and the limit, never cut."""
    raw = first(form, name)
    if raw is None:
        return
    value = clean_text(raw, len(raw))
    problem = too_long(name, value, limit)
    if problem:
        problems.append(problem)
    else:
        out[name] = value


def typed_text(form: Form, language: str,
               labels: Mapping[str, Mapping[str, str]] | None = None) -> list[tuple[str, str]]:
    """What the person typed (each non-empty field but the CSRF token and flags), so a
    page that refuses the post can show it back: nothing typed is lost. Each is (the
    field's label as the form showed it in ``language``, the text); ``labels``: a
    checklist step's fields' labels from the config, by field name."""
    skip = {"csrf_token", "contact", "undo"}
    return [(field_label(name, language, (labels or {}).get(name)), values[0])
            for name, values in form.items()
            if name not in skip and values and len(values[0].strip()) > 3]


def encounter_changes(form: Form, timezone: str) -> tuple[dict[str, object], list[Problem]]:
    """The encounter fields present in ``form`` (core/encounter.py), typed."""
    out: dict[str, object] = {}
    problems: list[Problem] = []
    for name in enc.TIMES:
        _time(form, name, timezone, out, problems)
    count = first(form, "agents_count")
    if count is not None:
        count = count.strip()
        if not count:
            out["agents_count"] = None
        elif count.isascii() and count.isdigit() and int(count) < 1000:
            out["agents_count"] = int(count)
        else:
            problems.append("agents_count: a whole number from 0 to 999")
    _text(form, "agency", enc.AGENCY_MAX, out, problems)
    outcome = first(form, "outcome")
    if outcome is not None:
        if outcome and outcome not in {o.value for o in enc.Outcome}:
            problems.append("outcome: one of " + ", ".join(o.value for o in enc.Outcome))
        else:
            out["outcome"] = outcome
    for name in enc.FREE_TEXT:
        _text(form, name, enc.TEXT_MAX, out, problems)
    return out, problems


def records_fields(form: Form, timezone: str, creating: bool
                   ) -> tuple[dict[str, object], dict[str, str], list[Problem]]:
    """A records request's fields (service/records.py SETTABLE), its actions
    (``parents_notified`` = how, ``provided``, ``counsel_signoff``) and the problems.
    Categories: the fixed list only (core/records_requests.CATEGORIES); anything else
    goes in ``other_category`` (free text the console flags)."""
    fields: dict[str, object] = {}
    actions: dict[str, str] = {}
    problems: list[Problem] = []
    presented = first(form, "presented")
    if presented is not None or creating:
        try:
            fields["presented"] = Presented(presented or "")
        except ValueError:
            problems.append("presented: one of " + ", ".join(p.value for p in Presented))
    if "categories" in form or creating:
        known, unknown = clean_categories([str(c) for c in form.get("categories", ())])
        if unknown:
            problems.append(f"categories: unknown {', '.join(unknown)} (name records by "
                            "category, never by student; use other_category)")
        fields["categories"] = known
    for name in ("other_category", "notes"):
        _text(form, name, RECORDS_TEXT_MAX, fields, problems)
    nd = first(form, "non_disclosure")
    if nd is not None or creating:
        fields["non_disclosure"] = flag(form, "non_disclosure")
    for name in ("parent_notice_due_at", "response_due_at"):
        _time(form, name, timezone, fields, problems)
    how = first(form, "parents_notified_how")
    if flag(form, "parents_notified") or how:
        if how not in NOTICE_METHODS:
            problems.append("parents_notified_how: one of " + ", ".join(NOTICE_METHODS))
        else:
            actions["parents_notified"] = how
    for name in ("provided", "counsel_signoff"):
        if flag(form, name):
            actions[name] = "1"
    return fields, actions, problems
