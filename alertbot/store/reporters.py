"""Reporters (the opener and everyone who joined) and the per-sender window (decision 0013).

A part of ``Tx`` (store/tx.py): synchronous queries over the unit of work's connection."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from alertbot.core.incident import SCHEDULED, Incident, State
from alertbot.store.rows import (
    incident_from_row,
)
from alertbot.store.schema import (
    incident_reporters,
    incidents,
    sender_limits,
)
from alertbot.store.txbase import TxBase

# The hot path's statements, built once (see store/timeline.py for why).
# Already a reporter: nothing happens, and the rowcount says so (one statement, and two
# instances recording the same reporter at once cannot collide on the primary key).
_ADD = {dialect: insert(incident_reporters).on_conflict_do_nothing()
        for dialect, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))}
_IS = sa.select(incident_reporters.c.reporter_key).where(
    incident_reporters.c.incident_id == sa.bindparam("id"),
    incident_reporters.c.reporter_key == sa.bindparam("key"))
_OPEN_BY_KEY = (sa.select(incidents)
                .join(incident_reporters, incident_reporters.c.incident_id == incidents.c.id)
                .where(incidents.c.state != str(State.RESOLVED),
                       incident_reporters.c.reporter_key == sa.bindparam("key"))
                .order_by(incidents.c.id))


def _sender_facts(with_school: bool) -> sa.Select[Any]:
    """One statement for what the sender gate weighs: the count of incidents the sender
    opened since ``since``, left-joined to the open incidents of ``type`` that are theirs
    or (``with_school``) at ``school``; the count's row comes back even when no incident
    matches. Built once per shape (decision 0053: the gate's three reads as one)."""
    counted = (sa.select(sa.func.count().label("opened")).select_from(incident_reporters)
               .where(incident_reporters.c.reporter_key == sa.bindparam("key"),
                      incident_reporters.c.opener.is_(True),
                      incident_reporters.c.at >= sa.bindparam("since"))
               .subquery("counted"))
    theirs = incidents.c.id.in_(
        sa.select(incident_reporters.c.incident_id)
        .where(incident_reporters.c.reporter_key == sa.bindparam("key")))
    at_school: sa.ColumnElement[bool] = sa.false()
    if with_school:
        # As ``open_incident_of``: reports never join a scheduled drill.
        at_school = sa.and_(incidents.c.school_id == sa.bindparam("school"),
                            incidents.c.source != SCHEDULED)
    matching = sa.and_(incidents.c.state != str(State.RESOLVED),
                       incidents.c.type == sa.bindparam("type"),
                       sa.or_(theirs, at_school))
    return (sa.select(counted.c.opened, theirs.label("gate_theirs"),
                      at_school.label("gate_at_school"), incidents)
            .select_from(counted.outerjoin(incidents, matching))
            .order_by(incidents.c.id))


_SENDER_FACTS = {with_school: _sender_facts(with_school) for with_school in (True, False)}


@dataclass(frozen=True)
class SenderFacts:
    """What ``core.limits.sender_gate`` weighs about one sender, read in one statement.

    ``mine``: their open incidents of the type, oldest first; ``school_open``: the named
    school has an open incident of the type (not a scheduled drill); ``opened``: how many
    incidents they opened at or after the window's start."""

    mine: list[Incident]
    school_open: bool
    opened: int


_REPORTERS_OF = (
    sa.select(incident_reporters.c.reporter_key, incident_reporters.c.language)
    .where(incident_reporters.c.incident_id == sa.bindparam("id"))
    .order_by(incident_reporters.c.opener.desc(), incident_reporters.c.at,
              incident_reporters.c.reporter_key))


class ReporterQueries(TxBase):
    def add_reporter(self, incident_id: int, key: str, language: str, at: float,
                     opener: bool = False) -> bool:
        """Record ``key`` (``contact:``/``phone:``/``slack:``) as a reporter of the incident;
        False if it already was one (then nothing changes: not its language, not when)."""
        result = self.conn.execute(
            _ADD["postgresql" if self.postgres else "sqlite"],
            {"incident_id": incident_id, "reporter_key": key, "language": language,
             "opener": opener, "at": at})
        return bool(result.rowcount)

    def is_reporter(self, incident_id: int, key: str) -> bool:
        row = self.conn.execute(_IS, {"id": incident_id, "key": key}).first()
        return row is not None

    def reporters_of(self, incident_id: int) -> list[tuple[str, str]]:
        """``(reporter key, language)`` of everyone who reported into the incident, the
        opener first."""
        rows = self.conn.execute(_REPORTERS_OF, {"id": incident_id}).all()
        return [(str(r._mapping["reporter_key"]), str(r._mapping["language"])) for r in rows]

    def open_incidents_reported_by_key(self, key: str) -> list[Incident]:
        """Open incidents ``key`` opened or joined, oldest first."""
        rows = self.conn.execute(_OPEN_BY_KEY, {"key": key}).all()
        return [incident_from_row(r, self.words) for r in rows]

    def sender_facts(self, key: str, type_: str, school_id: str | None,
                     since: float) -> SenderFacts:
        """``SenderFacts`` for reporter ``key`` and incident type ``type_``: the same
        answers as ``open_incidents_reported_by_key`` (of that type),
        ``open_incident_of(type_, school_id)`` and a count of their openings, in one
        statement instead of three (the first page's path, decision 0053)."""
        params = {"key": key, "since": since, "type": type_}
        if school_id is not None:
            params["school"] = school_id
        rows = self.conn.execute(_SENDER_FACTS[school_id is not None], params).all()
        mine: list[Incident] = []
        school_open = False
        for row in rows:
            if row._mapping["id"] is None:  # the count's row, no incident matched
                continue
            if row._mapping["gate_theirs"]:
                mine.append(incident_from_row(row, self.words))
            school_open = school_open or bool(row._mapping["gate_at_school"])
        return SenderFacts(mine, school_open, int(rows[0]._mapping["opened"]))

    def lock_sender(self, key: str) -> None:
        """Serialise one sender's reports until this transaction ends. SQLite writers
        already take turns (one lock per store); PostgreSQL takes a transaction-scoped
        advisory lock on a hash of the key."""
        if self.postgres:
            self.conn.execute(
                sa.text("SELECT pg_advisory_xact_lock(hashtext(:k))"), {"k": "sender:" + key})

    def open_unverified_without_school(self, type_: str, since: float) -> list[Incident]:
        """Open incidents of ``type_`` opened at or after ``since`` by reporters not in the
        contacts (``unverified``) that name no school, oldest first."""
        rows = (self.conn.execute(
            sa.select(incidents).where(incidents.c.state != str(State.RESOLVED),
                                       incidents.c.type == type_,
                                       incidents.c.unverified.is_(True),
                                       incidents.c.school_id.is_(None),
                                       incidents.c.created_at >= since)
            .order_by(incidents.c.id))).all()
        return [incident_from_row(r, self.words) for r in rows]

    def claim_sender_notice(self, key: str, now: float, window: float) -> bool:
        """True if admins were not told about ``key`` within ``window`` seconds (and
        records that they are being told now)."""
        row = (self.conn.execute(sa.select(sender_limits.c.noticed_at).where(
            sender_limits.c.sender_key == key))).first()
        if row is None:
            self.conn.execute(sa.insert(sender_limits).values(sender_key=key,
                                                              noticed_at=now))
            return True
        if now - float(row[0]) < window:
            return False
        self.conn.execute(sa.update(sender_limits).where(
            sender_limits.c.sender_key == key).values(noticed_at=now))
        return True
