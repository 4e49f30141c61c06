"""The console's sign-in rules, as numbers and small pure decisions (decision 0024).

A one-time code: ``CODE_DIGITS`` digits, valid ``CODE_LIFETIME`` seconds, dead after
``CODE_TRIES`` wrong guesses; asking for a new one replaces the old. Codes asked per
number and per client address, and wrong codes per client address, are limited within
``THROTTLE_WINDOW`` seconds (``throttled``). With 3 codes of 5 tries per 15 minutes, a
guesser has 15 chances in a million per number per quarter hour.

A session ends at the first of: revoked (sign-out, an admin, the person from another
device), ``idle`` seconds without a request, or its absolute end (``expires_at``, set
at sign-in from the absolute lifetime). NIST SP 800-63B section 4.2.3 (AAL2) asks for
re-authentication at least every 12 hours and after 30 minutes of inactivity: those
are the defaults (``ALERTBOT_SESSION_MAX``, ``ALERTBOT_SESSION_IDLE``). Pure.
"""

from __future__ import annotations

from dataclasses import dataclass

CODE_DIGITS = 6
CODE_LIFETIME = 600.0  # seconds a code may be used
CODE_TRIES = 5  # wrong codes before it is dead
THROTTLE_WINDOW = 900.0  # seconds over which the limits below count
# The limits bound what one number or one address can cost (SMS sent, codes guessed)
# without locking out a team on its worst morning: a person asks again from a phone and a
# desk, and a district office's designees share one address behind its NAT (new-user
# trial: 3 codes per number locked the Superintendent out for 15 minutes after 35 s).
CODES_PER_NUMBER = 6  # codes asked for one number (or e-mail, Slack id) per window
CODES_PER_CLIENT = 40  # codes asked from one client address per window
FAILURES_PER_CLIENT = 40  # wrong or unknown codes from one client address per window
SESSION_IDLE = 1800.0  # seconds without a request (NIST SP 800-63B, AAL2: 30 min)
SESSION_MAX = 43200.0  # seconds from sign-in, whatever happens (AAL2: 12 h)
TOUCH_EVERY = 60.0  # a session's last_seen_at is written at most once a minute


@dataclass(frozen=True)
class Throttle:
    """How many attempts were counted in the window: codes for this number, codes from
    this client, failed verifications from this client."""

    codes_for_subject: int = 0
    codes_from_client: int = 0
    failures_from_client: int = 0


def code_throttled(seen: Throttle) -> bool:
    """May one more code be sent? No once the number or the client used its share."""
    return (seen.codes_for_subject >= CODES_PER_NUMBER
            or seen.codes_from_client >= CODES_PER_CLIENT)


def verify_throttled(seen: Throttle) -> bool:
    """May one more code be tried from this client? No after ``FAILURES_PER_CLIENT``
    failures in the window (guessing across many numbers)."""
    return seen.failures_from_client >= FAILURES_PER_CLIENT


def session_ended(last_seen_at: float, expires_at: float, revoked_at: float | None,
                  now: float, idle: float) -> str | None:
    """Why a session no longer signs anyone in ("revoked", "idle", "expired"), or None
    while it does. Times in epoch seconds, ``idle`` in seconds."""
    if revoked_at is not None:
        return "revoked"
    if now >= expires_at:
        return "expired"
    if now - last_seen_at >= idle:
        return "idle"
    return None
