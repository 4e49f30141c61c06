"""Claims on the visible output of a Slack request (issue 9, kind 3).

Slack retries an HTTP request it thinks failed (``X-Slack-Retry-Num``) and redelivers
a Socket Mode envelope whose ack it missed; the receiver's dedup key makes the
*effect* happen once, and a claim here makes the *output* (a DM reply, an ephemeral,
a ``response_url`` post, a modal) happen once: the first delivery to claim a key
answers, every later one answers nothing.

A claim that was never finished (the instance died between claiming and answering)
may be taken over after ``lease`` seconds, so a crash does not swallow a request.
Functions over a ``Tx`` (not methods) so the shared transaction class stays as it is.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from alertbot.store.schema import slack_deliveries
from alertbot.store.tx import Tx

KEEP = 7 * 24 * 3600.0  # seconds a finished claim is kept (Slack retries for minutes)


def claim_delivery(tx: Tx, key: str, now: float, lease: float) -> bool:
    """True if this delivery of ``key`` is the one that answers: the key is new, or its
    earlier claim is unfinished and older than ``lease`` seconds (taken over)."""
    insert = (postgresql.insert(slack_deliveries) if tx.postgres
              else sqlite.insert(slack_deliveries))
    result = tx.conn.execute(
        insert.values(key=key, at=now).on_conflict_do_nothing(index_elements=["key"]))
    if result.rowcount == 1:
        return True
    taken = tx.conn.execute(
        sa.update(slack_deliveries)
        .where(slack_deliveries.c.key == key, slack_deliveries.c.done_at.is_(None),
               slack_deliveries.c.at < now - lease)
        .values(at=now))
    return taken.rowcount == 1


def finish_delivery(tx: Tx, key: str, now: float) -> None:
    """The answer for ``key`` went out (or there was none to give): never again."""
    tx.conn.execute(sa.update(slack_deliveries)
                    .where(slack_deliveries.c.key == key).values(done_at=now))


def forget_deliveries_before(tx: Tx, at: float) -> int:
    result = tx.conn.execute(
        sa.delete(slack_deliveries).where(slack_deliveries.c.at < at))
    return int(result.rowcount or 0)
