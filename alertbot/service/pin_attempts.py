"""The phone tree's PIN lockout (core/pin_limits.py): one unit of work per PIN answer.

``pin_refused`` is asked by every step that checks a PIN (the district PIN, and a
responder's personal PIN when acknowledging or joining the team call) before it acts on
the answer: True means "refuse this PIN, right or wrong, and end the call with the
fallback number". A wrong PIN is recorded; the one that reaches the limit locks the
caller's number and queues, through the outbox, one notice to the admins naming the
caller (their name when they are a contact, else the number) and nothing else: no
incident, no immigration fact.
"""

from __future__ import annotations

import functools
import logging

from alertbot.core import pin_limits
from alertbot.core.model import Config
from alertbot.core.redact import mask_phone
from alertbot.service import notices
from alertbot.store.sql import Store, Tx

log = logging.getLogger("alertbot.pins")

DISTRICT, PERSONAL = "district", "personal"  # which PIN was asked


async def pin_refused(store: Store, config: Config, now: float, phone: str | None,
                      call_sid: str, digits: str | None, right: bool, kind: str) -> bool:
    """Whether this PIN answer is refused because the caller's number is locked out
    (before or by this answer). ``phone``: the caller ID (E.164) or None; ``digits``:
    the keys pressed (None or "" is no answer, never counted); ``right``: whether they
    match; ``now``: seconds since the epoch. Raises what the store raises."""
    return await store.write(functools.partial(
        _answer, config=config, now=now, caller=pin_limits.caller_key(phone),
        call_sid=call_sid, wrong=pin_limits.counts(right, digits), kind=kind))


def _answer(tx: Tx, config: Config, now: float, caller: str, call_sid: str, wrong: bool,
            kind: str) -> bool:
    since = now - pin_limits.PIN_WINDOW
    failures = tx.pin_failures_since(caller, since)
    if pin_limits.locked(failures):
        return True  # refused; the admins heard when it locked
    if not wrong:
        return False
    tx.record_pin_failure(caller, call_sid, kind, now, since)
    if not pin_limits.locked(failures + 1):
        return False
    log.warning("phone-tree PINs locked for %s after %d wrong", _masked(caller),
                failures + 1)
    if tx.claim_pin_lockout_notice(caller, now, since):
        contact = config.contact_by_phone(caller) if caller != pin_limits.ANONYMOUS else None
        who = contact.name if contact else (
            "a caller without caller ID" if caller == pin_limits.ANONYMOUS else caller)
        tx.enqueue(notices.notify_admins(
            config, "pin_lockout", None, f"phone-tree PINs locked for {_masked(caller)}",
            count=failures + 1, who=who, minutes=round(pin_limits.PIN_WINDOW / 60)),
            now)
    return True


def _masked(caller: str) -> str:
    return caller if caller == pin_limits.ANONYMOUS else mask_phone(caller)
