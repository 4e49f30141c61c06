"""The live incident post in SLACK_CHANNEL, kept up to date from IncidentEvents.

On every publish for an incident: render the post from the store (``PostView``); post
it the first time (``chat.postMessage``), else edit it in place (``chat.update``) when
what it shows changed; then add the timeline entries the thread does not carry yet.
Where the post is (channel, ts), a digest of what it shows and how many timeline
entries its thread carries are kept in the store (``slack_posts``), so a restart never
posts an incident twice.

Syncs of one incident are serialised (a lock per incident); each one renders the
latest state, so publishes that pile up collapse into one ``chat.update``. Pages are
sent after the event that queued them, so while any is in flight a few follow-up syncs
run a moment later to show "sent" or "FAILED".

Limit: with several instances sharing one database, two instances that publish the
very first event of an incident at the same moment could both post it.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import weakref
from collections.abc import Callable
from dataclasses import replace

from aiohttp import web
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from alertbot.clock import Clock
from alertbot.core.incident import Incident
from alertbot.core.model import Config
from alertbot.core.records import OutboxItem, OutboxKind, OutboxStatus, TimelineEntry
from alertbot.store.sql import SlackPost, Store, Tx
from alertbot.text.slack_post_blocks import PostView, post_blocks, post_text, timeline_text

log = logging.getLogger("alertbot.slack.post")

IN_FLIGHT = (OutboxStatus.PENDING, OutboxStatus.SENDING)


class IncidentPost:
    def __init__(self, store: Store, client: AsyncWebClient, channel: str,
                 config: Callable[[], Config], clock: Clock, *, language: str = "en",
                 followup_delay: float = 2.0, followups: int = 3) -> None:
        self.store = store
        self.client = client
        self.channel = channel
        self.config = config
        self.clock = clock
        self.language = language
        self.followup_delay = followup_delay
        self.followups = followups
        self._locks: weakref.WeakValueDictionary[int, asyncio.Lock] = (
            weakref.WeakValueDictionary())
        self._tasks: set[asyncio.Task[None]] = set()
        self._pending_followup: set[int] = set()

    async def on_event(self, incident_id: int) -> None:
        """The IncidentEvents subscriber."""
        in_flight = await self.sync(incident_id)
        if in_flight:
            self._schedule_followups(incident_id)

    async def sync(self, incident_id: int) -> bool:
        """Bring the post of ``incident_id`` up to date; True while pages are in flight."""
        lock = self._locks.get(incident_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[incident_id] = lock
        async with lock:
            return await self._sync(incident_id)

    async def incident_for(self, channel: str, ts: str) -> int | None:
        """The incident whose post is message ``ts`` (a thread reply's parent)."""
        return await self.store.read(lambda tx: tx.incident_for_slack_post(channel, ts))

    async def drain(self, within: float = 10.0) -> None:
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=within)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await self.drain(1.0)

    # --- internals -----------------------------------------------------------------

    def _schedule_followups(self, incident_id: int) -> None:
        if incident_id in self._pending_followup or self.followups <= 0:
            return
        self._pending_followup.add(incident_id)
        task = asyncio.create_task(self._followups(incident_id))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _followups(self, incident_id: int) -> None:
        try:
            for _ in range(self.followups):
                await asyncio.sleep(self.followup_delay)
                if not await self.sync(incident_id):
                    return
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("incident %d: follow-up of the Slack post failed", incident_id)
        finally:
            self._pending_followup.discard(incident_id)

    async def _sync(self, incident_id: int) -> bool:

        def read(tx: Tx) -> tuple[Incident, SlackPost | None, list[TimelineEntry],
                                  list[OutboxItem]] | None:
            incident = tx.get_incident(incident_id)
            if incident is None:
                return None
            return (incident, tx.slack_post(incident_id), tx.timeline([incident_id])[incident_id],
                    tx.messages_for(incident_id))

        found = await self.store.read(read)
        if found is None:
            return False
        incident, post, entries, messages = found
        config = self.config()
        view = PostView(incident, tuple(messages), config.timezone, self.clock.now(),
                        exhausted=any(e.kind == "exhausted" for e in entries))
        blocks = post_blocks(view, self.language)
        # The footer's "updated HH:MM" alone is no reason to edit the post.
        digest = hashlib.sha256(json.dumps(blocks[:-1], sort_keys=True).encode()).hexdigest()
        text = post_text(incident)
        if post is None:
            response = await self.client.chat_postMessage(
                channel=self.channel, text=text, blocks=blocks, unfurl_links=False,
                unfurl_media=False)
            post = SlackPost(incident_id, str(response["channel"]), str(response["ts"]), digest)
            await self._save(post)
        elif post.digest != digest:
            try:
                await self.client.chat_update(channel=post.channel, ts=post.ts, text=text,
                                              blocks=blocks)
            except SlackApiError as exc:
                if exc.response.get("error") != "message_not_found":
                    raise
                log.warning("incident %d: its Slack post was deleted; posting it again",
                            incident_id)
                response = await self.client.chat_postMessage(
                    channel=self.channel, text=text, blocks=blocks, unfurl_links=False)
                post = SlackPost(incident_id, str(response["channel"]), str(response["ts"]))
            post = replace(post, digest=digest)
            await self._save(post)
        new = entries[post.thread_count:]
        for chunk in timeline_text(new, config.timezone):
            await self.client.chat_postMessage(channel=post.channel, thread_ts=post.ts,
                                               text=chunk, unfurl_links=False,
                                               unfurl_media=False)
        if new:
            await self._save(replace(post, thread_count=len(entries)))
        return any(m.kind is OutboxKind.PAGE and m.status in IN_FLIGHT for m in messages)

    async def _save(self, post: SlackPost) -> None:
        now = self.clock.now()
        await self.store.write(lambda tx: tx.save_slack_post(post, now))


SLACK_POST: web.AppKey[IncidentPost] = web.AppKey("slack_post", IncidentPost)
