"""One database transaction's reads and writes: ``Tx`` (opened by ``Store.tx()``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from alertbot.domain.incident import Incident, State
from alertbot.domain.records import TimelineEntry
from alertbot.store.outbox import OutboxQueries
from alertbot.store.rows import (
    SlackPost,
    incident_columns,
    incident_from_row,
    incident_values,
    open_key,
)
from alertbot.store.schema import (
    inbound,
    incident_reporters,
    incident_responders,
    incidents,
    sender_limits,
    slack_posts,
    timeline,
)

NUDGE_CHANNEL = "alertbot_nudge"


class Tx(OutboxQueries):
    """One transaction's worth of reads and writes: plain synchronous methods, called
    inside a unit of work (``Store.write``/``Store.read``)."""

    def __init__(self, conn: Connection, postgres: bool) -> None:
        self.conn = conn
        self.postgres = postgres
        self.made_work = False
        # Incidents besides the reply's that this transaction changed (a merged duplicate):
        # their events are published after the commit, with the reply's.
        self.also_changed: set[int] = set()

    def notify(self) -> None:
        """Wake every instance's engine when this transaction commits (PostgreSQL)."""
        if self.postgres and self.made_work:
            self.conn.execute(sa.text(f"SELECT pg_notify('{NUDGE_CHANNEL}', '')"))

    # --- inbound idempotency -----------------------------------------------------------

    def seen_inbound(self, key: str) -> str | None:
        """The reply already given for ``key`` (the receiver's ``Reply`` as JSON), or None
        if it is new."""
        row = (self.conn.execute(
            sa.select(inbound.c.reply).where(inbound.c.key == key))).first()
        return None if row is None else str(row[0])

    def record_inbound(self, key: str, at: float, reply: str,
                             incident_id: int | None = None) -> None:
        """Remember ``key``; ``incident_id`` (the incident it touched) keeps the key for as
        long as that incident exists (``forget_inbound_before``)."""
        self.conn.execute(sa.insert(inbound).values(
            key=key, at=at, reply=reply, incident_id=incident_id))

    # --- incidents -----------------------------------------------------------------------

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
        values = {**incident_values(inc), "open_key": open_key(inc)}
        if if_slot_free:
            insert = pg_insert if self.postgres else sqlite_insert
            statement: Any = (insert(incidents).values(**values)
                              .on_conflict_do_nothing(index_elements=[incidents.c.open_key]))
        else:
            statement = sa.insert(incidents).values(**values)
        result = self.conn.execute(statement.returning(incidents.c.id))
        found = result.scalar()
        if found is None:
            return None
        number = int(found)
        people = sorted(inc.plan.contact_ids())
        if people:
            self.conn.execute(sa.insert(incident_responders), [
                {"incident_id": number, "contact_id": c} for c in people])
        return number

    def _lock_slot(self, key: str) -> None:
        """PostgreSQL: serialise, until commit, every transaction claiming slot ``key``
        (SQLite's writers take turns already)."""
        if self.postgres:
            self.conn.execute(sa.text("SELECT pg_advisory_xact_lock(9, hashtext(:k))"),
                                    {"k": key})

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
            query = sa.select(incidents).where(incidents.c.open_key == key)
            if self.postgres:
                query = query.with_for_update()
            row = (self.conn.execute(query)).first()
            if row is not None:
                return incident_from_row(row), False
            number = self._insert_incident(inc, if_slot_free=True)
            if number is not None:
                return replace(inc, id=number), True
        raise RuntimeError(f"incident slot {key!r} kept changing")

    def get_incident(self, incident_id: int, for_update: bool = False) -> Incident | None:
        """The incident, or None. ``for_update``: locked until commit on PostgreSQL, so a
        state change decided on this copy cannot be overtaken (SQLite's writers take
        turns)."""
        query = sa.select(incidents).where(incidents.c.id == incident_id)
        if for_update and self.postgres:
            query = query.with_for_update()
        row = (self.conn.execute(query)).first()
        return None if row is None else incident_from_row(row)

    def transition(self, before: Incident, after: Incident) -> bool:
        """Write the state-machine move ``before`` → ``after``; False if the row moved first.

        A compare-and-set, not a whole-row write: only the columns that differ are set,
        and only while the row is still where ``before`` saw it (same state, step and
        round). ``after`` comes from ``Incident``'s own transitions (domain/incident.py
        is the rule; this enforces it against concurrent writers). The loser of a race
        gets False and re-reads the row to tell the person who won. A resolved incident
        gives up its school's slot (``open_or_join``).
        """
        old, new = incident_columns(before), incident_columns(after)
        changed: dict[str, Any] = {k: v for k, v in new.items() if old[k] != v}
        if not after.is_open:
            changed["open_key"] = None
        if not changed:
            return True
        self.made_work = True
        result = self.conn.execute(
            sa.update(incidents)
            .where(incidents.c.id == before.id, incidents.c.state == str(before.state),
                   incidents.c.step == before.step, incidents.c.round == before.round)
            .values(**changed))
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
        return [incident_from_row(r) for r in rows]

    def open_incident_of(self, type_: str, school_id: str) -> Incident | None:
        """The open incident of this type at this school, if any (the oldest)."""
        row = (self.conn.execute(
            sa.select(incidents).where(incidents.c.state != str(State.RESOLVED),
                                       incidents.c.type == type_,
                                       incidents.c.school_id == school_id)
            .order_by(incidents.c.id).limit(1))).first()
        return None if row is None else incident_from_row(row)

    def open_incidents_paging(self, contact_id: str) -> list[Incident]:
        """Open incidents whose plan pages ``contact_id`` (who may acknowledge them)."""
        rows = (self.conn.execute(
            sa.select(incidents)
            .join(incident_responders, incident_responders.c.incident_id == incidents.c.id)
            .where(incidents.c.state != str(State.RESOLVED),
                   incident_responders.c.contact_id == contact_id)
            .order_by(incidents.c.id))).all()
        return [incident_from_row(r) for r in rows]

    def list_incidents(self, limit: int = 100, offset: int = 0) -> list[Incident]:
        rows = (self.conn.execute(
            sa.select(incidents).order_by(incidents.c.id.desc()).limit(limit)
            .offset(offset))).all()
        return [incident_from_row(r) for r in rows]

    def count_open(self) -> int:
        return int((self.conn.execute(
            sa.select(sa.func.count()).select_from(incidents)
            .where(incidents.c.state != str(State.RESOLVED)))).scalar_one())

    def forget_inbound_before(self, at: float) -> int:
        """Drop webhook idempotency keys older than ``at`` that touched no incident, or
        whose incident is gone. A key that opened or changed an incident is kept as long as
        the incident: a captured signed request replayed later has no effect (issue 9)."""
        live = sa.select(incidents.c.id).where(incidents.c.id == inbound.c.incident_id)
        result = self.conn.execute(sa.delete(inbound).where(
            inbound.c.at < at,
            sa.or_(inbound.c.incident_id.is_(None), ~sa.exists(live))))
        return int(result.rowcount or 0)

    # --- reporters (the opener and everyone who joined) ---------------------------

    def add_reporter(self, incident_id: int, key: str, language: str, at: float,
                           opener: bool = False) -> bool:
        """Record ``key`` (``contact:``/``phone:``/``slack:``) as a reporter of the incident;
        False if it already was one."""
        if self.is_reporter(incident_id, key):
            return False
        self.conn.execute(sa.insert(incident_reporters).values(
            incident_id=incident_id, reporter_key=key, language=language, opener=opener,
            at=at))
        return True

    def is_reporter(self, incident_id: int, key: str) -> bool:
        row = (self.conn.execute(sa.select(incident_reporters.c.reporter_key).where(
            incident_reporters.c.incident_id == incident_id,
            incident_reporters.c.reporter_key == key))).first()
        return row is not None

    def reporters_of(self, incident_id: int) -> list[tuple[str, str]]:
        """``(reporter key, language)`` of everyone who reported into the incident, the
        opener first."""
        rows = (self.conn.execute(
            sa.select(incident_reporters.c.reporter_key, incident_reporters.c.language)
            .where(incident_reporters.c.incident_id == incident_id)
            .order_by(incident_reporters.c.opener.desc(), incident_reporters.c.at,
                      incident_reporters.c.reporter_key))).all()
        return [(str(r._mapping["reporter_key"]), str(r._mapping["language"])) for r in rows]

    def open_incidents_reported_by_key(self, key: str) -> list[Incident]:
        """Open incidents ``key`` opened or joined, oldest first."""
        rows = (self.conn.execute(
            sa.select(incidents)
            .join(incident_reporters, incident_reporters.c.incident_id == incidents.c.id)
            .where(incidents.c.state != str(State.RESOLVED),
                   incident_reporters.c.reporter_key == key)
            .order_by(incidents.c.id))).all()
        return [incident_from_row(r) for r in rows]

    def count_opened_by_since(self, key: str, since: float) -> int:
        """How many incidents ``key`` opened (not joined) at or after ``since``."""
        return int((self.conn.execute(
            sa.select(sa.func.count()).select_from(incident_reporters).where(
                incident_reporters.c.reporter_key == key,
                incident_reporters.c.opener.is_(True),
                incident_reporters.c.at >= since))).scalar_one())

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
        return [incident_from_row(r) for r in rows]

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

    # --- timeline ------------------------------------------------------------------------

    def add_timeline(self, incident_id: int, at: float, kind: str, text: str,
                           actor: str | None = None) -> None:
        self.conn.execute(sa.insert(timeline).values(
            incident_id=incident_id, at=at, kind=kind, actor=actor, text=text))

    def timeline(self, incident_ids: Sequence[int]) -> dict[int, list[TimelineEntry]]:
        out: dict[int, list[TimelineEntry]] = {i: [] for i in incident_ids}
        if not incident_ids:
            return out
        rows = (self.conn.execute(
            sa.select(timeline).where(timeline.c.incident_id.in_(list(incident_ids)))
            .order_by(timeline.c.id))).all()
        for r in rows:
            m = r._mapping
            out[m["incident_id"]].append(
                TimelineEntry(m["incident_id"], m["at"], m["kind"], m["actor"], m["text"]))
        return out

    # --- the Slack incident post (issue 4) -------------------------------------------

    def slack_post(self, incident_id: int) -> SlackPost | None:
        row = (self.conn.execute(
            sa.select(slack_posts).where(slack_posts.c.incident_id == incident_id))).first()
        if row is None:
            return None
        m = row._mapping
        return SlackPost(m["incident_id"], m["channel"], m["ts"], m["digest"], m["thread_count"])

    def save_slack_post(self, post: SlackPost, now: float) -> None:
        values = {"channel": post.channel, "ts": post.ts, "digest": post.digest,
                  "thread_count": post.thread_count, "updated_at": now}
        result = self.conn.execute(sa.update(slack_posts).where(
            slack_posts.c.incident_id == post.incident_id).values(**values))
        if not result.rowcount:
            self.conn.execute(
                sa.insert(slack_posts).values(incident_id=post.incident_id, **values))

    def incident_for_slack_post(self, channel: str, ts: str) -> int | None:
        """The incident whose post is message ``ts`` in ``channel`` (a thread's parent)."""
        value = (self.conn.execute(sa.select(slack_posts.c.incident_id).where(
            slack_posts.c.channel == channel, slack_posts.c.ts == ts))).scalar()
        return None if value is None else int(value)
