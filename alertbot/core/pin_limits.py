"""How many wrong phone-tree PINs a caller may key in (new-user trial), pure.

The phone tree asks for the district PIN (``unknown_reporters: accept``) and for a
responder's personal PIN (acknowledging or joining the team call from a number whose
caller ID the carrier did not verify). A PIN is 4-8 digits: without a limit, a caller
could try every 4-digit PIN in a few hundred calls. NIST SP 800-63B section 5.2.2 asks
that failed authentication attempts be rate limited; as with the console's sign-in codes
(core/signin.py: 5 tries per code, counted per number over 15 minutes) the limits are
counted per caller number over ``PIN_WINDOW`` seconds, in the database, so every
instance sees the same count.

- One call: at most ``PIN_TRIES_PER_CALL`` wrong answers to a PIN question (the phone
  tree's ``MAX_TRIES``, carried in the signed action URL), then the call moves on as
  before (a call back to confirm, or goodbye).
- One caller number: after ``PIN_FAILURES_PER_CALLER`` wrong PINs within ``PIN_WINDOW``
  seconds, every further PIN keyed in from that number is refused, right or wrong, until
  the oldest of them is ``PIN_WINDOW`` seconds old; the call is told to call the fallback
  number, and the admins are told once per lockout.

With 5 wrong PINs per 15 minutes, a guesser has 5 chances in 10,000 (4 digits) per number
per quarter hour; caller ID can be forged, so a guesser may use many numbers, which the
admins' notices make visible.
"""

from __future__ import annotations

PIN_WINDOW = 900.0  # seconds over which wrong PINs from one caller number are counted
PIN_FAILURES_PER_CALLER = 5  # wrong PINs from one number within the window: locked
PIN_TRIES_PER_CALL = 3  # wrong answers to one PIN question in one call
ANONYMOUS = "anonymous"  # the caller key of a call without caller ID (all such share one)


def caller_key(phone: str | None) -> str:
    """What failures are counted by: the caller's number (E.164), or ``ANONYMOUS``."""
    return phone or ANONYMOUS


def locked(failures_in_window: int) -> bool:
    """Whether PINs from a caller with ``failures_in_window`` wrong PINs in the last
    ``PIN_WINDOW`` seconds are refused."""
    return failures_in_window >= PIN_FAILURES_PER_CALLER


def counts(right: bool, digits: str | None) -> bool:
    """Whether an answer is a wrong PIN: keys pressed and not right (no input, or pound
    alone, is not a guess)."""
    return bool(digits) and not right
