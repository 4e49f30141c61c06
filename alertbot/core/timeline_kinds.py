"""Timeline kinds, classified once: which carry people's words (decision 0043).

Pure. An entry whose kind is in ``FREE_TEXT_KINDS`` may hold what a person typed or
said (a reporter's later text, a transcript, a call's recording link, a responder's
note, a console message to the reporter): it may name a student or describe the agents.
Such entries are never posted to Slack (text/slack_post_blocks.py), never forwarded by
SMS or Slack DM, are withheld from the redacted report (report/build.py) and are purged
by retention (service/retention.py). Source of the rule: the district's letter (no
student names or immigration facts in messages; SMS and Slack are not private) and
FERPA (34 CFR 99.31: no personally identifiable student information except as allowed).

Every kind written anywhere (the kind argument of each ``add_timeline`` call) is in one of the
two sets; tests/unit/test_timeline_kinds.py finds them in the source and fails on a new
kind nobody classified.
"""

from __future__ import annotations

from alertbot.core.drill_report import LATE_ACK

# Entries that may carry people's own words.
FREE_TEXT_KINDS: frozenset[str] = frozenset({
    "update",           # a reporter's later text, a co-reporter's or merged report's words,
                        # a phone-tree recording link and its transcript
    "note",             # NOTE <n> <text> by a responder
    "console_message",  # the text a responder sent the reporter from the console
})

# Entries alertbot composes from names of staff, numbers, times and reasons only.
SYSTEM_KINDS: frozenset[str] = frozenset({
    "opened", "routed", "paged", "page_failed", "not_reached", "unreachable", "away",
    "exhausted", "acknowledged", "resolved", "reported_again", "school", "merged",
    "unverified_caller", "call", "call_canceled", "document", "document_rejected",
    "procedure", "encounter", "warrant_review", "records_request", "reminder",
    "drill", "drill_report", LATE_ACK, "retention",
})


def carries_words(kind: str) -> bool:
    """True when a timeline entry of ``kind`` may hold people's words. An unknown kind
    counts as words (the safe side: it stays behind sign-in)."""
    return kind in FREE_TEXT_KINDS or kind not in SYSTEM_KINDS
