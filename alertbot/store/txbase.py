"""What every group of transaction queries shares: a connection and two flags."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from alertbot.store.words import Words


class TxBase:
    """One transaction's state: its synchronous SQLAlchemy ``Connection`` (a unit of work
    runs as plain code on the database thread, or under ``AsyncConnection.run_sync`` on
    PostgreSQL; see ``Store.write``) and two flags."""

    conn: Connection
    postgres: bool
    # Seals and opens people's words (store/words.py, decision 0044): every word-carrying
    # column is written and read through it, never raw.
    words: Words
    # Set when this transaction created work for the engine (an incident changed,
    # a message queued): only then is the engine woken and other instances told.
    made_work: bool
    # Incidents besides the reply's that the unit changed (published after the commit).
    also_changed: set[int]
    # Whether an incident is a drill, for each incident this unit has read or inserted:
    # the flag is set at insert and never changes, so ``is_drill`` need not ask the
    # database again (one statement fewer per command, decision 0053).
    drill_flags: dict[int, bool]
