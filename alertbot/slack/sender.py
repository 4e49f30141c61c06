"""Slack as a page channel: a DM (conversations.open + chat.postMessage) with buttons.

Slack's answers are translated at this boundary (see ``channels.base``):

* HTTP 429 / ``ratelimited`` → ``TemporaryFailure`` carrying Slack's ``Retry-After``;
  a short Retry-After is waited out inside the SDK first (``ShortRateLimitRetry``).
* 5xx, ``internal_error``, ``fatal_error``, ``service_unavailable``, timeouts, refused
  connections → ``TemporaryFailure``.
* everything else Slack refuses (``user_not_found``, ``account_inactive``,
  ``invalid_auth``, ``missing_scope``…) → ``PermanentFailure``: the engine pages the
  person's other channels now and tells an admin, instead of retrying a lost cause.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from alertbot.core.model import Channel
from alertbot.notify.base import (
    OutboundMessage,
    PermanentFailure,
    SendResult,
    TemporaryFailure,
)
from alertbot.text.slack_text import fallback, page_blocks

log = logging.getLogger("alertbot.slack")

TEMPORARY_ERRORS = frozenset({
    "ratelimited", "rate_limited", "internal_error", "fatal_error", "service_unavailable",
    "request_timeout", "team_added_to_org", "message_limit_exceeded",
})


def retry_after(headers: Any) -> float | None:
    """Slack's Retry-After header in seconds, if any."""
    if not headers:
        return None
    for key, value in dict(headers).items():
        if str(key).lower() == "retry-after":
            raw = value[0] if isinstance(value, list | tuple) else value
            try:
                return float(raw)
            except (TypeError, ValueError):
                return None
    return None


class ShortRateLimitRetry(AsyncRateLimitErrorRetryHandler):
    """The SDK's rate-limit retry, but only for a short Retry-After.

    A long one is not slept out inside a send (it would hold a send slot and hit the
    engine's send timeout): the error surfaces as ``TemporaryFailure(retry_after=…)``
    and the outbox retries the message when Slack allows.
    """

    def __init__(self, max_retry_count: int = 1, max_wait: float = 3.0) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self.max_wait = max_wait

    async def _can_retry_async(self, *, state: RetryState, request: HttpRequest,
                               response: HttpResponse | None = None,
                               error: Exception | None = None) -> bool:
        if response is None or response.status_code != 429:
            return False
        wait = retry_after(response.headers)
        return wait is None or wait <= self.max_wait


def make_slack_client(token: str, base_url: str, *, max_wait: float = 3.0,
                      timeout: int = 15) -> AsyncWebClient:
    """An AsyncWebClient for ``base_url`` (a fake in tests) with sensible retries."""
    handlers: list[AsyncRetryHandler] = [AsyncConnectionErrorRetryHandler(max_retry_count=1),
                                         ShortRateLimitRetry(max_wait=max_wait)]
    if not base_url.endswith("/"):
        base_url += "/"
    return AsyncWebClient(token=token, base_url=base_url, timeout=timeout,
                          retry_handlers=handlers)


def translate(exc: Exception, what: str) -> Exception:
    """A Slack SDK / network exception as a Temporary- or PermanentFailure."""
    if isinstance(exc, SlackApiError):
        response = exc.response
        status = getattr(response, "status_code", 200)
        data = getattr(response, "data", None)
        error = str(data.get("error", "")) if isinstance(data, dict) else ""
        wait = retry_after(getattr(response, "headers", None))
        if status == 429 or status >= 500 or error in TEMPORARY_ERRORS:
            return TemporaryFailure(f"Slack {what}: {error or status}", error or str(status),
                                    retry_after=wait)
        return PermanentFailure(f"Slack {what}: {error or status}", error or str(status))
    if isinstance(exc, aiohttp.ClientError | TimeoutError | OSError | SlackClientError):
        return TemporaryFailure(f"Slack {what}: {type(exc).__name__}: {exc}")
    return exc


class SlackSender:
    """Pages (and notices) as Slack DMs; a page carries Acknowledge and Resolve."""

    channel = Channel.SLACK

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self._dm: dict[str, str] = {}  # member id -> DM channel id

    async def _open_dm(self, member: str) -> str:
        if member in self._dm:
            return self._dm[member]
        response = await self.client.conversations_open(users=member)
        channel = response.get("channel") or {}
        channel_id = str(channel.get("id", "")) if isinstance(channel, dict) else ""
        if not channel_id:
            raise PermanentFailure(f"Slack conversations.open gave no channel for {member}")
        self._dm[member] = channel_id
        return channel_id

    async def send(self, message: OutboundMessage) -> SendResult:
        what = "conversations.open"
        try:
            channel = await self._open_dm(message.to)
            what = "chat.postMessage"
            blocks = page_blocks(message.body, message.incident_id, message.language,
                                 page=message.kind == "page")
            response = await self.client.chat_postMessage(
                channel=channel, text=fallback(message.body), blocks=blocks, unfurl_links=False,
                unfurl_media=False)
        except (PermanentFailure, TemporaryFailure):
            raise
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            failure = translate(exc, what)
            if failure is exc:
                raise
            if isinstance(failure, PermanentFailure):
                self._dm.pop(message.to, None)
            raise failure from exc
        ts = str(response.get("ts", ""))
        return SendResult(f"slack:{channel}:{ts}"[:64], "dm")

    async def close(self) -> None:
        session = getattr(self.client, "session", None)
        if session is not None and not session.closed:
            await session.close()
