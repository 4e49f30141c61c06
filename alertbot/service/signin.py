"""Signing in to the console: one-time codes, sessions, and their audit rows (issue 11).

Each public function here is a unit of work (``await store.write(lambda tx: …)``): plain
synchronous code over one ``Tx``. The rules (lifetimes, tries, limits) are in
core/signin.py; the reasoning in decision 0024.

* ``request_code``: a 6-digit code for the contact named by a phone number (or their
  e-mail address or Slack member id), sent through the outbox by their own channel
  (SMS, else a Slack DM). The caller answers the same whatever happened, so nobody
  learns whether a number belongs to a contact.
* ``verify_code``: a right code (live, unexpired, tries left) opens a session; a wrong
  one uses a try. Kept: an HMAC of the code (``code_hash``), the SHA-256 of the
  session's cookie value (``token_hash``); never a code or a cookie value.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from enum import StrEnum

from alertbot.config.common import normalise_phone
from alertbot.core import signin as rules
from alertbot.core.model import Config, Contact
from alertbot.service import notices
from alertbot.store.audit import AuditEntry
from alertbot.store.auth import SIGN_IN_REASON, SessionRow
from alertbot.store.sql import Tx

SLACK_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")


@dataclass(frozen=True)
class Client:
    """Where a request came from: its address (``web/session.py`` ``client_address``)
    and its User-Agent header, as the audit log keeps them."""

    address: str
    user_agent: str = ""


class Result(StrEnum):
    SENT = "sent"  # a code went out, or it would have for a contact: the same answer
    THROTTLED = "throttled"  # too many attempts from this number or client: 429
    OK = "ok"  # the code was right: a session opened
    FAILED = "failed"  # wrong, expired, dead or unknown: the same answer in every case


@dataclass(frozen=True)
class Verified:
    result: Result
    contact: Contact | None = None
    session_id: int | None = None


def hash_token(token: str) -> str:
    """What the database keeps of a session's cookie value: its SHA-256, hex. The value
    has 256 random bits, so no key is needed to make the hash useless to a thief."""
    return hashlib.sha256(token.encode()).hexdigest()


def hash_code(pepper: bytes, contact_id: str, code: str) -> str:
    """HMAC-SHA-256 of a one-time code under the server's pepper (hex). Six digits are a
    million guesses: without the pepper, a copy of the table would give them away."""
    return hmac.new(pepper, f"{contact_id}:{code}".encode(), hashlib.sha256).hexdigest()


def find_contact(config: Config, typed: str) -> tuple[str, Contact | None]:
    """Who a sign-in form names: (the subject as kept in the audit log, the contact or
    None). A phone number in any form phonenumbers reads; an e-mail address; or a Slack
    member id (for a contact without a phone, whose code then goes by Slack DM)."""
    text = typed.strip()[:200]
    if "@" in text:
        subject = text.lower()
        return subject, config.contact_by_email(subject)
    if SLACK_ID.match(text):
        return text, config.contact_by_slack(text)
    phone = normalise_phone(text) if text else None
    if phone is None:
        return text, None
    return phone, config.contact_by_phone(phone)


def record(tx: Tx, now: float, action: str, contact: Contact | None, client: Client,
           outcome: str = "ok", subject: str | None = None, via: str = "none",
           detail: str = "") -> None:
    """Append one audit row (store/audit.py) for ``contact`` from ``client``."""
    tx.audit(AuditEntry(at=now, action=action, contact_id=contact.id if contact else None,
                        via=via, outcome=outcome, subject=subject, client=client.address,
                        user_agent=client.user_agent, detail=detail))


def request_code(tx: Tx, config: Config, typed: str, code: str, pepper: bytes,
                 client: Client, now: float) -> Result:
    """Send ``code`` (``CODE_DIGITS`` digits, drawn by the caller) to whoever ``typed``
    names, if a contact and not throttled. ``SENT`` also when nobody is named."""
    subject, contact = find_contact(config, typed)
    since = now - rules.THROTTLE_WINDOW
    seen = rules.Throttle(
        codes_for_subject=tx.audit_count("code_requested", since, subject=subject),
        codes_from_client=tx.audit_count("code_requested", since, client=client.address))
    if rules.code_throttled(seen):
        record(tx, now, "code_throttled", contact, client, "throttled", subject)
        return Result.THROTTLED
    if contact is None:
        record(tx, now, "code_requested", None, client, "unknown", subject)
        return Result.SENT
    message = notices.notice_to_contact(contact, "signin_code", None, SIGN_IN_REASON,
                                        code=code)
    if message is None:
        record(tx, now, "code_requested", contact, client, "unreachable", subject)
        return Result.SENT
    tx.scrub_sign_in_messages(contact.id)
    tx.add_code(contact.id, hash_code(pepper, contact.id, code), now, rules.CODE_LIFETIME)
    tx.enqueue([message], now)
    record(tx, now, "code_requested", contact, client, "sent", subject,
           detail=f"by {message.channel}")
    return Result.SENT


def verify_code(tx: Tx, config: Config, typed: str, code: str, pepper: bytes,
                token_hash: str, client: Client, now: float, lifetime: float) -> Verified:
    """Try ``code`` for whoever ``typed`` names; a right one opens a session (its
    cookie value hashed: ``token_hash``) ending ``lifetime`` seconds from now."""
    subject, contact = find_contact(config, typed)
    since = now - rules.THROTTLE_WINDOW
    failures = tx.audit_count("sign_in", since, client=client.address, outcome="failed")
    if rules.verify_throttled(rules.Throttle(failures_from_client=failures)):
        record(tx, now, "sign_in", contact, client, "throttled", subject)
        return Verified(Result.THROTTLED)
    live = tx.live_code(contact.id, now) if contact is not None else None
    digits = code.strip()
    if (live is None or contact is None or not digits
            or not hmac.compare_digest(hash_code(pepper, contact.id, digits), live.code_hash)):
        detail = "no live code"
        if live is not None and contact is not None:
            left = tx.wrong_code(live.id)
            detail = f"wrong code, {left} tries left"
            if left == 0:
                tx.scrub_sign_in_messages(contact.id)
        record(tx, now, "sign_in", contact, client, "failed", subject, detail=detail)
        return Verified(Result.FAILED)
    if not tx.use_code(live.id, now):  # another request used it a moment ago
        record(tx, now, "sign_in", contact, client, "failed", subject, detail="code taken")
        return Verified(Result.FAILED)
    tx.scrub_sign_in_messages(contact.id)
    return open_session(tx, contact, "code", token_hash, client, now, lifetime, subject)


def open_session(tx: Tx, contact: Contact, method: str, token_hash: str, client: Client,
                 now: float, lifetime: float, subject: str | None = None) -> Verified:
    """A new session for ``contact`` (signed in by ``method``: code or oidc), audited."""
    session_id = tx.add_session(token_hash, contact.id, method, now, now + lifetime,
                                client.address, client.user_agent)
    record(tx, now, "sign_in", contact, client, "ok", subject, via="session",
           detail=f"{method}, session {session_id}")
    return Verified(Result.OK, contact, session_id)


def live_session(tx: Tx, token_hash: str, now: float, idle: float) -> SessionRow | None:
    """The session whose cookie value hashes to ``token_hash``, if it still signs its
    person in (``core.signin.session_ended``); read-only."""
    row = tx.session_by_token(token_hash)
    if row is None or rules.session_ended(row.last_seen_at, row.expires_at, row.revoked_at,
                                          now, idle):
        return None
    return row
