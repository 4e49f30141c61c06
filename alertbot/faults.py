"""Faults on purpose, for fault tests and benchmarks.

``ALERTBOT_FAULT_SLOW_COMMIT=0.2``: every SQLite commit takes 0.2 s longer (slow fsyncs,
network storage); see ``slow_commits``. PostgreSQL ignores it.

Named crash points: ``ALERTBOT_CRASH_AT=before-mark-sent:2``.

The process dies (``os._exit``, like ``kill -9``: no cleanup, no flush) the Nth time
it reaches the named point. Unset, every point is a no-op. Points:

    after-escalate     decision committed (pages in the outbox, leased to this
                       instance: decision 0048), nothing sent yet
    after-unit-claim   a unit committed with the messages it queued leased to this
                       instance (a new incident's first pages), no send started yet
    before-send        a message claimed (leased), the provider not yet called
    before-mark-sent   the provider accepted the message, the outbox not yet updated
    in-ack             inside the acknowledgement transaction, before it commits
    after-ack          the acknowledgement committed, the reply not yet returned
"""

from __future__ import annotations

import logging
import os
import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

log = logging.getLogger("alertbot.faults")

POINTS = frozenset({"after-escalate", "after-unit-claim", "before-send", "before-mark-sent",
                    "in-ack", "after-ack"})


class CrashPoints:
    def __init__(self, spec: str | None = None) -> None:
        self.name: str | None = None
        self.at = 1
        self.hits = 0
        if spec:
            name, _, count = spec.partition(":")
            if name not in POINTS:
                raise ValueError(f"ALERTBOT_CRASH_AT: unknown point '{name}' "
                                 f"(known: {', '.join(sorted(POINTS))})")
            self.name = name
            self.at = int(count) if count else 1

    def hit(self, name: str) -> None:
        if name != self.name:
            return
        self.hits += 1
        if self.hits == self.at:
            log.critical("crash point %s reached (hit %d): exiting now", name, self.hits)
            os._exit(137)


def slow_commits(engine: Engine, seconds: float) -> None:
    """Make every commit on ``engine`` take ``seconds`` longer (a disk with slow fsyncs).

    The delay is spent where the commit runs: on SQLite, the database thread (decision
    0018), which is what the benchmark's slow-write scenario shows."""
    if seconds <= 0:
        return

    @event.listens_for(engine, "commit")
    def _slow(_conn: Any) -> None:
        time.sleep(seconds)
