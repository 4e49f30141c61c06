"""The store: SQLAlchemy Core 2.x; SQLite (default) in the event loop, or asyncpg.

Everything the engine and receiver persist goes through here. A ``Tx`` is one
database transaction; ``Store.tx()`` opens it. On SQLite, write transactions are
serialised in-process (SQLite has one writer anyway) so they never hit
``database is locked``; on PostgreSQL, due work is claimed ``FOR UPDATE SKIP LOCKED``
so several instances can share one database.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, fields
from typing import Any, Protocol

import sqlalchemy as sa
from sqlalchemy import create_engine, event
from sqlalchemy.engine import Connection, CursorResult, Engine
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.sql.expression import Executable

from alertbot.domain.incident import Incident, State
from alertbot.domain.model import Channel
from alertbot.domain.plan import Plan
from alertbot.domain.records import (
    NewMessage,
    OutboxItem,
    OutboxKind,
    OutboxStatus,
    TimelineEntry,
)
from alertbot.store.schema import (
    MIGRATIONS,
    inbound,
    incident_responders,
    incidents,
    outbox,
    schema_version,
    slack_posts,
    timeline,
)

NUDGE_CHANNEL = "alertbot_nudge"


def engine_url(url: str) -> str:
    """``sqlite:///x.db`` / ``postgresql://…`` as written by people → driver URLs
    (SQLite's own driver, run in the event loop; asyncpg for PostgreSQL)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    return url


_INCIDENT_FIELDS = [f.name for f in fields(Incident) if f.name not in ("plan", "state")]


def _incident(row: sa.Row[Any]) -> Incident:
    m = row._mapping
    values = {name: m[name] for name in _INCIDENT_FIELDS}
    values["unverified"] = bool(values["unverified"])
    values["drill"] = bool(values["drill"])
    return Incident(plan=Plan.from_json(m["plan"]), state=State(m["state"]), **values)


def _incident_values(inc: Incident) -> dict[str, Any]:
    values = {name: getattr(inc, name) for name in _INCIDENT_FIELDS if name != "id"}
    values["plan"] = inc.plan.to_json()
    values["state"] = str(inc.state)
    return values


def _outbox(row: sa.Row[Any]) -> OutboxItem:
    m = row._mapping
    return OutboxItem(
        id=m["id"], kind=OutboxKind(m["kind"]), channel=Channel(m["channel"]),
        address=m["address"], body=m["body"], language=m["language"],
        incident_id=m["incident_id"], contact_id=m["contact_id"], step=m["step"],
        round=m["round"], reason=m["reason"], status=OutboxStatus(m["status"]),
        due_at=m["due_at"], attempts=m["attempts"], created_at=m["created_at"],
        opened_at=m["opened_at"], sent_at=m["sent_at"], provider_id=m["provider_id"],
        provider_status=m["provider_status"], error=m["error"],
    )


@dataclass(frozen=True)
class SlackPost:
    """Where an incident's live Slack post is, what it last showed, how much thread it has."""

    incident_id: int
    channel: str
    ts: str
    digest: str = ""
    thread_count: int = 0


class Executor(Protocol):
    """What a ``Tx`` needs of a connection: an awaitable ``execute``."""

    async def execute(self, statement: Executable, parameters: Any = None) -> CursorResult[Any]: ...


class Tx:
    """One transaction's worth of reads and writes."""

    def __init__(self, conn: Executor, postgres: bool) -> None:
        self.conn = conn
        self.postgres = postgres
        # Set when this transaction created work for the engine (an incident changed,
        # a message queued): only then is the engine woken and other instances told.
        self.made_work = False

    async def notify(self) -> None:
        """Wake every instance's engine when this transaction commits (PostgreSQL)."""
        if self.postgres and self.made_work:
            await self.conn.execute(sa.text(f"SELECT pg_notify('{NUDGE_CHANNEL}', '')"))

    # --- inbound idempotency -----------------------------------------------------------

    async def seen_inbound(self, key: str) -> str | None:
        """The reply already given for ``key``, or None if it is new."""
        row = (await self.conn.execute(
            sa.select(inbound.c.reply).where(inbound.c.key == key))).first()
        return None if row is None else str(row[0])

    async def record_inbound(self, key: str, at: float, reply: str) -> None:
        await self.conn.execute(sa.insert(inbound).values(key=key, at=at, reply=reply))

    # --- incidents -----------------------------------------------------------------------

    async def insert_incident(self, inc: Incident) -> int:
        self.made_work = True
        result = await self.conn.execute(
            sa.insert(incidents).values(**_incident_values(inc)).returning(incidents.c.id))
        number = int(result.scalar_one())
        people = sorted(inc.plan.contact_ids())
        if people:
            await self.conn.execute(sa.insert(incident_responders), [
                {"incident_id": number, "contact_id": c} for c in people])
        return number

    async def get_incident(self, incident_id: int, for_update: bool = False) -> Incident | None:
        query = sa.select(incidents).where(incidents.c.id == incident_id)
        if for_update and self.postgres:
            query = query.with_for_update()
        row = (await self.conn.execute(query)).first()
        return None if row is None else _incident(row)

    async def save_incident(self, inc: Incident) -> None:
        self.made_work = True
        await self.conn.execute(
            sa.update(incidents).where(incidents.c.id == inc.id).values(**_incident_values(inc)))

    async def open_incidents(self) -> list[Incident]:
        rows = (await self.conn.execute(
            sa.select(incidents).where(incidents.c.state != str(State.RESOLVED))
            .order_by(incidents.c.id))).all()
        return [_incident(r) for r in rows]

    async def open_incident_of(self, type_: str, school_id: str) -> Incident | None:
        """The open incident of this type at this school, if any (the oldest)."""
        row = (await self.conn.execute(
            sa.select(incidents).where(incidents.c.state != str(State.RESOLVED),
                                       incidents.c.type == type_,
                                       incidents.c.school_id == school_id)
            .order_by(incidents.c.id).limit(1))).first()
        return None if row is None else _incident(row)

    async def open_incidents_reported_by(self, contact_id: str) -> list[Incident]:
        rows = (await self.conn.execute(
            sa.select(incidents).where(incidents.c.state != str(State.RESOLVED),
                                       incidents.c.reporter_id == contact_id)
            .order_by(incidents.c.id))).all()
        return [_incident(r) for r in rows]

    async def open_incidents_paging(self, contact_id: str) -> list[Incident]:
        """Open incidents whose plan pages ``contact_id`` (who may acknowledge them)."""
        rows = (await self.conn.execute(
            sa.select(incidents)
            .join(incident_responders, incident_responders.c.incident_id == incidents.c.id)
            .where(incidents.c.state != str(State.RESOLVED),
                   incident_responders.c.contact_id == contact_id)
            .order_by(incidents.c.id))).all()
        return [_incident(r) for r in rows]

    async def list_incidents(self, limit: int = 100, offset: int = 0) -> list[Incident]:
        rows = (await self.conn.execute(
            sa.select(incidents).order_by(incidents.c.id.desc()).limit(limit)
            .offset(offset))).all()
        return [_incident(r) for r in rows]

    async def count_open(self) -> int:
        return int((await self.conn.execute(
            sa.select(sa.func.count()).select_from(incidents)
            .where(incidents.c.state != str(State.RESOLVED)))).scalar_one())

    async def forget_inbound_before(self, at: float) -> int:
        """Drop webhook idempotency keys older than ``at`` (providers retry for minutes)."""
        result = await self.conn.execute(sa.delete(inbound).where(inbound.c.at < at))
        return int(result.rowcount or 0)

    # --- timeline ------------------------------------------------------------------------

    async def add_timeline(self, incident_id: int, at: float, kind: str, text: str,
                           actor: str | None = None) -> None:
        await self.conn.execute(sa.insert(timeline).values(
            incident_id=incident_id, at=at, kind=kind, actor=actor, text=text))

    async def timeline(self, incident_ids: Sequence[int]) -> dict[int, list[TimelineEntry]]:
        out: dict[int, list[TimelineEntry]] = {i: [] for i in incident_ids}
        if not incident_ids:
            return out
        rows = (await self.conn.execute(
            sa.select(timeline).where(timeline.c.incident_id.in_(list(incident_ids)))
            .order_by(timeline.c.id))).all()
        for r in rows:
            m = r._mapping
            out[m["incident_id"]].append(
                TimelineEntry(m["incident_id"], m["at"], m["kind"], m["actor"], m["text"]))
        return out

    # --- outbox --------------------------------------------------------------------------

    async def enqueue(self, messages: Sequence[NewMessage], now: float) -> None:
        if not messages:
            return
        self.made_work = True
        await self.conn.execute(sa.insert(outbox), [
            {
                "incident_id": m.incident_id, "kind": str(m.kind), "contact_id": m.contact_id,
                "channel": str(m.channel), "address": m.address, "body": m.body,
                "language": m.language, "step": m.step, "round": m.round,
                "reason": m.reason, "status": str(OutboxStatus.PENDING),
                "due_at": now + m.delay,
                "attempts": 0, "created_at": now, "opened_at": m.opened_at,
                "fair_rank": rank,
            }
            for rank, m in enumerate(messages)
        ])

    async def cancel_pages(self, incident_id: int) -> int:
        self.made_work = True
        result = await self.conn.execute(
            sa.update(outbox)
            .where(outbox.c.incident_id == incident_id, outbox.c.kind == str(OutboxKind.PAGE),
                   outbox.c.status == str(OutboxStatus.PENDING))
            .values(status=str(OutboxStatus.CANCELLED)))
        return int(result.rowcount or 0)

    async def messages_for(self, incident_id: int) -> list[OutboxItem]:
        rows = (await self.conn.execute(
            sa.select(outbox).where(outbox.c.incident_id == incident_id)
            .order_by(outbox.c.id))).all()
        return [_outbox(r) for r in rows]

    async def paged_contacts(self, incident_id: int) -> list[str]:
        """Contacts a page of this incident went (or was going) out to, first paged first."""
        rows = (await self.conn.execute(
            sa.select(outbox.c.contact_id).where(
                outbox.c.incident_id == incident_id, outbox.c.kind == str(OutboxKind.PAGE),
                outbox.c.status != str(OutboxStatus.CANCELLED))
            .order_by(outbox.c.id))).all()
        seen: dict[str, None] = {}
        for (cid,) in rows:
            if cid:
                seen.setdefault(cid, None)
        return list(seen)

    # --- the Slack incident post (issue 4) -------------------------------------------

    async def slack_post(self, incident_id: int) -> SlackPost | None:
        row = (await self.conn.execute(
            sa.select(slack_posts).where(slack_posts.c.incident_id == incident_id))).first()
        if row is None:
            return None
        m = row._mapping
        return SlackPost(m["incident_id"], m["channel"], m["ts"], m["digest"], m["thread_count"])

    async def save_slack_post(self, post: SlackPost, now: float) -> None:
        values = {"channel": post.channel, "ts": post.ts, "digest": post.digest,
                  "thread_count": post.thread_count, "updated_at": now}
        result = await self.conn.execute(sa.update(slack_posts).where(
            slack_posts.c.incident_id == post.incident_id).values(**values))
        if not result.rowcount:
            await self.conn.execute(
                sa.insert(slack_posts).values(incident_id=post.incident_id, **values))

    async def incident_for_slack_post(self, channel: str, ts: str) -> int | None:
        """The incident whose post is message ``ts`` in ``channel`` (a thread's parent)."""
        value = (await self.conn.execute(sa.select(slack_posts.c.incident_id).where(
            slack_posts.c.channel == channel, slack_posts.c.ts == ts))).scalar()
        return None if value is None else int(value)

    # --- engine work -----------------------------------------------------------------

    async def due_incidents(self, now: float, limit: int) -> list[Incident]:
        """Triggered incidents whose escalation is due, locked for this transaction.

        On PostgreSQL the rows are locked ``FOR UPDATE SKIP LOCKED`` until commit, so
        another instance escalating at the same moment takes other incidents.
        """
        query = (sa.select(incidents)
                 .where(incidents.c.state == str(State.TRIGGERED), incidents.c.due_at <= now)
                 .order_by(incidents.c.due_at).limit(limit))
        if self.postgres:
            query = query.with_for_update(skip_locked=True)
        return [_incident(r) for r in (await self.conn.execute(query)).all()]

    async def claim_due_outbox(self, now: float, owner: str, lease: float, limit: int,
                               channel: Channel | None = None,
                               lease_now: float | None = None) -> list[OutboxItem]:
        """Pending (or abandoned in-flight) messages that are due, leased to ``owner``.

        Pages whose incident is no longer triggered are cancelled here instead:
        an acknowledgement stops every page still waiting, wherever it waits.
        Order: notices and first rounds before repeats, then round-robin across the
        incidents of a burst (``fair_rank``), then oldest first.

        ``now`` is the schedule's clock; ``lease_now`` the wall clock leases are kept in
        (they measure whether a process is alive, so tests that move the schedule's
        clock by minutes do not expire a send that is still in flight).
        """
        lease_now = now if lease_now is None else lease_now
        claimable = sa.or_(
            outbox.c.status == str(OutboxStatus.PENDING),
            sa.and_(outbox.c.status == str(OutboxStatus.SENDING),
                    outbox.c.lease_until < lease_now),
        )
        query = (sa.select(outbox, incidents.c.state.label("incident_state"))
                 .select_from(outbox.outerjoin(incidents, outbox.c.incident_id == incidents.c.id))
                 .where(claimable, outbox.c.due_at <= now,
                        sa.true() if channel is None else outbox.c.channel == str(channel))
                 .order_by(outbox.c.round.asc().nulls_first(), outbox.c.fair_rank,
                           outbox.c.due_at, outbox.c.id)
                 .limit(limit))
        if self.postgres:
            query = query.with_for_update(of=outbox, skip_locked=True)
        rows = (await self.conn.execute(query)).all()
        cancel: list[int] = []
        claim: list[int] = []
        items: list[OutboxItem] = []
        for row in rows:
            item = _outbox(row)
            if item.kind is OutboxKind.PAGE and row._mapping["incident_state"] != str(
                    State.TRIGGERED):
                cancel.append(item.id)
            else:
                claim.append(item.id)
                items.append(item)
        if cancel:
            await self.conn.execute(sa.update(outbox).where(outbox.c.id.in_(cancel))
                                    .values(status=str(OutboxStatus.CANCELLED)))
        if claim:
            await self.conn.execute(
                sa.update(outbox).where(outbox.c.id.in_(claim))
                .values(status=str(OutboxStatus.SENDING), lease_owner=owner,
                        lease_until=lease_now + lease, attempts=outbox.c.attempts + 1))
        return items

    async def mark_first_page(self, incident_id: int, at: float) -> bool:
        """Record when the incident's first page was accepted; True only the first time."""
        result = await self.conn.execute(
            sa.update(incidents).where(incidents.c.id == incident_id,
                                       incidents.c.first_page_at.is_(None))
            .values(first_page_at=at))
        return bool(result.rowcount)

    async def release_leases(self, owner: str) -> int:
        """Make ``owner``'s in-flight messages claimable again now (after its restart)."""
        result = await self.conn.execute(
            sa.update(outbox).where(outbox.c.status == str(OutboxStatus.SENDING),
                                    outbox.c.lease_owner == owner)
            .values(status=str(OutboxStatus.PENDING), lease_owner=None, lease_until=None))
        return int(result.rowcount or 0)

    async def mark_sent(self, item_id: int, provider_id: str | None, now: float) -> None:
        await self.conn.execute(sa.update(outbox).where(outbox.c.id == item_id).values(
            status=str(OutboxStatus.SENT), provider_id=provider_id, sent_at=now,
            lease_owner=None, lease_until=None, error=None))

    async def mark_retry(self, item_id: int, due_at: float, error: str) -> None:
        await self.conn.execute(sa.update(outbox).where(outbox.c.id == item_id).values(
            status=str(OutboxStatus.PENDING), due_at=due_at, error=error,
            lease_owner=None, lease_until=None))

    async def mark_failed(self, item_id: int, error: str) -> None:
        await self.conn.execute(sa.update(outbox).where(outbox.c.id == item_id).values(
            status=str(OutboxStatus.FAILED), error=error, lease_owner=None, lease_until=None))

    async def outbox_by_provider_id(self, provider_id: str) -> OutboxItem | None:
        row = (await self.conn.execute(
            sa.select(outbox).where(outbox.c.provider_id == provider_id))).first()
        return None if row is None else _outbox(row)

    async def set_provider_status(self, item_id: int, status: str,
                                  error: str | None = None) -> None:
        values: dict[str, Any] = {"provider_status": status}
        if error is not None:
            values["error"] = error
        await self.conn.execute(sa.update(outbox).where(outbox.c.id == item_id).values(**values))

    async def next_due(self) -> float | None:
        """The earliest time (schedule clock) any escalation or outbox message is due."""
        a = (await self.conn.execute(sa.select(sa.func.min(incidents.c.due_at)).where(
            incidents.c.state == str(State.TRIGGERED)))).scalar()
        b = (await self.conn.execute(sa.select(sa.func.min(outbox.c.due_at)).where(
            outbox.c.status == str(OutboxStatus.PENDING)))).scalar()
        due = [float(x) for x in (a, b) if x is not None]
        return min(due) if due else None

    async def next_lease_expiry(self) -> float | None:
        """When (wall clock) the first in-flight message's lease runs out."""
        c = (await self.conn.execute(sa.select(sa.func.min(outbox.c.lease_until)).where(
            outbox.c.status == str(OutboxStatus.SENDING)))).scalar()
        return None if c is None else float(c)


class _LoopThreadConnection:
    """SQLite, run right here in the event-loop thread, behind ``Tx``'s async calls.

    An SQLite statement takes tens of microseconds; through SQLAlchemy's aiosqlite
    adapter each one made several hops to a worker thread and cost ~700 µs, which under
    load was most of the service's CPU and made timers late (bench/README.md,
    decision 0009). Our writers take turns on the store's lock, so a statement never
    waits on another connection of ours.
    """

    def __init__(self, conn: Connection) -> None:
        self._conn = conn

    async def execute(self, statement: Executable, parameters: Any = None) -> CursorResult[Any]:
        return self._conn.execute(statement, parameters)


class Store:
    """PostgreSQL through asyncpg (``engine``), or SQLite in the loop (``sync_engine``)."""

    def __init__(self, engine: AsyncEngine | None = None,
                 sync_engine: Engine | None = None) -> None:
        if (engine is None) == (sync_engine is None):
            raise ValueError("a Store needs exactly one of an async or a sync engine")
        self.engine = engine
        self.sync_engine = sync_engine
        self.postgres = engine is not None
        self._write_lock = None if self.postgres else asyncio.Lock()

    @classmethod
    async def open(cls, url: str) -> Store:
        full = engine_url(url)
        if full.startswith("sqlite"):
            # Never block the loop waiting for a pooled connection: no upper bound.
            sync_engine = create_engine(full, pool_size=5, max_overflow=-1)

            @event.listens_for(sync_engine, "connect")
            def _pragmas(dbapi_conn: Any, _record: Any) -> None:
                cursor = dbapi_conn.cursor()
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")
                cursor.execute("PRAGMA foreign_keys=ON")
                # Only another process could hold the lock; waiting blocks the loop.
                cursor.execute("PRAGMA busy_timeout=2000")
                cursor.close()

            store = cls(sync_engine=sync_engine)
        else:
            store = cls(engine=create_async_engine(full, pool_size=10, max_overflow=10))
        await store.migrate()
        return store

    async def migrate(self) -> int:
        """Apply pending migrations; return the schema version now in force."""
        if self.engine is None:
            assert self.sync_engine is not None
            with self.sync_engine.begin() as sync_conn:
                return _migrate(sync_conn)
        async with self.engine.begin() as conn:
            await conn.execute(sa.text("SELECT pg_advisory_xact_lock(727274)"))
            return await conn.run_sync(_migrate)

    async def close(self) -> None:
        if self.engine is not None:
            await self.engine.dispose()
        if self.sync_engine is not None:
            self.sync_engine.dispose()

    async def listen(self, callback: Callable[[], None]) -> Callable[[], Awaitable[None]]:
        """Call ``callback`` whenever any instance commits work (PostgreSQL LISTEN).

        Returns an async function that stops listening. A no-op on SQLite, where one
        process owns the database and nudges itself.
        """
        if self.engine is None:
            async def nothing() -> None:
                return None
            return nothing
        import asyncpg

        dsn = self.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        conn = await asyncpg.connect(dsn)

        def on_notify(*_args: object) -> None:
            callback()

        await conn.add_listener(NUDGE_CHANNEL, on_notify)

        async def stop() -> None:
            await conn.close()
        return stop

    async def ping(self) -> bool:
        try:
            async with self.read() as tx:
                await tx.conn.execute(sa.text("SELECT 1"))
            return True
        except Exception:  # noqa: BLE001 - any failure means "not alive"
            return False

    @contextlib.asynccontextmanager
    async def tx(self) -> AsyncIterator[Tx]:
        """A read-write transaction: committed on success, rolled back on error."""
        if self.engine is not None:
            async with self.engine.begin() as conn:
                yield Tx(conn, True)
            return
        assert self._write_lock is not None and self.sync_engine is not None
        async with self._write_lock:
            with self.sync_engine.begin() as sync_conn:
                yield Tx(_LoopThreadConnection(sync_conn), False)

    @contextlib.asynccontextmanager
    async def read(self) -> AsyncIterator[Tx]:
        """A read-only view; on SQLite it does not wait for writers (WAL)."""
        if self.engine is not None:
            async with self.engine.connect() as conn:
                yield Tx(conn, True)
            return
        assert self.sync_engine is not None
        with self.sync_engine.connect() as sync_conn:
            yield Tx(_LoopThreadConnection(sync_conn), False)


def _migrate(conn: Connection) -> int:
    schema_version.create(conn, checkfirst=True)
    current = conn.execute(sa.select(schema_version.c.version)).scalar()
    if current is None:
        conn.execute(sa.insert(schema_version).values(version=0))
        current = 0
    for index in range(int(current), len(MIGRATIONS)):
        MIGRATIONS[index](conn)
        conn.execute(sa.update(schema_version).values(version=index + 1))
    return len(MIGRATIONS)
