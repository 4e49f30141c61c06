"""One reply of every key, with values shaped as the receiver builds them."""

from __future__ import annotations

from typing import Any

from alertbot.core.actors import Outcome
from alertbot.text.reply import Reply, ReplyKey

GUIDANCE = {"en": "Do not open the door; ask for a warrant signed by a judge.",
            "es": "No abra la puerta; pida una orden firmada por un juez."}
FALLBACK = "+18605550199"
FALLBACK_SPOKEN = "8 6 0, 5 5 5, 0 1 9 9"

SAMPLES: dict[ReplyKey, tuple[Outcome, dict[str, Any]]] = {
    ReplyKey.RECEIPT: (Outcome.OPENED, {"n": 12, "guidance": GUIDANCE,
                                        "school": "Burns Academy", "fallback": FALLBACK}),
    ReplyKey.RECEIPT_JOINED: (Outcome.JOINED, {"n": 12, "guidance": GUIDANCE, "school": None,
                                               "fallback": FALLBACK}),
    ReplyKey.RECEIPT_JOINED_ACKED: (Outcome.JOINED, {
        "n": 12, "guidance": GUIDANCE, "school": "Burns Academy", "fallback": FALLBACK,
        "name": "José García"}),
    ReplyKey.MERGED: (Outcome.JOINED, {"n": 13, "target": 12, "school": "Burns Academy"}),
    ReplyKey.MERGED_ACKED: (Outcome.JOINED, {"n": 13, "target": 12, "school": "Burns Academy",
                                             "name": "José García"}),
    ReplyKey.SENDER_LIMITED: (Outcome.LIMITED, {"n": 12, "count": 3, "minutes": 15,
                                                "fallback": FALLBACK}),
    ReplyKey.SCHOOL_SET: (Outcome.SCHOOL_SET, {"n": 12, "school": "Burns Academy"}),
    ReplyKey.UPDATE_ADDED: (Outcome.ADDED, {"n": 12}),
    ReplyKey.NOTE_OK: (Outcome.NOTED, {"n": 12}),
    ReplyKey.NOTE_EMPTY: (Outcome.INFO, {"n": 12}),
    ReplyKey.NOTE_HOW: (Outcome.INFO, {}),
    ReplyKey.NOTE_TOO_LONG: (Outcome.INFO, {"n": 12, "max": 2000, "length": 2417}),
    ReplyKey.UPDATE_ADDED_RESOLVED: (Outcome.ADDED_RESOLVED, {"n": 12}),
    ReplyKey.NOT_ACKED: (Outcome.INFO, {"n": 12}),
    ReplyKey.NOT_ACKED_WHICH: (Outcome.INFO, {"ids": [12, 14]}),
    ReplyKey.HELP: (Outcome.INFO, {"keywords": ["ICE", "LOCKDOWN"]}),
    ReplyKey.NO_SUCH: (Outcome.NOT_FOUND, {"n": 12}),
    ReplyKey.NOT_ALLOWED: (Outcome.REFUSED, {"n": 12}),
    ReplyKey.UNKNOWN_SENDER: (Outcome.REFUSED, {"fallback": FALLBACK}),
    ReplyKey.UNKNOWN_SENDER_NOFALLBACK: (Outcome.REFUSED, {}),
    ReplyKey.SENDER_LIMITED_NOFALLBACK: (Outcome.LIMITED, {"n": 12, "count": 3, "minutes": 15}),
    ReplyKey.ACK_OK: (Outcome.ACKNOWLEDGED, {"n": 12}),
    ReplyKey.ACK_OK_UNTOLD: (Outcome.ACKNOWLEDGED, {"n": 12}),
    ReplyKey.ACK_ALREADY: (Outcome.ALREADY_ACKNOWLEDGED, {"n": 12, "name": "José García"}),
    ReplyKey.ACK_NONE: (Outcome.NOT_FOUND, {}),
    ReplyKey.ACK_WHICH: (Outcome.CHOOSE, {"ids": [12, 14]}),
    ReplyKey.RESOLVE_OK: (Outcome.RESOLVED, {"n": 12}),
    ReplyKey.RESOLVE_OK_DRILL: (Outcome.RESOLVED, {"n": 12}),
    ReplyKey.RESOLVE_ALREADY: (Outcome.ALREADY_RESOLVED, {"n": 12, "name": "José García"}),
    ReplyKey.RESOLVE_WHICH: (Outcome.CHOOSE, {"ids": [12, 14]}),
    ReplyKey.STATUS: (Outcome.INFO, {"incidents": [
        {"n": 12, "school": "Burns Academy", "acked_by": "José García"},
        {"n": 14, "school": None, "acked_by": None}]}),
    ReplyKey.STATUS_NONE: (Outcome.INFO, {}),
    ReplyKey.CONFIRM_CALL: (Outcome.CONFIRM_BY_CALL, {"n": 12}),
    ReplyKey.CONFIRM_IMPOSSIBLE: (Outcome.REFUSED, {"n": 12}),
    ReplyKey.BRIDGE_OK: (Outcome.ADDED, {"n": 12, "names": ["José García", "<Ana> & *Co*"]}),
    ReplyKey.BRIDGE_NOT_ACKED: (Outcome.INFO, {"n": 12}),
    ReplyKey.BRIDGE_ALREADY: (Outcome.INFO, {"n": 12}),
    ReplyKey.BRIDGE_NOBODY: (Outcome.INFO, {"n": 12}),
    ReplyKey.BRIDGE_WHICH: (Outcome.CHOOSE, {"ids": [12, 14]}),
    ReplyKey.BRIDGE_JOIN: (Outcome.INFO, {"n": 12}),
    ReplyKey.BRIDGE_CALLBACK: (Outcome.CONFIRM_BY_CALL, {"n": 12}),
    ReplyKey.INTAKE_ERROR: (Outcome.INFO, {"fallback": FALLBACK}),
    ReplyKey.INTAKE_ERROR_NOFALLBACK: (Outcome.INFO, {}),
    ReplyKey.DOCUMENT_RECEIVED: (Outcome.ADDED, {"n": 12}),
    ReplyKey.DOCUMENT_RECEIVED_MANY: (Outcome.ADDED, {"n": 12, "count": 3}),
    ReplyKey.DOCUMENT_WHICH: (Outcome.CHOOSE, {"ids": [12, 14]}),
    ReplyKey.DOCUMENT_NONE: (Outcome.NOT_FOUND, {}),
    ReplyKey.AWAY_OK: (Outcome.INFO, {"until": "Fri 12/04 00:00"}),
    ReplyKey.AWAY_UNREADABLE: (Outcome.REFUSED, {}),
    ReplyKey.AWAY_AMBIGUOUS: (Outcome.REFUSED, {}),
    ReplyKey.AWAY_TOO_LONG: (Outcome.REFUSED, {"days": 30}),
    ReplyKey.AWAY_PAST: (Outcome.REFUSED, {}),
    ReplyKey.BACK_OK: (Outcome.INFO, {}),
    ReplyKey.BACK_NOT_AWAY: (Outcome.INFO, {}),
    ReplyKey.AWAY_NOT_PAGED: (Outcome.REFUSED, {}),
    ReplyKey.CONSOLE_PAGED: (Outcome.PAGED, {"n": 12, "names": ["José García", "Sam Okafor"]}),
    ReplyKey.CONSOLE_MESSAGED: (Outcome.MESSAGED, {"n": 12}),
    ReplyKey.CONSOLE_PAGE_ACKED: (Outcome.ALREADY_ACKNOWLEDGED, {"n": 12, "name": "José García"}),
    ReplyKey.CONSOLE_NO_TARGET: (Outcome.NOT_FOUND, {"n": 12}),
    ReplyKey.CONSOLE_CANNOT_SEE: (Outcome.REFUSED, {"n": 12, "names": ["Chris Walker"]}),
    ReplyKey.CONSOLE_CANNOT_ANSWER: (Outcome.REFUSED, {"n": 12, "names": ["Ana Perez"]}),
    ReplyKey.CONSOLE_NO_PHONE: (Outcome.REFUSED, {"n": 12}),
    ReplyKey.CONSOLE_CLOSED: (Outcome.REFUSED, {"n": 12}),
    ReplyKey.NONE: (Outcome.NONE, {}),
    ReplyKey.VERBATIM: (Outcome.INFO, {"text": "You acknowledged #5."}),
}

# The incident numbers a rendering must name, per key (values "n", "target", "ids", …).
NUMBERS: dict[ReplyKey, tuple[int, ...]] = {
    key: tuple(v for name in ("n", "target") if isinstance(v := values.get(name), int))
    + tuple(values.get("ids", ())) + tuple(i["n"] for i in values.get("incidents", ()))
    for key, (_outcome, values) in SAMPLES.items()
}


def sample(key: ReplyKey, language: str = "en", **values: Any) -> Reply:
    outcome, base = SAMPLES[key]
    return Reply(key, {**base, **values}, language, base.get("n"), outcome)
