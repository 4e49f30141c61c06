"""The Slack incident post and its thread (issue 4).

A part of ``Tx`` (store/tx.py): synchronous queries over the unit of work's connection."""

from __future__ import annotations

import sqlalchemy as sa

from alertbot.store.rows import (
    SlackPost,
)
from alertbot.store.schema import (
    slack_posts,
)
from alertbot.store.txbase import TxBase


class SlackPostQueries(TxBase):
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
