"""Socket Mode (``SLACK_APP_TOKEN``): Slack for districts with no public URL.

We open a websocket to Slack (``apps.connections.open`` with the app-level token, on
``SLACK_API_URL`` like every other call) and Slack sends slash commands, button presses,
modal submissions and message events down it as envelopes. Each envelope goes through
the same bolt app as ``POST /slack/events`` (``SlackInbound.bolt``), so listeners,
replies and dedup keys (trigger id, action ts, event id) are the same: an envelope Slack
delivers again has one effect. There is no request signature to check: the socket is
authenticated by the app token. The listener's ack (a slash command's receipt, a modal's
``response_action``) is sent back as the envelope's acknowledgement.

The connection is opened in the background, so Slack being down never holds up the
service (SMS and voice page regardless); the SDK retries, and reconnects when Slack asks
it to. Envelopes are tracked as Slack background work: shutdown drains them, then
hangs up.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.async_client import AsyncBaseSocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest

from alertbot.slack.inbound import SlackInbound

log = logging.getLogger("alertbot.slack.socket_mode")


class SlackSocket:
    """A Socket Mode connection feeding ``inbound.bolt``. Build it in the running loop
    (the SDK client starts a session and a task at once), then ``start`` and ``close``."""

    def __init__(self, inbound: SlackInbound, app_token: str, ping_interval: float = 10.0
                 ) -> None:
        self.inbound = inbound
        # The inbound's web client: the bot token for listeners, SLACK_API_URL for all
        # (apps.connections.open passes the app token for that one call).
        self.handler = AsyncSocketModeHandler(inbound.bolt, app_token, logger=log,
                                              web_client=inbound.client,
                                              ping_interval=ping_interval)
        self.client: SocketModeClient = self.handler.client
        self.client.socket_mode_request_listeners[:] = [self._envelope]
        self._connecting: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._connecting = asyncio.create_task(self._connect(), name="alertbot-slack-socket")

    async def _connect(self) -> None:
        await self.client.connect()  # type: ignore[no-untyped-call]  # retries until up or closed
        if not self.client.closed:
            log.info("Slack Socket Mode connected")

    async def _envelope(self, _: AsyncBaseSocketModeClient, request: SocketModeRequest) -> None:
        await self.inbound.spawn(self._handle(request))

    async def _handle(self, request: SocketModeRequest) -> None:
        await self.handler.handle(self.client, request)  # dispatch to bolt, then ack
        metrics = self.inbound.metrics
        metrics.inbound.labels(route="slack_socket", result=request.type).inc()

    async def close(self) -> None:
        """Finish the envelopes in hand (and ack them), then hang up and stop every task."""
        await self.inbound.drain()
        await self.client.close()  # type: ignore[no-untyped-call]
        client = self.client
        tasks: list[asyncio.Future[Any]] = [
            t for t in (self._connecting, client.message_processor,
                        client.current_session_monitor, client.message_receiver)
            if t is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
