"""One unit of work's reads and writes: ``Tx``, handed to ``work(tx)`` by
``Store.write``/``Store.read`` (store/sql.py, decision 0018).

``Tx`` is a facade over the queries of each concept, one module each: incidents
(store/incidents.py), reporters and the sender window (store/reporters.py), the outbox
(store/outbox.py), the timeline (store/timeline.py), webhook idempotency keys
(store/inbound_keys.py), the Slack post (store/slack_posts.py); the console: sign-in and
sessions (store/auth.py), the audit log (store/audit.py), the board (store/board.py);
phone call legs (store/calls.py); the procedure: checklist, encounter log and warrant aid
(store/procedure.py), records requests and their reminders (store/records.py), retention
(store/retention.py), documents (store/documents.py), period reports (store/reports.py);
readiness: opt-outs, line types, AWAYs and the digest's key (store/reachability.py);
wrong phone-tree PINs (store/pin_attempts.py).
Every method is plain synchronous SQLAlchemy Core over the one connection of the unit.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from alertbot.store.audit import AuditQueries
from alertbot.store.auth import AuthQueries
from alertbot.store.board import BoardQueries
from alertbot.store.calls import CallQueries
from alertbot.store.documents import DocumentQueries
from alertbot.store.drills import DrillQueries
from alertbot.store.inbound_keys import InboundKeyQueries
from alertbot.store.incidents import IncidentQueries
from alertbot.store.outbox import OutboxQueries
from alertbot.store.pin_attempts import PinAttemptQueries
from alertbot.store.procedure import ProcedureQueries
from alertbot.store.reachability import ReachabilityQueries
from alertbot.store.records import RecordsQueries
from alertbot.store.reporters import ReporterQueries
from alertbot.store.reports import ReportQueries
from alertbot.store.retention import RetentionQueries
from alertbot.store.slack_posts import SlackPostQueries
from alertbot.store.timeline import TimelineQueries
from alertbot.store.words import Words

NUDGE_CHANNEL = "alertbot_nudge"


class Tx(IncidentQueries, ReporterQueries, OutboxQueries, TimelineQueries,
         InboundKeyQueries, SlackPostQueries, AuthQueries, AuditQueries,
         CallQueries, ProcedureQueries, RecordsQueries, RetentionQueries, DocumentQueries,
         ReportQueries, ReachabilityQueries, BoardQueries, DrillQueries, PinAttemptQueries):
    """One transaction's worth of reads and writes: plain synchronous methods, called
    inside a unit of work (``Store.write``/``Store.read``)."""

    def __init__(self, conn: Connection, postgres: bool, words: Words) -> None:
        self.conn = conn
        self.postgres = postgres
        self.words = words
        self.made_work = False
        # Incidents besides the reply's that this transaction changed (a merged duplicate):
        # their events are published after the commit, with the reply's.
        self.also_changed: set[int] = set()
        self.drill_flags: dict[int, bool] = {}

    def notify(self) -> None:
        """Wake every instance's engine when this transaction commits (PostgreSQL)."""
        if self.postgres and self.made_work:
            self.conn.execute(sa.text(f"SELECT pg_notify('{NUDGE_CHANNEL}', '')"))
