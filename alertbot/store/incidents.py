"""Incidents: insert, one open per (type, school), compare-and-set transitions, lookups.

A part of ``Tx`` (store/tx.py): synchronous queries over the unit of work's connection."""

from __future__ import annotations

import functools
from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from alertbot.core.incident import SCHEDULED, Incident, State
from alertbot.store.rows import (
    incident_columns,
    incident_from_row,
    incident_values,
    open_key,
)
from alertbot.store.schema import (
    incident_responders,
    incidents,
)
from alertbot.store.txbase import TxBase

# The hot path's statements, built once (see store/timeline.py for why).
_INSERT = sa.insert(incidents).returning(incidents.c.id)
_INSERT_IF_FREE = {
    dialect: insert(incidents).on_conflict_do_nothing(index_elements=[incidents.c.open_key])
    .returning(incidents.c.id)
    for dialect, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))}
_RESPONDERS = sa.insert(incident_responders)
# The reporter's words are sealed bound to the incident's number (decision 0044), which
# the insert makes: they follow in this UPDATE, in the same unit (one more statement,
# only when there are words).
_SET_DETAILS = (sa.update(incidents).where(incidents.c.id == sa.bindparam("number"))
                .values(details=sa.bindparam("sealed")))
_BY_OPEN_KEY = sa.select(incidents).where(incidents.c.open_key == sa.bindparam("key"))
_BY_ID = sa.select(incidents).where(incidents.c.id == sa.bindparam("id"))
_OPEN_OF = (sa.select(incidents)
            .where(incidents.c.state != str(State.RESOLVED),
                   incidents.c.type == sa.bindparam("type"),
                   incidents.c.school_id == sa.bindparam("school"),
                   incidents.c.source != SCHEDULED)  # reports never join a scheduled drill
            .order_by(incidents.c.id).limit(1))


@functools.cache
def _transition(columns: tuple[str, ...]) -> Any:
    """The compare-and-set of ``transition`` setting ``columns``, built once per set of
    columns (a handful: each kind of move changes its own few); building it per call was
    a fifth of the opening unit (decision 0048)."""
    return (sa.update(incidents)
            .where(incidents.c.id == sa.bindparam("b_id"),
                   incidents.c.state == sa.bindparam("b_state"),
                   incidents.c.step == sa.bindparam("b_step"),
                   incidents.c.round == sa.bindparam("b_round"))
            .values({name: sa.bindparam(f"v_{name}") for name in columns}))


class IncidentQueries(TxBase):
    def insert_incident(self, inc: Incident) -> int:
        """Insert ``inc``; returns its number.

        Raises ``sqlalchemy.exc.IntegrityError`` when another incident of its type is
        open at its school (``open_or_join`` is the receiver's way in).
        """
        number = self._insert_incident(inc, if_slot_free=False)
        assert number is not None
        return number

    def _insert_incident(self, inc: Incident, if_slot_free: bool) -> int | None:
        self.made_work = True
        values = {**incident_values(inc), "open_key": open_key(inc), "details": ""}
        statement: Any = _INSERT
        if if_slot_free:
            statement = _INSERT_IF_FREE["postgresql" if self.postgres else "sqlite"]
        found = self.conn.execute(statement, values).scalar()
        if found is None:
            return None
        number = int(found)
        self.drill_flags[number] = inc.drill
        if inc.details:
            self.conn.execute(_SET_DETAILS, {
                "number": number,
                "sealed": self.words.seal(inc.details, "incidents", "details", number)})
        people = sorted(inc.plan.contact_ids())
        if people:
            self.conn.execute(_RESPONDERS, [
                {"incident_id": number, "contact_id": c} for c in people])
        return number

    def open_or_join(self, inc: Incident) -> tuple[Incident, bool]:
        """Insert ``inc``, or return the incident of its type already open at its school.

        Returns (the incident, True if ``inc`` was inserted). Atomic on every backend:
        of two reports for one school at the same instant, exactly one opens and the
        other gets the first's incident (locked until commit, so it cannot be resolved
        under the caller). An incident with no school always opens.
        """
        key = open_key(inc)
        if key is None:
            return replace(inc, id=self.insert_incident(inc)), True
        self._lock_slot(key)
        for _ in range(3):
            if not self.postgres:
                # SQLite: the insert first, as most reports open (one statement fewer on
                # the first page's path, decision 0053). A conflict costs SQLite no
                # number; on PostgreSQL it would burn one of the sequence, and incident
                # numbers are what people read out ("#12"), so there the read comes first.
                number = self._insert_incident(inc, if_slot_free=True)
                if number is not None:
                    return replace(inc, id=number), True
            query = _BY_OPEN_KEY.with_for_update() if self.postgres else _BY_OPEN_KEY
            row = self.conn.execute(query, {"key": key}).first()
            if row is not None:
                return self._known(incident_from_row(row, self.words)), False
            if self.postgres:
                number = self._insert_incident(inc, if_slot_free=True)
                if number is not None:
                    return replace(inc, id=number), True
        raise RuntimeError(f"incident slot {key!r} kept changing")

    def get_incident(self, incident_id: int, for_update: bool = False) -> Incident | None:
        """The incident, or None. ``for_update``: locked until commit on PostgreSQL, so a
        state change decided on this copy cannot be overtaken (SQLite's writers take
        turns)."""
        query = _BY_ID.with_for_update() if for_update and self.postgres else _BY_ID
        row = self.conn.execute(query, {"id": incident_id}).first()
        return None if row is None else self._known(incident_from_row(row, self.words))

    def _known(self, incident: Incident) -> Incident:
        """``incident``, its drill flag noted for ``is_drill``."""
        self.drill_flags[incident.id] = incident.drill
        return incident

    def transition(self, before: Incident, after: Incident) -> bool:
        """Write the state-machine move ``before`` → ``after``; False if the row moved first.

        A compare-and-set, not a whole-row write: only the columns that differ are set,
        and only while the row is still where ``before`` saw it (same state, step and
        round). ``after`` comes from ``Incident``'s own transitions (core/incident.py
        is the rule; this enforces it against concurrent writers). The loser of a race
        gets False and re-reads the row to tell the person who won. A resolved incident
        gives up its school's slot (``open_or_join``).
        """
        old, new = incident_columns(before), incident_columns(after)
        changed: dict[str, Any] = {k: v for k, v in new.items() if old[k] != v}
        if not after.is_open:
            changed["open_key"] = None
        if "details" in changed:
            changed["details"] = self.words.seal(after.details, "incidents", "details",
                                                 before.id)
        if not changed:
            return True
        self.made_work = True
        params = {f"v_{name}": value for name, value in changed.items()}
        result = self.conn.execute(_transition(tuple(sorted(changed))), {
            **params, "b_id": before.id, "b_state": str(before.state),
            "b_step": before.step, "b_round": before.round})
        return bool(result.rowcount)

    def set_school(self, incident_id: int, school_id: str, school_name: str,
                   title: str | None = None) -> Incident | None:
        """Name the school of an open incident that had none; the incident after, or None
        when it is closed or already has a school (someone else set it first).

        It takes the school's open slot when that is free; when another incident of its
        type is already open there, both stay open (neither is merged away).
        """
        current = self.get_incident(incident_id, for_update=True)
        if current is None or not current.is_open or current.school_id is not None:
            return None
        after = replace(current, school_id=school_id, school_name=school_name,
                        title=title if title is not None else current.title)
        key = open_key(after)
        assert key is not None
        self._lock_slot(key)
        taken = (self.conn.execute(
            sa.select(incidents.c.id).where(incidents.c.open_key == key))).first()
        result = self.conn.execute(
            sa.update(incidents)
            .where(incidents.c.id == incident_id, incidents.c.school_id.is_(None),
                   incidents.c.state != str(State.RESOLVED))
            .values(school_id=school_id, school_name=school_name, title=after.title,
                    open_key=None if taken is not None else key))
        if not result.rowcount:
            return None
        self.made_work = True
        return after

    def open_incidents(self) -> list[Incident]:
        rows = (self.conn.execute(
            sa.select(incidents).where(incidents.c.state != str(State.RESOLVED))
            .order_by(incidents.c.id))).all()
        return [incident_from_row(r, self.words) for r in rows]

    def open_incident_of(self, type_: str, school_id: str) -> Incident | None:
        """The open incident of this type at this school, if any (the oldest)."""
        row = self.conn.execute(_OPEN_OF, {"type": type_, "school": school_id}).first()
        return None if row is None else incident_from_row(row, self.words)

    def open_incidents_paging(self, contact_id: str) -> list[Incident]:
        """Open incidents whose plan pages ``contact_id`` (who may acknowledge them)."""
        rows = (self.conn.execute(
            sa.select(incidents)
            .join(incident_responders, incident_responders.c.incident_id == incidents.c.id)
            .where(incidents.c.state != str(State.RESOLVED),
                   incident_responders.c.contact_id == contact_id)
            .order_by(incidents.c.id))).all()
        return [incident_from_row(r, self.words) for r in rows]

    def list_incidents(self, limit: int = 100, offset: int = 0) -> list[Incident]:
        rows = (self.conn.execute(
            sa.select(incidents).order_by(incidents.c.id.desc()).limit(limit)
            .offset(offset))).all()
        return [incident_from_row(r, self.words) for r in rows]

    def count_open(self) -> int:
        return int((self.conn.execute(
            sa.select(sa.func.count()).select_from(incidents)
            .where(incidents.c.state != str(State.RESOLVED)))).scalar_one())

    def _lock_slot(self, key: str) -> None:
        """PostgreSQL: serialise, until commit, every transaction claiming slot ``key``
        (SQLite's writers take turns already)."""
        if self.postgres:
            self.conn.execute(sa.text("SELECT pg_advisory_xact_lock(9, hashtext(:k))"),
                              {"k": key})
