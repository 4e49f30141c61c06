"""Provider delivery statuses only move forward (issue 9, kind 3).

Twilio posts status callbacks out of order and more than once (a late ``sent`` after
``delivered``; the same ``undelivered`` twice). A status is stored, and acted on, only
when it moves the message forward:

    SMS    accepted/scheduled < queued < sending < sent < delivered < read
    voice  queued < initiated < ringing < in-progress < voicemail (our AMD verdict)

and a final status (failed, undelivered, canceled; completed, busy, no-answer, fax) is
never replaced. Source: Twilio docs, "Message resource: status values" and "Call
resource: status values"; ``voicemail`` and ``fax`` are alertbot's names for the
answering-machine verdict (AnsweredBy) of a call still in progress / ended.
Statuses we do not know rank lowest and are final for nothing.
"""

from __future__ import annotations

RANK: dict[str, int] = {
    "accepted": 0, "scheduled": 0,
    "queued": 1,
    "sending": 2, "initiated": 2,
    "sent": 3, "ringing": 3, "canceling": 3,  # alertbot cancels a ringing page (issue 13)
    "in-progress": 4, "answered": 4,
    "delivered": 5, "voicemail": 5,
    "read": 6,
}

FINAL: frozenset[str] = frozenset({
    "failed", "undelivered", "canceled",  # SMS (and canceled calls)
    "completed", "busy", "no-answer", "fax",  # voice
})


def moves_forward(previous: str | None, status: str) -> bool:
    """May ``status`` replace ``previous``? Never a repeat, never back, never after a final."""
    if previous is None:
        return True
    if previous == status or previous in FINAL:
        return False
    return status in FINAL or RANK.get(status, -1) > RANK.get(previous, -1)


def blocking(status: str) -> frozenset[str]:
    """The stored statuses ``status`` may not replace (for a conditional UPDATE).

    Together with "NULL may always be replaced" this is ``moves_forward`` for every
    status stored by alertbot.
    """
    known = set(RANK) | FINAL
    return frozenset(s for s in known | {status} if not moves_forward(s, status))
