"""Tables and ordered migrations. Times are float seconds since the epoch (UTC).

A migration is appended, never edited: ``MIGRATIONS[i]`` takes the schema from
version i to i+1. The applied version lives in ``alertbot_schema``.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

metadata = sa.MetaData()

schema_version = sa.Table(
    "alertbot_schema", metadata, sa.Column("version", sa.Integer, nullable=False)
)

incidents = sa.Table(
    "incidents",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("type", sa.String(64), nullable=False),
    sa.Column("title", sa.String(300), nullable=False),
    sa.Column("school_id", sa.String(64)),
    sa.Column("school_name", sa.String(200)),
    sa.Column("reporter_id", sa.String(64)),
    sa.Column("reporter_name", sa.String(200), nullable=False),
    sa.Column("reporter_phone", sa.String(32)),
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("details", sa.Text, nullable=False, default=""),
    sa.Column("language", sa.String(8), nullable=False, default="en"),
    sa.Column("created_at", sa.Double, nullable=False),
    sa.Column("plan", sa.Text, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("step", sa.Integer, nullable=False, default=-1),
    sa.Column("round", sa.Integer, nullable=False, default=0),
    sa.Column("due_at", sa.Double),
    sa.Column("acknowledged_by", sa.String(64)),
    sa.Column("acknowledged_by_name", sa.String(200)),
    sa.Column("acknowledged_at", sa.Double),
    sa.Column("resolved_by", sa.String(64)),
    sa.Column("resolved_at", sa.Double),
    sa.Column("unverified", sa.Boolean, nullable=False, default=False),
    sa.Column("drill", sa.Boolean, nullable=False, default=False),
    sa.Column("first_page_at", sa.Double),
    # "type|school" while the incident is open and holds its school's slot, else NULL.
    # A unique index on it (migration ``_open_key``) makes "one open incident of a type
    # per school" a database guarantee: two reports at the same instant cannot both open.
    sa.Column("open_key", sa.String(140)),
    sa.Index("ix_incidents_due", "state", "due_at"),
    sa.Index("ix_incidents_school", "type", "school_id"),
    sa.Index("ix_incidents_reporter", "reporter_id"),
)

timeline = sa.Table(
    "timeline",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id"), nullable=False),
    sa.Column("at", sa.Double, nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("actor", sa.String(200)),
    sa.Column("text", sa.Text, nullable=False),
    sa.Index("ix_timeline_incident", "incident_id", "id"),
)

# The outbox: a row is written (in the transaction that decided it) before it is sent,
# and marked after. Pages are cancelled when their incident is acknowledged; notices
# (receipts, "acknowledged by", admin alerts) always go out.
outbox = sa.Table(
    "outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id")),
    sa.Column("kind", sa.String(16), nullable=False),  # page | notice
    sa.Column("contact_id", sa.String(64)),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("address", sa.String(64), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("language", sa.String(8), nullable=False, default="en"),
    sa.Column("step", sa.Integer),
    sa.Column("round", sa.Integer),
    sa.Column("reason", sa.Text, nullable=False, default=""),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("due_at", sa.Double, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("lease_owner", sa.String(64)),
    sa.Column("lease_until", sa.Double),
    sa.Column("provider_id", sa.String(64)),
    sa.Column("provider_status", sa.String(32)),
    sa.Column("error", sa.Text),
    sa.Column("created_at", sa.Double, nullable=False),
    sa.Column("opened_at", sa.Double),  # the incident's created_at, for trigger→page latency
    sa.Column("sent_at", sa.Double),
    # Position within the batch that enqueued it: claiming orders by (round, fair_rank),
    # so a burst of incidents is served round-robin, not one incident's pages first.
    sa.Column("fair_rank", sa.Integer, nullable=False, server_default="0"),
    sa.Index("ix_outbox_due", "status", "due_at"),
    sa.Index("ix_outbox_incident", "incident_id"),
    sa.Index("ix_outbox_provider", "provider_id"),
)

# Inbound webhook keys (MessageSid, CallSid, Slack retries): exactly one effect each.
inbound = sa.Table(
    "inbound",
    metadata,
    sa.Column("key", sa.String(128), primary_key=True),
    sa.Column("at", sa.Double, nullable=False),
    sa.Column("reply", sa.Text, nullable=False, default=""),  # the Reply as JSON
    # The incident the request touched: its key is kept as long as the incident (a
    # captured request replayed after a week must not open a new one).
    sa.Column("incident_id", sa.Integer),
)


def _v1(conn: Connection) -> None:
    for table in (incidents, timeline, outbox, inbound):
        table.create(conn, checkfirst=True)


# The live Slack post of each incident (issue 4): where it is, what it last showed,
# and how many timeline entries its thread already carries.
slack_posts = sa.Table(
    "slack_posts",
    metadata,
    sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id"), primary_key=True),
    sa.Column("channel", sa.String(32), nullable=False),
    sa.Column("ts", sa.String(32), nullable=False),
    sa.Column("digest", sa.String(64), nullable=False, default=""),
    sa.Column("thread_count", sa.Integer, nullable=False, default=0),
    sa.Column("updated_at", sa.Double, nullable=False),
    sa.Index("ix_slack_posts_ts", "channel", "ts"),
)


def _v2_slack_posts(conn: Connection) -> None:
    slack_posts.create(conn, checkfirst=True)


# Who may acknowledge an incident (everyone its frozen plan pages), so "ACK" with no
# number finds the caller's incidents with an index instead of parsing every plan.
incident_responders = sa.Table(
    "incident_responders",
    metadata,
    sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id"), primary_key=True),
    sa.Column("contact_id", sa.String(64), primary_key=True),
    sa.Index("ix_incident_responders_contact", "contact_id"),
)


def _add_column(conn: Connection, table: str, column: str, ddl: str) -> None:
    """Add a column that databases created before it existed lack (v1 creates the tables
    as they are defined now, so newer databases already have it)."""
    if column not in {c["name"] for c in sa.inspect(conn).get_columns(table)}:
        conn.execute(sa.text(f"ALTER TABLE {table} ADD COLUMN {column} {ddl}"))


def _v3_outbox_fair_rank(conn: Connection) -> None:
    _add_column(conn, "outbox", "fair_rank", "INTEGER NOT NULL DEFAULT 0")


def _v4_incident_responders(conn: Connection) -> None:
    import json

    incident_responders.create(conn, checkfirst=True)
    for index in incidents.indexes:
        index.create(conn, checkfirst=True)
    if conn.execute(sa.select(sa.func.count()).select_from(incident_responders)).scalar():
        return
    rows = conn.execute(sa.select(incidents.c.id, incidents.c.plan)
                        .where(incidents.c.state != "resolved")).all()
    for incident_id, plan in rows:
        people = {r["contact_id"] for s in json.loads(plan)["steps"] for r in s["recipients"]}
        if people:
            conn.execute(sa.insert(incident_responders), [
                {"incident_id": incident_id, "contact_id": c} for c in sorted(people)])


def _v5_first_page_at(conn: Connection) -> None:
    _add_column(conn, "incidents", "first_page_at", "DOUBLE PRECISION")


# Everyone who reported into an incident (issue 9): the opener and every joiner, by
# ``contact:<id>``, else ``phone:<E.164>``, else ``slack:<member id>``. All of them may
# add to it and hear when it is acknowledged, escalated and resolved.
incident_reporters = sa.Table(
    "incident_reporters",
    metadata,
    sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id"), primary_key=True),
    sa.Column("reporter_key", sa.String(140), primary_key=True),
    sa.Column("language", sa.String(8), nullable=False, default="en"),
    sa.Column("opener", sa.Boolean, nullable=False, default=False),
    sa.Column("at", sa.Double, nullable=False),
    sa.Index("ix_incident_reporters_key", "reporter_key", "at"),
)

# When each sender was last limited (issue 9, kind 7): admins hear once per window.
sender_limits = sa.Table(
    "sender_limits",
    metadata,
    sa.Column("sender_key", sa.String(140), primary_key=True),
    sa.Column("noticed_at", sa.Double, nullable=False),
)


def _reporter_key(reporter_id: str | None, phone: str | None) -> str | None:
    if reporter_id:
        return f"contact:{reporter_id}"
    return f"phone:{phone}" if phone else None


def _v_reporters_and_inbound_incident(conn: Connection) -> None:
    """Co-reporters, sender limits, and the incident of each webhook key (idempotent)."""
    _add_column(conn, "inbound", "incident_id", "INTEGER")
    sender_limits.create(conn, checkfirst=True)
    if sa.inspect(conn).has_table("incident_reporters"):
        return
    incident_reporters.create(conn, checkfirst=True)
    rows = conn.execute(sa.select(incidents.c.id, incidents.c.reporter_id,
                                  incidents.c.reporter_phone, incidents.c.language,
                                  incidents.c.created_at)).all()
    values = [{"incident_id": i, "reporter_key": key, "language": lang or "en",
               "opener": True, "at": at}
              for i, rid, phone, lang, at in rows
              if (key := _reporter_key(rid, phone)) is not None]
    if values:
        conn.execute(sa.insert(incident_reporters), values)


# Slack requests whose visible output has been claimed (issue 9): a retry or a Socket
# Mode redelivery of the same request finds its key here and shows nothing again.
# Separate from ``inbound`` (the command's effect): queries in store/deliveries.py.
slack_deliveries = sa.Table(
    "slack_deliveries",
    metadata,
    sa.Column("key", sa.String(200), primary_key=True),
    sa.Column("at", sa.Double, nullable=False),
    sa.Column("done_at", sa.Double),
    sa.Index("ix_slack_deliveries_at", "at"),
)


def _slack_deliveries(conn: Connection) -> None:
    slack_deliveries.create(conn, checkfirst=True)


# What the database is for (issue 9): ``mode`` is "production" or "sandbox", written by
# the first ``alertbot serve`` (Store.claim_mode) and never changed after. A key/value
# table so later facts about the database need no new table.
database_meta = sa.Table(
    "alertbot_meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.String(200), nullable=False),
    sa.Column("set_at", sa.Double, nullable=False),
)


def _database_meta(conn: Connection) -> None:
    """Create ``alertbot_meta``; a database that only the sandbox ever sent from is
    marked "sandbox" (it predates the marker: its incidents are practice).

    Idempotent and independent of the other migrations' order: it reads only the
    outbox's ``provider_id``, which v1 created. Sandbox sends are recorded with ids
    like ``SMsandbox00000001`` (alertbot/sandbox/sender.py).
    """
    import time

    database_meta.create(conn, checkfirst=True)
    if conn.execute(sa.select(database_meta.c.value)
                    .where(database_meta.c.key == "mode")).first() is not None:
        return
    sent = outbox.c.provider_id
    practice = conn.execute(sa.select(sa.func.count()).select_from(outbox)
                            .where(sent.like("%sandbox%"))).scalar()
    real = conn.execute(sa.select(sa.func.count()).select_from(outbox)
                        .where(sent.is_not(None), sent.not_like("%sandbox%"))).scalar()
    if practice and not real:
        conn.execute(sa.insert(database_meta).values(key="mode", value="sandbox",
                                                      set_at=time.time()))


def _open_key(conn: Connection) -> None:
    """One open incident per (type, school), enforced by a unique index (issue 9, kind 2).

    Order-independent and idempotent: adds the column if missing, gives the oldest open
    incident of each (type, school) its key (a database that already holds two, from
    before, keeps both open; only new ones are refused), then creates the index.
    """
    _add_column(conn, "incidents", "open_key", "VARCHAR(140)")
    if conn.execute(sa.select(sa.func.count()).select_from(incidents)
                    .where(incidents.c.open_key.is_not(None))).scalar() == 0:
        oldest = (sa.select(sa.func.min(incidents.c.id))
                  .where(incidents.c.state != "resolved", incidents.c.school_id.is_not(None))
                  .group_by(incidents.c.type, incidents.c.school_id))
        conn.execute(sa.update(incidents).where(incidents.c.id.in_(oldest)).values(
            open_key=incidents.c.type + OPEN_KEY_SEPARATOR + incidents.c.school_id))
    conn.execute(sa.text(
        "CREATE UNIQUE INDEX IF NOT EXISTS ux_incidents_open_key ON incidents (open_key)"))


OPEN_KEY_SEPARATOR = "|"


# --- issue 13 (calls) ---
# Every phone leg alertbot connects people with (issue 13, decision 0036): the reporter
# waiting on the line in the incident's conference, responders who joined it, the
# reporter dialed from a voice page, team-bridge calls and dial-ins. One row per Twilio
# CallSid (unique), so a callback Twilio delivers twice changes nothing the second time.
call_legs = sa.Table(
    "call_legs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id"), nullable=False),
    sa.Column("call_sid", sa.String(64), nullable=False, unique=True),
    sa.Column("role", sa.String(16), nullable=False),  # caller|responder|reporter|bridge|dialin
    sa.Column("contact_id", sa.String(64)),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # waiting|connected|on_line|left|...
    sa.Column("started_at", sa.Double, nullable=False),
    sa.Column("updated_at", sa.Double, nullable=False),
    sa.Index("ix_call_legs_incident", "incident_id"),
)


def _call_legs(conn: Connection) -> None:
    call_legs.create(conn, checkfirst=True)


MIGRATIONS: list[Callable[[Connection], None]] = [
    _v1, _v2_slack_posts, _v3_outbox_fair_rank, _v4_incident_responders, _v5_first_page_at,
    _v_reporters_and_inbound_incident,
    _slack_deliveries,
    _database_meta,
    _open_key,
    _call_legs]


# --- issue 12 (documents) ---

# A document someone sent (an MMS photo of the paper agents show): a row per media URL,
# written ``pending`` in the unit that took the text, then fetched, checked, sealed
# (AES-GCM, alertbot/crypto.py) and ``stored`` or ``rejected`` by the engine
# (engine/documents.py), which then deletes the media from Twilio. ``intake_key``
# (``sms:<MessageSid>:<index>``) makes a retried webhook one document. ``due_at``: when
# the engine next has work on the row (NULL: none); ``lease_until``: an instance holds it.
documents = sa.Table(
    "documents",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id"), nullable=False),
    sa.Column("intake_key", sa.String(160), nullable=False, unique=True),
    sa.Column("media_url", sa.Text, nullable=False),
    sa.Column("declared_type", sa.String(100), nullable=False, default=""),
    sa.Column("status", sa.String(16), nullable=False),  # pending | stored | rejected
    sa.Column("content_type", sa.String(100)),  # from the file's first bytes, not the sender
    sa.Column("bytes", sa.Integer),
    sa.Column("sealed", sa.LargeBinary),
    sa.Column("added_by", sa.String(160), nullable=False),  # contact id, else sender key
    sa.Column("added_by_name", sa.String(200), nullable=False),
    sa.Column("sender_key", sa.String(160)),
    sa.Column("language", sa.String(8), nullable=False, default="en"),
    sa.Column("added_at", sa.Double, nullable=False),
    sa.Column("stored_at", sa.Double),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("due_at", sa.Double),
    sa.Column("lease_until", sa.Double),
    sa.Column("error", sa.Text),
    sa.Column("media_deleted_at", sa.Double),
    sa.Column("purged_at", sa.Double),
    sa.Index("ix_documents_incident", "incident_id", "id"),
    sa.Index("ix_documents_due", "due_at"),
)


def _documents(conn: Connection) -> None:
    documents.create(conn, checkfirst=True)


MIGRATIONS.append(_documents)
# --- issue 11 (console-auth) ---
# People sign in to the console per person (decision 0024). A one-time code is kept only
# as an HMAC (``code_hash``); a session only as the SHA-256 of its cookie value
# (``token_hash``): a copy of the database signs nobody in. ``state`` moves by
# conditional updates only (live -> used | dead | replaced; a session's ``revoked_at``
# is set once), so two instances verifying the same code cannot both succeed.
sign_in_codes = sa.Table(
    "sign_in_codes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("contact_id", sa.String(64), nullable=False),
    sa.Column("code_hash", sa.String(64), nullable=False),
    sa.Column("created_at", sa.Double, nullable=False),
    sa.Column("expires_at", sa.Double, nullable=False),
    sa.Column("tries", sa.Integer, nullable=False, default=0),
    sa.Column("state", sa.String(16), nullable=False),  # live | used | dead | replaced
    sa.Index("ix_sign_in_codes_contact", "contact_id", "state"),
)

console_sessions = sa.Table(
    "console_sessions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("contact_id", sa.String(64), nullable=False),
    sa.Column("method", sa.String(16), nullable=False),  # code | oidc
    sa.Column("created_at", sa.Double, nullable=False),
    sa.Column("last_seen_at", sa.Double, nullable=False),
    sa.Column("expires_at", sa.Double, nullable=False),  # the absolute lifetime's end
    sa.Column("revoked_at", sa.Double),
    sa.Column("revoked_why", sa.String(64)),
    sa.Column("client", sa.String(64), nullable=False, default=""),
    sa.Column("user_agent", sa.String(300), nullable=False, default=""),
    sa.Index("ix_console_sessions_contact", "contact_id"),
)

# Who did and looked at what, when and from where (FERPA, 34 CFR 99.32). Append-only.
# ``subject``: what a sign-in attempt named (a phone number, an e-mail address), so the
# rate limits can count attempts per number whether or not it is a contact's.
audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Double, nullable=False),
    sa.Column("contact_id", sa.String(64)),
    sa.Column("via", sa.String(16), nullable=False),  # session | bearer | sms | none
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("outcome", sa.String(32), nullable=False, default="ok"),
    sa.Column("incident_id", sa.Integer),
    sa.Column("subject", sa.String(200)),
    sa.Column("client", sa.String(64), nullable=False, default=""),
    sa.Column("user_agent", sa.String(300), nullable=False, default=""),
    sa.Column("detail", sa.String(300), nullable=False, default=""),
    sa.Index("ix_audit_at", "at"),
    sa.Index("ix_audit_subject", "action", "subject", "at"),
    sa.Index("ix_audit_client", "action", "client", "at"),
)


def _console_auth(conn: Connection) -> None:
    """Create the console's sign-in, session and audit tables (issue 11). Idempotent and
    independent of the other migrations' order."""
    for table in (sign_in_codes, console_sessions, audit_log):
        table.create(conn, checkfirst=True)


MIGRATIONS.append(_console_auth)


# --- issue 12 (procedure) ---
# The checklist: one row per (incident, step) once someone completed it; ``done_at`` NULL
# after an undo (the timeline keeps the history). ``note`` and ``field_values`` (JSON)
# are free text: purged by retention.
procedure_steps = sa.Table(
    "procedure_steps",
    metadata,
    sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id"), primary_key=True),
    sa.Column("step_id", sa.String(64), primary_key=True),
    sa.Column("done_by", sa.String(64), nullable=False),
    sa.Column("done_by_name", sa.String(200), nullable=False),
    sa.Column("done_at", sa.Double),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("field_values", sa.Text, nullable=False, default="{}"),
    sa.Column("updated_at", sa.Double, nullable=False),
)

# The encounter log (one per incident). Times are epoch seconds, ``agents_count`` a count:
# kept for statistics. The other text columns are free text, purged by retention.
encounters = sa.Table(
    "encounters",
    metadata,
    sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id"), primary_key=True),
    sa.Column("arrived_at", sa.Double),
    sa.Column("left_at", sa.Double),
    sa.Column("agents_count", sa.Integer),
    sa.Column("agency", sa.String(100), nullable=False, default=""),
    sa.Column("outcome", sa.String(32), nullable=False, default=""),
    sa.Column("agents", sa.Text, nullable=False, default=""),  # names and badge numbers
    sa.Column("purpose", sa.Text, nullable=False, default=""),
    sa.Column("documents", sa.Text, nullable=False, default=""),
    sa.Column("present", sa.Text, nullable=False, default=""),
    sa.Column("account", sa.Text, nullable=False, default=""),  # what was said and done
    sa.Column("outcome_other", sa.Text, nullable=False, default=""),
    sa.Column("updated_by", sa.String(200), nullable=False, default=""),
    sa.Column("updated_at", sa.Double, nullable=False),
)

# Warrant-aid reviews: the answers (enumerated values only) and the assessment's kind and
# entry; ``document_id`` joins the documents of the documents branch when there is one.
warrant_reviews = sa.Table(
    "warrant_reviews",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id"), nullable=False),
    sa.Column("document_id", sa.String(64)),
    sa.Column("answers", sa.Text, nullable=False),
    sa.Column("kind", sa.String(32), nullable=False),
    sa.Column("entry", sa.String(32), nullable=False),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("reviewed_by", sa.String(64), nullable=False),
    sa.Column("reviewed_by_name", sa.String(200), nullable=False),
    sa.Column("reviewed_at", sa.Double, nullable=False),
    sa.Index("ix_warrant_reviews_incident", "incident_id", "id"),
)

# Records requests (FERPA, 34 CFR 99.31(a)(9)(ii), 99.32). ``next_reminder_at``: when the
# engine's reminder module next looks at it (NULL: nothing due), kept by the queries.
records_requests = sa.Table(
    "records_requests",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id"), nullable=False),
    sa.Column("presented", sa.String(32), nullable=False),
    sa.Column("categories", sa.String(300), nullable=False, default=""),
    sa.Column("other_category", sa.Text, nullable=False, default=""),
    sa.Column("non_disclosure", sa.Boolean, nullable=False, default=False),
    sa.Column("parent_notice_due_at", sa.Double),
    sa.Column("parents_notified_at", sa.Double),
    sa.Column("parents_notified_by", sa.String(200)),
    sa.Column("parents_notified_how", sa.String(32)),
    sa.Column("response_due_at", sa.Double),
    sa.Column("provided_at", sa.Double),
    sa.Column("provided_by", sa.String(200)),
    sa.Column("counsel_signoff_at", sa.Double),
    sa.Column("counsel_signoff_by", sa.String(200)),
    sa.Column("notes", sa.Text, nullable=False, default=""),
    sa.Column("created_by", sa.String(200), nullable=False),
    sa.Column("created_at", sa.Double, nullable=False),
    sa.Column("next_reminder_at", sa.Double),
    sa.Index("ix_records_requests_incident", "incident_id", "id"),
    sa.Index("ix_records_requests_reminder", "next_reminder_at"),
)

# One reminder per due item (its key: records:<id>:<kind>:<due time>): the primary key
# makes a second one impossible, on every instance.
procedure_reminders = sa.Table(
    "procedure_reminders",
    metadata,
    sa.Column("key", sa.String(120), primary_key=True),
    sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id"), nullable=False),
    sa.Column("at", sa.Double, nullable=False),
)

# Incidents whose free text retention purged, and when (issue 12, decision 0031).
retention_purges = sa.Table(
    "retention_purges",
    metadata,
    sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id"), primary_key=True),
    sa.Column("purged_at", sa.Double, nullable=False),
)


def _issue12_procedure(conn: Connection) -> None:
    for table in (procedure_steps, encounters, warrant_reviews, records_requests,
                  procedure_reminders, retention_purges):
        table.create(conn, checkfirst=True)


MIGRATIONS.append(_issue12_procedure)


# --- issue 14 (readiness) ---
# Opt-outs alertbot has seen (a STOP it received, a 21610 refusal): one row per contact
# and channel while opted out; START deletes it. ``reason``: "texted STOP", "Twilio 21610".
opt_outs = sa.Table(
    "opt_outs",
    metadata,
    sa.Column("contact_id", sa.String(140), primary_key=True),
    sa.Column("channel", sa.String(16), primary_key=True),
    sa.Column("address", sa.String(64), nullable=False),
    sa.Column("at", sa.Double, nullable=False),
    sa.Column("reason", sa.String(200), nullable=False),
)

# Who is away (AWAY / BACK, the console): one row per contact; ``until`` (epoch seconds)
# ends it by itself (rows past it are ignored, and deleted by housekeeping).
away = sa.Table(
    "away",
    metadata,
    sa.Column("contact_id", sa.String(140), primary_key=True),
    sa.Column("since", sa.Double, nullable=False),
    sa.Column("until", sa.Double, nullable=False),
    sa.Column("set_by", sa.String(140), nullable=False),
    sa.Column("source", sa.String(40), nullable=False),
)

# Twilio Lookup's line type per number, cached (``checked_at``, epoch seconds):
# "mobile", "landline", "nonFixedVoip"…; NULL: Lookup had no answer.
line_types = sa.Table(
    "line_types",
    metadata,
    sa.Column("phone", sa.String(64), primary_key=True),
    sa.Column("line_type", sa.String(40)),
    sa.Column("checked_at", sa.Double, nullable=False),
)

# The weekly readiness digest: one row per scheduled time (its key), so of several
# instances exactly one sends it.
readiness_digests = sa.Table(
    "readiness_digests",
    metadata,
    sa.Column("period", sa.String(64), primary_key=True),
    sa.Column("at", sa.Double, nullable=False),
)


def _readiness(conn: Connection) -> None:
    for table in (opt_outs, away, line_types, readiness_digests):
        table.create(conn, checkfirst=True)


MIGRATIONS.append(_readiness)


# --- issue 14 (drills-watch) ---
# Each slot of each scheduled drill, once (decision 0041): the primary key (drill id,
# local wall-clock slot) is what lets exactly one of several instances start it, and a
# slot missed while alertbot was down is recorded once as ``missed``. ``end_at`` is when
# the drill resolves itself; ``ended_at`` is set once (a conditional update) when it
# ended and the admins' summary was queued.
drill_runs = sa.Table(
    "drill_runs",
    metadata,
    sa.Column("drill_id", sa.String(64), primary_key=True),
    sa.Column("slot", sa.String(20), primary_key=True),  # YYYY-MM-DDTHH:MM, district time
    sa.Column("scheduled_at", sa.Double, nullable=False),
    sa.Column("status", sa.String(16), nullable=False),  # started | missed
    sa.Column("incident_id", sa.Integer, sa.ForeignKey("incidents.id")),
    sa.Column("recorded_at", sa.Double, nullable=False),
    sa.Column("owner", sa.String(64), nullable=False, default=""),
    sa.Column("end_at", sa.Double),
    sa.Column("ended_at", sa.Double),
    sa.Column("reason", sa.Text, nullable=False, default=""),
    sa.Index("ix_drill_runs_open", "status", "ended_at"),
    sa.Index("ix_drill_runs_incident", "incident_id"),
)


def _drill_runs(conn: Connection) -> None:
    drill_runs.create(conn, checkfirst=True)


MIGRATIONS.append(_drill_runs)


# --- new-user trial (misc) ---
# Wrong phone-tree PINs (core/pin_limits.py): one row per wrong PIN, counted per caller
# number over the window by every instance; rows older than the window are deleted when
# a new one is written. ``pin_lockouts`` keeps when the admins were last told about a
# caller's lockout: a conditional upsert lets exactly one instance tell them, once per
# lockout. No PIN digits are ever stored.
pin_failures = sa.Table(
    "pin_failures",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("caller", sa.String(40), nullable=False),  # E.164, or "anonymous"
    sa.Column("call_sid", sa.String(64), nullable=False, default=""),
    sa.Column("kind", sa.String(16), nullable=False),  # district | personal
    sa.Column("at", sa.Double, nullable=False),
    sa.Index("ix_pin_failures_caller", "caller", "at"),
    sa.Index("ix_pin_failures_at", "at"),
)
pin_lockouts = sa.Table(
    "pin_lockouts",
    metadata,
    sa.Column("caller", sa.String(40), primary_key=True),
    sa.Column("notified_at", sa.Double, nullable=False),
)


def _pin_limits(conn: Connection) -> None:
    for table in (pin_failures, pin_lockouts):
        table.create(conn, checkfirst=True)


MIGRATIONS.append(_pin_limits)
