"""The after-action report of one incident, as data (issue 12). Pure: no I/O, no clock.

Built FROM the JSON of GET /api/incidents/{id} (``detail``) and the audit of who viewed
the incident, so every section the console shows (the checklist ``procedure``, the
``encounter`` log, ``warrant_reviews``, ``records_requests``, ``documents``) is in the
report as soon as it is in the detail; a section absent from the detail is absent here.

Timings, each a time (ISO 8601 UTC and the district's local time) and seconds from the
trigger: trigger → first page → acknowledgement → designee on site → resolved. The
designee's arrival comes from the checklist only (the district letter's step B: a time
field whose name or label says "arrived"/"on site", HH:MM in the district's time, else
the ``done_at`` of a step whose id says so); never from the encounter log, whose
``arrived_at`` is the AGENTS' arrival (core/encounter.py). An arrival before the trigger
is impossible: it is left out and the milestone flagged ``"flag": "before_trigger"``.

``redacted=True`` is the variant for sharing with the school board: no reporter's words
(the report's details, updates, notes and any free-text field), no person's name: each
person (a contact id or a contact's name) is named by role ("principal", "staff
attorney"), phone numbers (E.164 or NANP shapes, never digits inside a timestamp)
removed; other values (enumerated answers such as ``signed_by: "officer"``) stay.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from alertbot.core import encounter
from alertbot.core.timeline_kinds import FREE_TEXT_KINDS, carries_words

SECTIONS = ("procedure", "encounter", "warrant_reviews", "records_requests")
# Free text that may name a student or carry what was said: left out of the redacted
# report (by key, in every section and in the timeline). The encounter log's own free text
# (``core.encounter.FREE_TEXT``: the agents' names and badges, what was said...) is
# withheld too, so a field added there is never shared with the board by mistake.
FREE_TEXT_KEYS = frozenset(encounter.FREE_TEXT) | frozenset({
    "details", "note", "notes", "text", "words", "comment", "comments", "description",
    "summary", "said", "what_was_said", "said_and_done", "done", "what_was_done",
    "names", "agent_names", "agents_names", "badge_numbers", "badges", "people_present",
    "present", "who_present", "stated_purpose", "purpose", "records", "student",
    "students", "parent", "parents", "reporter_phone", "phone", "address",
    "other_category"})
# Kinds withheld from a redacted report: every kind that carries words (the one list,
# core/timeline_kinds.py) and the older kinds that named a sender or a recording.
WORDS_KINDS = FREE_TEXT_KINDS | {"reported_again", "recording", "transcript"}
ON_SITE = re.compile(r"on[_ -]?site|arriv", re.I)
WITHHELD = "[withheld]"
BEFORE_TRIGGER = "before_trigger"
# A phone number: E.164 (+ and 8-15 digits) or NANP ((860) 555-0142, 860.555.0142,
# +1 860 555 0142), never a run of digits inside a word, a time or a date.
_PHONE = re.compile(r"(?<![\w+:.-])(?:\+[1-9]\d{7,14}"
                    r"|(?:\+?1[ .-]?)?(?:\(\d{3}\) ?|\d{3}[ .-]?)\d{3}[ .-]?\d{4})(?![\w:.-]?\w)")
_HHMM = re.compile(r"^(\d{1,2}):(\d{2})$")


def parse_time(value: object) -> float | None:
    """Epoch seconds of an ISO 8601 time from the detail JSON (None when absent)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value).timestamp()
    except ValueError:
        return None


def local(epoch: float | None, timezone: str) -> str | None:
    """``2026-11-30 08:14:05 EST`` in the district's time zone (None for None)."""
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M:%S %Z")


def _clock_time(value: object, day_of: float, start: float, timezone: str) -> float | None:
    """Epoch seconds of a checklist time field: ISO 8601, or ``HH:MM`` in the district's
    time on the local day of ``day_of`` (the step's ``done_at``), or the day before when
    that is after ``day_of`` and the day before is not before ``start`` (the trigger):
    an arrival at 23:55 ticked off at 00:05."""
    at = parse_time(value)
    match = _HHMM.match(value.strip()) if isinstance(value, str) and at is None else None
    if match is None:
        return at
    ticked = datetime.fromtimestamp(day_of, ZoneInfo(timezone))
    moment = ticked.replace(hour=int(match[1]), minute=int(match[2]), second=0,
                            microsecond=0)
    before = moment - timedelta(days=1)
    if moment > ticked + timedelta(minutes=1) and before.timestamp() >= start:
        moment = before
    return moment.timestamp()


def on_site_at(detail: Mapping[str, Any], timezone: str) -> float | None:
    """When the designee reached the school, from the checklist (``procedure``): a time
    field whose name or label says "arrived"/"on site", else the ``done_at`` of a step
    whose id says so. The encounter log is never read: its ``arrived_at`` is the agents'."""
    start = parse_time(detail.get("created_at")) or 0.0
    found: list[float] = []
    for step in detail.get("procedure") or []:
        if not isinstance(step, Mapping):
            continue
        done_at = parse_time(step.get("done_at"))
        for field in step.get("fields") or []:
            label = f"{field.get('name') or ''} {field.get('label') or ''}"
            if field.get("kind", "time") == "time" and ON_SITE.search(label):
                at = _clock_time(field.get("value"), done_at or start, start, timezone)
                if at is not None:
                    found.append(at)
        if not found and done_at is not None and ON_SITE.search(str(step.get("id") or "")):
            found.append(done_at)
    return min(found) if found else None


def timings(detail: Mapping[str, Any], timezone: str) -> dict[str, Any]:
    """Each milestone's time and its seconds from the trigger (None: not reached)."""
    first_page = parse_time(detail.get("first_page_at"))
    if first_page is None:
        sent = [parse_time(m.get("sent_at")) for m in detail.get("messages") or []
                if m.get("kind") == "page"]
        first_page = min((t for t in sent if t is not None), default=None)
    start = parse_time(detail.get("created_at"))
    points = {"triggered": start, "first_page": first_page,
              "acknowledged": parse_time(detail.get("acknowledged_at")),
              "on_site": on_site_at(detail, timezone),
              "resolved": parse_time(detail.get("resolved_at"))}
    out: dict[str, Any] = {}
    for name, at in points.items():
        if at is not None and start is not None and at < start:
            out[name] = {"at": None, "local": None, "seconds": None, "flag": BEFORE_TRIGGER}
            continue
        out[name] = {"at": _iso(at), "local": local(at, timezone),
                     "seconds": None if at is None or start is None else round(at - start, 1)}
    return out


def _iso(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, ZoneInfo("UTC")).isoformat(
        timespec="seconds").replace("+00:00", "Z")


class People:
    """Who is who, for naming people in full or by role: contact id → (name, role)."""

    def __init__(self, contacts: Mapping[str, tuple[str, str]], redacted: bool) -> None:
        self.contacts = contacts
        self.redacted = redacted
        self._names = sorted(((name, role) for name, role in contacts.values() if name),
                             key=lambda pair: -len(pair[0]))

    def person(self, ident: object, name: object = None, role: str = "") -> str:
        """A person as the report names them: their name, or (redacted) their role."""
        found = self._known(ident) or self._known(name)
        if not self.redacted:
            return str(name or (found[0] if found else None) or ident or "")
        return (found[1] if found else role) or "person"

    def _known(self, key: object) -> tuple[str, str] | None:
        """(name, role) of a contact id or a contact's name (None: nobody known)."""
        if not isinstance(key, str) or not key:
            return None
        found = self.contacts.get(key)
        return found or next(((n, r) for n, r in self._names if n == key), None)

    def scrub(self, text: str) -> str:
        """Free text with every known name replaced by its role and phone numbers
        (E.164, NANP) replaced by "[number]" (redacted report only)."""
        if not self.redacted:
            return text
        for name, role in self._names:
            text = text.replace(name, role or "person")
        return _PHONE.sub("[number]", text)

    def scrub_tree(self, value: Any) -> Any:
        """A section of the detail with free-text keys withheld and names replaced."""
        if not self.redacted:
            return value
        if isinstance(value, Mapping):
            # a checklist field of kind "text" holds words: its value is withheld too
            words = FREE_TEXT_KEYS | ({"value"} if value.get("kind") == "text" else set())
            return {k: (WITHHELD if k in words and v not in (None, "", [], {})
                        else self._value(k, v)) for k, v in value.items()}
        if isinstance(value, list):
            return [self.scrub_tree(v) for v in value]
        return self.scrub(value) if isinstance(value, str) else value

    def _value(self, key: str, value: Any) -> Any:
        """A person (``{id, name}``, a contact id or a contact's name) becomes their role;
        any other value (an enumerated answer: ``signed_by: "officer"``) is only scrubbed."""
        if isinstance(value, Mapping) and set(value) == {"id", "name"}:
            return self.person(value.get("id"), value.get("name"))
        found = self._known(value)
        if found:
            return found[1] or "person"
        return self.scrub_tree(value)


def build_report(detail: Mapping[str, Any], audit: Iterable[Mapping[str, Any]], *,
                 timezone: str, contacts: Mapping[str, tuple[str, str]], redacted: bool,
                 generated_at: float) -> dict[str, Any]:
    """The report as JSON-ready data (see the module docstring). ``contacts``: contact id
    → (name, role) from the config; ``generated_at``: epoch seconds."""
    people = People(contacts, redacted)
    reporter = detail.get("reporter") or {}
    acked = detail.get("acknowledged_by") or None
    report: dict[str, Any] = {
        "report": "after-action", "redacted": redacted, "generated_at": _iso(generated_at),
        "generated_local": local(generated_at, timezone), "timezone": timezone,
        "incident": {k: detail.get(k) for k in ("id", "incident", "title", "school",
                                                 "school_name", "state", "source", "drill",
                                                 "unverified")},
        "reporter": people.person(reporter.get("id"), reporter.get("name"), "reporter"),
        "details": None if redacted else detail.get("details"),
        "acknowledged_by": (people.person(acked.get("id"), acked.get("name"))
                            if isinstance(acked, Mapping) else None),
        "resolved_by": (people.person(detail.get("resolved_by"))
                        if detail.get("resolved_by") else None),
        "timings": timings(detail, timezone),
        "pages": [{
            "at": m.get("sent_at") or m.get("created_at"),
            "local": local(parse_time(m.get("sent_at") or m.get("created_at")), timezone),
            "to": people.person(m.get("contact")) if m.get("contact") else None,
            "kind": m.get("kind"), "channel": m.get("channel"), "step": m.get("step"),
            "round": m.get("round"), "result": m.get("provider_status") or m.get("status"),
            "error": m.get("error"), "reason": people.scrub(str(m.get("reason") or "")),
        } for m in detail.get("messages") or []],
        "timeline": [_entry(e, people, timezone) for e in detail.get("timeline") or []],
        "documents": [{
            "id": d.get("id"), "content_type": d.get("content_type"), "bytes": d.get("bytes"),
            "status": d.get("status"), "added_at": d.get("added_at"),
            "added_by": people.person((d.get("added_by") or {}).get("id"),
                                      (d.get("added_by") or {}).get("name"), "reporter"),
        } for d in detail.get("documents") or []],
        "audit": [{"at": a.get("at"), "local": local(parse_time(a.get("at")), timezone),
                   "who": people.person(a.get("contact") or a.get("who"), a.get("name")),
                   "action": a.get("action")} for a in audit],
    }
    for section in SECTIONS:
        if section in detail:
            report[section] = people.scrub_tree(detail[section])
    return report


def _entry(entry: Mapping[str, Any], people: People, timezone: str) -> dict[str, Any]:
    kind = str(entry.get("kind") or "")
    text = str(entry.get("text") or "")
    if people.redacted and (kind in WORDS_KINDS or carries_words(kind)):
        text = WITHHELD
    actor = entry.get("actor")
    return {"at": entry.get("at"), "local": local(parse_time(entry.get("at")), timezone),
            "kind": kind, "actor": people.scrub(str(actor)) if actor else None,
            "text": people.scrub(text)}
