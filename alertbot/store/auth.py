"""One-time sign-in codes and console sessions (issue 11, decision 0024).

A part of ``Tx`` (store/tx.py): synchronous queries over the unit of work's connection.
Every change of state is a conditional update whose row count says whether it happened,
so SQLite and PostgreSQL agree when two instances race (decision 0012): a code is used
once, a session is revoked once.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from alertbot.core.records import OutboxStatus
from alertbot.core.signin import CODE_TRIES
from alertbot.store.schema import console_sessions, outbox, sign_in_codes
from alertbot.store.txbase import TxBase

SIGN_IN_REASON = "sign-in code"  # the outbox ``reason`` of a code's message
SCRUBBED = "(sign-in code removed)"  # what such a message's body becomes once done with


@dataclass(frozen=True)
class CodeRow:
    id: int
    contact_id: str
    code_hash: str
    expires_at: float
    tries: int


@dataclass(frozen=True)
class SessionRow:
    """A console session. ``token_hash``: SHA-256 (hex) of the cookie value."""

    id: int
    contact_id: str
    method: str
    created_at: float
    last_seen_at: float
    expires_at: float
    revoked_at: float | None
    revoked_why: str | None
    client: str
    user_agent: str


def _session(row: sa.Row[tuple[object, ...]]) -> SessionRow:
    m = row._mapping
    return SessionRow(int(m["id"]), str(m["contact_id"]), str(m["method"]),
                      float(m["created_at"]), float(m["last_seen_at"]),
                      float(m["expires_at"]),
                      None if m["revoked_at"] is None else float(m["revoked_at"]),
                      m["revoked_why"], str(m["client"]), str(m["user_agent"]))


class AuthQueries(TxBase):
    # --- codes -----------------------------------------------------------------------

    def add_code(self, contact_id: str, code_hash: str, now: float, lifetime: float) -> int:
        """A new live code for ``contact_id``; any live one before it is replaced."""
        c = sign_in_codes.c
        self.conn.execute(sa.update(sign_in_codes).where(
            c.contact_id == contact_id, c.state == "live").values(state="replaced"))
        result = self.conn.execute(sa.insert(sign_in_codes).values(
            contact_id=contact_id, code_hash=code_hash, created_at=now,
            expires_at=now + lifetime, tries=0, state="live"))
        return int(result.inserted_primary_key[0])  # type: ignore[index]

    def live_code(self, contact_id: str, now: float) -> CodeRow | None:
        """The contact's code that may still be tried: live, not expired, tries left."""
        c = sign_in_codes.c
        row = self.conn.execute(sa.select(sign_in_codes).where(
            c.contact_id == contact_id, c.state == "live", c.expires_at > now,
            c.tries < CODE_TRIES).order_by(c.id.desc()).limit(1)).first()
        if row is None:
            return None
        m = row._mapping
        return CodeRow(int(m["id"]), str(m["contact_id"]), str(m["code_hash"]),
                       float(m["expires_at"]), int(m["tries"]))

    def use_code(self, code_id: int, now: float) -> bool:
        """live -> used, if it still may be used; False when another request took it,
        or it expired or died meanwhile."""
        c = sign_in_codes.c
        result = self.conn.execute(sa.update(sign_in_codes).where(
            c.id == code_id, c.state == "live", c.expires_at > now, c.tries < CODE_TRIES)
            .values(state="used"))
        return bool(result.rowcount)

    def wrong_code(self, code_id: int) -> int:
        """Count a wrong guess; at ``CODE_TRIES`` the code is dead. The tries left."""
        c = sign_in_codes.c
        self.conn.execute(sa.update(sign_in_codes).where(
            c.id == code_id, c.state == "live").values(tries=c.tries + 1))
        self.conn.execute(sa.update(sign_in_codes).where(
            c.id == code_id, c.state == "live", c.tries >= CODE_TRIES).values(state="dead"))
        tries = self.conn.execute(sa.select(c.tries).where(c.id == code_id)).scalar()
        return max(0, CODE_TRIES - int(tries or 0))

    def scrub_sign_in_messages(self, contact_id: str) -> int:
        """Once a code is used, replaced or dead, the outbox keeps none of its words: a
        message already sent is blanked, one not yet sent is cancelled and blanked."""
        o = outbox.c
        mine = (o.contact_id == contact_id, o.reason == SIGN_IN_REASON, o.body != SCRUBBED)
        self.conn.execute(sa.update(outbox).where(
            *mine, o.status == str(OutboxStatus.PENDING)).values(
            status=str(OutboxStatus.CANCELLED)))
        result = self.conn.execute(sa.update(outbox).where(
            *mine, o.status != str(OutboxStatus.SENDING)).values(body=SCRUBBED))
        return int(result.rowcount or 0)

    # --- sessions --------------------------------------------------------------------

    def add_session(self, token_hash: str, contact_id: str, method: str, now: float,
                    expires_at: float, client: str, user_agent: str) -> int:
        result = self.conn.execute(sa.insert(console_sessions).values(
            token_hash=token_hash, contact_id=contact_id, method=method, created_at=now,
            last_seen_at=now, expires_at=expires_at, client=client[:64],
            user_agent=user_agent[:300]))
        return int(result.inserted_primary_key[0])  # type: ignore[index]

    def session_by_token(self, token_hash: str) -> SessionRow | None:
        row = self.conn.execute(sa.select(console_sessions).where(
            console_sessions.c.token_hash == token_hash)).first()
        return None if row is None else _session(row)

    def session(self, session_id: int) -> SessionRow | None:
        row = self.conn.execute(sa.select(console_sessions).where(
            console_sessions.c.id == session_id)).first()
        return None if row is None else _session(row)

    def touch_session(self, session_id: int, now: float, idle: float) -> bool:
        """Record activity, only while the session is alive (not revoked, not idle past
        ``idle`` seconds, not past its end): False when it ended meanwhile."""
        s = console_sessions.c
        result = self.conn.execute(sa.update(console_sessions).where(
            s.id == session_id, s.revoked_at.is_(None), s.last_seen_at > now - idle,
            s.expires_at > now).values(last_seen_at=now))
        return bool(result.rowcount)

    def revoke_session(self, session_id: int, now: float, why: str) -> bool:
        """End a session once; False when it was already revoked."""
        s = console_sessions.c
        result = self.conn.execute(sa.update(console_sessions).where(
            s.id == session_id, s.revoked_at.is_(None)).values(revoked_at=now,
                                                                revoked_why=why[:64]))
        return bool(result.rowcount)

    def sessions_of(self, contact_id: str) -> list[SessionRow]:
        """The contact's sessions, newest first."""
        s = console_sessions.c
        rows = self.conn.execute(sa.select(console_sessions).where(
            s.contact_id == contact_id).order_by(s.id.desc()).limit(200)).all()
        return [_session(r) for r in rows]
