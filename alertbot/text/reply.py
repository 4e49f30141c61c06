"""The receiver's answer as data: which message (``ReplyKey``), its values, for whom.

A ``Reply`` is what the webhook dedup table keeps (``to_json``): a replayed request is
rendered again from the same key and values, in the words the medium uses today.
Every key is listed in ``FIELDS`` with the values its renderers need, so a test can walk
them all and a stored reply missing one is replayed as its stored words (``VERBATIM``).

Value shapes (all JSON):
    n, target, count, minutes   int
    name, school                str (a person's or school's name: user data, escaped
                                and folded by each medium); ``school`` may be None
    fallback                    str, the phone number to call ("" when none is set)
    guidance                    {language: str}, or a str already in the reply's language
    names                       str, people's names joined by ", " (user data)
    ids                         [int, ...] incident numbers to choose from
    names                       [str, ...] people's names (user data, like ``name``)
    keywords                    [str, ...] report keywords, the first is the example
    incidents                   [{"n": int, "school": str | None, "acked_by": str | None}]
    text                        str (``VERBATIM`` only)
    until                       str, an AWAY's end in the district's time ("Fri 12/04 00:00")
    days                        int, the longest AWAY
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from alertbot.core.actors import Outcome


class ReplyKey(StrEnum):
    """Every answer the receiver (or an adapter that could not reach it) can give.

    The value is the template key in each medium's table.
    """

    RECEIPT = "receipt"  # a new incident
    RECEIPT_JOINED = "receipt_joined"  # the report joined an open incident
    RECEIPT_JOINED_ACKED = "receipt_joined_acked"  # … that someone is responding to
    MERGED = "merged"  # a school-less incident merged into the school's open one
    MERGED_ACKED = "merged_acked"
    SENDER_LIMITED = "sender_limited"  # over the sender's cap: joined their incident
    SENDER_LIMITED_NOFALLBACK = "sender_limited_nofallback"  # … with no fallback_phone
    SCHOOL_SET = "school_set"
    UPDATE_ADDED = "update_added"
    UPDATE_ADDED_RESOLVED = "update_added_resolved"
    NOT_ACKED = "not_acked"  # a responder's own words are not an ACK
    NOT_ACKED_WHICH = "not_acked_which"
    HELP = "help"
    NO_SUCH = "no_such"
    NOT_ALLOWED = "not_allowed"
    UNKNOWN_SENDER = "unknown_sender"
    UNKNOWN_SENDER_NOFALLBACK = "unknown_sender_nofallback"
    ACK_OK = "ack_ok"
    ACK_OK_UNTOLD = "ack_ok_untold"  # … and no reporter to tell (a scheduled drill)
    ACK_ALREADY = "ack_already"
    ACK_NONE = "ack_none"
    ACK_WHICH = "ack_which"
    RESOLVE_OK = "resolve_ok"
    RESOLVE_OK_DRILL = "resolve_ok_drill"  # a scheduled drill: the admins get its report
    RESOLVE_ALREADY = "resolve_already"
    RESOLVE_WHICH = "resolve_which"
    STATUS = "status"
    STATUS_NONE = "status_none"
    CONFIRM_CALL = "confirm_call"  # caller ID only: alertbot calls back to confirm
    CONFIRM_IMPOSSIBLE = "confirm_impossible"
    BRIDGE_OK = "bridge_ok"  # BRIDGE: the conference calls are being placed (issue 13)
    BRIDGE_NOT_ACKED = "bridge_not_acked"  # nobody acknowledged it yet
    BRIDGE_ALREADY = "bridge_already"  # the calls were placed a moment ago
    BRIDGE_NOBODY = "bridge_nobody"  # nobody to call has a phone number
    BRIDGE_WHICH = "bridge_which"
    BRIDGE_JOIN = "bridge_join"  # a dial-in joins the team call now
    BRIDGE_CALLBACK = "bridge_callback"  # caller ID only: alertbot calls them into it
    INTAKE_ERROR = "intake_error"  # the command could not be applied: call for help
    INTAKE_ERROR_NOFALLBACK = "intake_error_nofallback"  # … with no fallback_phone
    DOCUMENT_RECEIVED = "document_received"  # an MMS photo attached to #n (issue 12)
    DOCUMENT_RECEIVED_MANY = "document_received_many"  # … several files
    DOCUMENT_WHICH = "document_which"  # several open incidents: send it with a number
    DOCUMENT_NONE = "document_none"  # nothing open of theirs to attach it to
    CONSOLE_PAGED = "console_paged"  # the console paged someone now (issue 11)
    CONSOLE_MESSAGED = "console_messaged"  # the console texted the reporter
    CONSOLE_NO_TARGET = "console_no_target"  # no contact or role of that name
    CONSOLE_CANNOT_SEE = "console_cannot_see"  # the target may not open the incident
    CONSOLE_CANNOT_ANSWER = "console_cannot_answer"  # the target may not answer its page
    CONSOLE_NO_PHONE = "console_no_phone"  # the reporter has no number to text
    CONSOLE_CLOSED = "console_closed"  # paging for a resolved incident
    CONSOLE_PAGE_ACKED = "console_page_acked"  # ACK of a console page after {name}'s ACK
    NOTE_OK = "note_ok"  # a note is on the incident's timeline
    NOTE_EMPTY = "note_empty"  # NOTE 12 with no words
    NOTE_HOW = "note_how"  # NOTE with no number
    NOTE_TOO_LONG = "note_too_long"  # over service/notes.NOTE_MAX: nothing added
    AWAY_OK = "away_ok"  # AWAY: not paged until {until} while others can be (issue 14)
    AWAY_UNREADABLE = "away_unreadable"  # AWAY <something we cannot read>
    AWAY_AMBIGUOUS = "away_ambiguous"  # AWAY friday: away on it, or back on it?
    AWAY_TOO_LONG = "away_too_long"  # longer than {days} days
    AWAY_PAST = "away_past"  # a date already past
    BACK_OK = "back_ok"
    BACK_NOT_AWAY = "back_not_away"
    AWAY_NOT_PAGED = "away_not_paged"  # AWAY/BACK from someone no step pages (who.py)
    NONE = "none"  # nothing to say (opt-out words: Twilio answers those itself)
    VERBATIM = "verbatim"  # a reply stored before replies were data: its words as kept


_RECEIPT = frozenset({"n", "guidance", "school", "fallback"})

FIELDS: dict[ReplyKey, frozenset[str]] = {
    ReplyKey.RECEIPT: _RECEIPT,
    ReplyKey.RECEIPT_JOINED: _RECEIPT,
    ReplyKey.RECEIPT_JOINED_ACKED: _RECEIPT | {"name"},
    ReplyKey.MERGED: frozenset({"n", "target", "school"}),
    ReplyKey.MERGED_ACKED: frozenset({"n", "target", "school", "name"}),
    ReplyKey.SENDER_LIMITED: frozenset({"n", "count", "minutes", "fallback"}),
    ReplyKey.SENDER_LIMITED_NOFALLBACK: frozenset({"n", "count", "minutes"}),
    ReplyKey.SCHOOL_SET: frozenset({"n", "school"}),
    ReplyKey.UPDATE_ADDED: frozenset({"n"}),
    ReplyKey.UPDATE_ADDED_RESOLVED: frozenset({"n"}),
    ReplyKey.NOT_ACKED: frozenset({"n"}),
    ReplyKey.NOT_ACKED_WHICH: frozenset({"ids"}),
    ReplyKey.HELP: frozenset({"keywords"}),
    ReplyKey.NO_SUCH: frozenset({"n"}),
    ReplyKey.NOT_ALLOWED: frozenset({"n"}),
    ReplyKey.UNKNOWN_SENDER: frozenset({"fallback"}),
    ReplyKey.UNKNOWN_SENDER_NOFALLBACK: frozenset(),
    ReplyKey.ACK_OK: frozenset({"n"}),
    ReplyKey.ACK_OK_UNTOLD: frozenset({"n"}),
    ReplyKey.ACK_ALREADY: frozenset({"n", "name"}),
    ReplyKey.ACK_NONE: frozenset(),
    ReplyKey.ACK_WHICH: frozenset({"ids"}),
    ReplyKey.RESOLVE_OK: frozenset({"n"}),
    ReplyKey.RESOLVE_OK_DRILL: frozenset({"n"}),
    ReplyKey.RESOLVE_ALREADY: frozenset({"n", "name"}),
    ReplyKey.RESOLVE_WHICH: frozenset({"ids"}),
    ReplyKey.STATUS: frozenset({"incidents"}),
    ReplyKey.STATUS_NONE: frozenset(),
    ReplyKey.CONFIRM_CALL: frozenset({"n"}),
    ReplyKey.CONFIRM_IMPOSSIBLE: frozenset({"n"}),
    ReplyKey.BRIDGE_OK: frozenset({"n", "names"}),
    ReplyKey.BRIDGE_NOT_ACKED: frozenset({"n"}),
    ReplyKey.BRIDGE_ALREADY: frozenset({"n"}),
    ReplyKey.BRIDGE_NOBODY: frozenset({"n"}),
    ReplyKey.BRIDGE_WHICH: frozenset({"ids"}),
    ReplyKey.BRIDGE_JOIN: frozenset({"n"}),
    ReplyKey.BRIDGE_CALLBACK: frozenset({"n"}),
    ReplyKey.INTAKE_ERROR: frozenset({"fallback"}),
    ReplyKey.INTAKE_ERROR_NOFALLBACK: frozenset(),
    ReplyKey.DOCUMENT_RECEIVED: frozenset({"n"}),
    ReplyKey.DOCUMENT_RECEIVED_MANY: frozenset({"n", "count"}),
    ReplyKey.DOCUMENT_WHICH: frozenset({"ids"}),
    ReplyKey.DOCUMENT_NONE: frozenset(),
    ReplyKey.CONSOLE_PAGED: frozenset({"n", "names"}),
    ReplyKey.CONSOLE_MESSAGED: frozenset({"n"}),
    ReplyKey.CONSOLE_NO_TARGET: frozenset({"n"}),
    ReplyKey.CONSOLE_CANNOT_SEE: frozenset({"n", "names"}),
    ReplyKey.CONSOLE_CANNOT_ANSWER: frozenset({"n", "names"}),
    ReplyKey.CONSOLE_NO_PHONE: frozenset({"n"}),
    ReplyKey.CONSOLE_CLOSED: frozenset({"n"}),
    ReplyKey.CONSOLE_PAGE_ACKED: frozenset({"n", "name"}),
    ReplyKey.NOTE_OK: frozenset({"n"}),
    ReplyKey.NOTE_EMPTY: frozenset({"n"}),
    ReplyKey.NOTE_HOW: frozenset(),
    ReplyKey.NOTE_TOO_LONG: frozenset({"n", "max", "length"}),
    ReplyKey.AWAY_OK: frozenset({"until"}),
    ReplyKey.AWAY_UNREADABLE: frozenset(),
    ReplyKey.AWAY_AMBIGUOUS: frozenset(),
    ReplyKey.AWAY_TOO_LONG: frozenset({"days"}),
    ReplyKey.AWAY_PAST: frozenset(),
    ReplyKey.BACK_OK: frozenset(),
    ReplyKey.BACK_NOT_AWAY: frozenset(),
    ReplyKey.AWAY_NOT_PAGED: frozenset(),
    ReplyKey.NONE: frozenset(),
    ReplyKey.VERBATIM: frozenset({"text"}),
}

# Replies that list incident numbers to choose from (``ids``), rendered per medium.
WHICH = frozenset({ReplyKey.ACK_WHICH, ReplyKey.RESOLVE_WHICH, ReplyKey.NOT_ACKED_WHICH,
                   ReplyKey.BRIDGE_WHICH, ReplyKey.DOCUMENT_WHICH})

RECEIPTS = frozenset({ReplyKey.RECEIPT, ReplyKey.RECEIPT_JOINED, ReplyKey.RECEIPT_JOINED_ACKED})


@dataclass(frozen=True)
class Reply:
    """What the sender is told, as data: ``key`` and the ``values`` its templates need
    (see the module docstring for their shapes), the ``language`` of the sender, the
    ``incident_id`` it concerns (None: none) and the explicit ``outcome``.

    Raises ``ValueError`` when ``values`` lack a field ``FIELDS[key]`` names: a reply
    that no medium could render is a bug at the place that built it.
    """

    key: ReplyKey
    values: dict[str, Any] = field(default_factory=dict)
    language: str = "en"
    incident_id: int | None = None
    outcome: Outcome = Outcome.INFO
    drill: bool = False  # it concerns a drill incident: every medium says DRILL (issue 14)

    def __post_init__(self) -> None:
        missing = FIELDS[self.key] - self.values.keys()
        if missing:
            raise ValueError(f"reply {self.key} lacks {', '.join(sorted(missing))}")

    @property
    def confirm_call(self) -> bool:
        """Nothing was done yet: alertbot is calling the contact back to confirm."""
        return self.outcome is Outcome.CONFIRM_BY_CALL

    def to_json(self) -> str:
        """How the webhook dedup table keeps it: the data, never rendered words."""
        data = {"outcome": str(self.outcome), "key": str(self.key), "values": self.values,
                "incident_id": self.incident_id, "language": self.language}
        if self.drill:  # only then: every other row keeps its shape
            data["drill"] = True
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, stored: str, language: str) -> Reply:
        """A stored reply (``to_json``). Rows written before replies were data keep
        words only: plain text (before issue 9) replays as information; a row with
        ``text`` whose key or values the templates no longer take replays its words
        (``VERBATIM``) with its outcome and incident, so the request still has one effect
        and one answer."""
        try:
            data = json.loads(stored)
        except ValueError:
            data = None
        if not isinstance(data, dict) or "outcome" not in data:
            return cls(ReplyKey.VERBATIM, {"text": stored}, language)
        incident = data.get("incident_id")
        incident_id = int(incident) if incident is not None else None
        outcome = Outcome(data["outcome"])
        lang = str(data.get("language") or language)
        values = data.get("values")
        values = dict(values) if isinstance(values, dict) else {}
        try:
            key: ReplyKey | None = ReplyKey(str(data.get("key", "")))
        except ValueError:  # "" (a row from before keys were kept) or a retired key
            key = None
        drill = data.get("drill") is True
        if key is not None and FIELDS[key] <= values.keys():
            return cls(key, values, lang, incident_id, outcome, drill)
        return cls(ReplyKey.VERBATIM, {"text": str(data.get("text", ""))}, lang, incident_id,
                   outcome, drill)
