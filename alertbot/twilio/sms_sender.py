"""Twilio SMS adapter over the official SDK's aiohttp client.

Everything the SDK or aiohttp can raise is translated here into ``TemporaryFailure``
or ``PermanentFailure`` (see ``alertbot.notify.base``); nothing vendor-specific
escapes ``send()``.

SDK quirks handled here (twilio 9.x, aiohttp 3.x):

* ``AsyncTwilioHttpClient`` ignores its own ``timeout`` and passes the per-call one
  (``None`` from ``create_async``) to aiohttp, where ``timeout=None`` means *no timeout
  at all*. ``_RoutedHttpClient.request`` fills in the client's timeout.
* ``TwilioRestException`` carries no response headers, so ``Retry-After`` is read in
  the HTTP client and handed to ``send()`` through a context variable (per task, so
  concurrent sends do not see each other's headers).
"""

from __future__ import annotations

import base64
import contextvars
import email.utils
import re
import time
from collections.abc import Awaitable
from typing import Any

import aiohttp
from twilio.base.exceptions import TwilioException, TwilioRestException, TwilioServiceException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from alertbot.core.model import Channel
from alertbot.notify.base import (
    ChannelError,
    OutboundMessage,
    PermanentFailure,
    SendResult,
    TemporaryFailure,
)

TWILIO_API_URL = "https://api.twilio.com"
DEFAULT_TIMEOUT = 10.0

# Twilio error code -> short reason. https://www.twilio.com/docs/api/errors
TEMPORARY_CODES: dict[int, str] = {
    20429: "Twilio API concurrency limit (too many requests)",
    20500: "Twilio internal server error",
    20503: "Twilio service unavailable",
    21611: "sender's message queue is full",
    30003: "handset unreachable (off or out of coverage)",
    30008: "unknown delivery error",
}
PERMANENT_CODES: dict[int, str] = {
    20003: "Twilio authentication failed (check account SID / auth token)",
    21211: "invalid 'To' phone number",
    21408: "sending to this region is not enabled on the Twilio account",
    21610: "recipient opted out (texted STOP)",
    21612: "'To' number cannot be reached by SMS from this sender",
    21614: "'To' number is not a mobile number",
    30004: "message blocked (by the recipient or carrier)",
    30005: "unknown or inactive handset",
    30006: "landline or unreachable carrier",
    30007: "message filtered by the carrier (spam)",
}

_retry_after: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "twilio_retry_after", default=None
)
# A phone number in an error text; digits inside a SID (``CAc9f55ef1234567d3b6``) are not
# one, and masking them made the SID impossible to match in Twilio's console.
_NUMBER = re.compile(r"(?<![0-9A-Za-z])\+?\d[\d ().-]{5,}\d(?![0-9A-Za-z])")


def classify_twilio_error(status: int, code: int | None, message: str) -> ChannelError:
    """Map an HTTP status + Twilio error code to the failure the engine understands."""
    if code is not None and code < 10000:  # the SDK puts the HTTP status here when no code
        code = None
    code_str = str(code) if code is not None else None
    if code is not None and code in TEMPORARY_CODES:
        return TemporaryFailure(TEMPORARY_CODES[code], code_str)
    if code is not None and code in PERMANENT_CODES:
        return PermanentFailure(PERMANENT_CODES[code], code_str)
    detail = _NUMBER.sub("<number>", message)[:160]  # no phone numbers in logs
    label = f"Twilio error {code} (HTTP {status})" if code else f"Twilio HTTP {status}"
    text = f"{label}: {detail}" if detail else label
    if status == 429 or status >= 500 or status < 400:
        return TemporaryFailure(text, code_str)
    return PermanentFailure(text, code_str)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


# Every Twilio REST host: api.twilio.com, lookups.twilio.com, … (CONTRACT: TWILIO_API_URL
# routes each of them, path unchanged).
_TWILIO_HOST = re.compile(r"https://[a-z0-9-]+(\.[a-z0-9-]+)*\.twilio\.com(?=/|$)")


class _RoutedHttpClient(AsyncTwilioHttpClient):  # type: ignore[misc]
    """Sends every Twilio REST host's requests (api., lookups., …) to ``api_url``, path
    unchanged, when it is not the real API; with a real timeout and no retries.

    Its session keeps no cookies (``DummyCookieJar``): Twilio's REST API authenticates
    every request (Basic auth) and sets none we need, and a cookie jar is looked up on
    every request (≈ 0.1 ms a page on the first page's path, decision 0053)."""

    def __init__(self, api_url: str, timeout: float) -> None:
        super().__init__(pool_connections=False, timeout=timeout, max_retries=None)
        self.session = aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar())
        self.api_url = api_url.rstrip("/")

    async def request(
        self,
        method: str,
        url: str,
        params: dict[str, object] | None = None,
        data: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
        auth: tuple[str, str] | None = None,
        timeout: float | None = None,  # noqa: ASYNC109 - the SDK's signature
        allow_redirects: bool = False,
    ) -> Response:
        if self.api_url != TWILIO_API_URL and (host := _TWILIO_HOST.match(url)):
            url = self.api_url + url[host.end():]
        if auth is not None:  # the SDK's aiohttp.BasicAuth is deprecated in aiohttp 3.14
            token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode("latin1")).decode()
            headers = {**(headers or {}), "Authorization": f"Basic {token}"}
        # aiohttp >= 3.x turns a float into ClientTimeout(total=...): covers connect,
        # headers and body. None there would mean no timeout at all.
        response: Response = await super().request(
            method, url, params=params, data=data, headers=headers, auth=None,
            timeout=timeout if timeout is not None else self.timeout,
            allow_redirects=allow_redirects,
        )
        if response.status_code == 429 or response.status_code >= 500:
            _retry_after.set(parse_retry_after((response.headers or {}).get("Retry-After")))
        return response


def make_twilio_client(
    account_sid: str, auth_token: str, api_url: str = TWILIO_API_URL,
    *, timeout: float = DEFAULT_TIMEOUT,
) -> tuple[Client, AsyncTwilioHttpClient]:
    """Build an async-capable Twilio client. Call inside the running event loop."""
    http_client = _RoutedHttpClient(api_url, timeout)
    # environment={}: ignore TWILIO_EDGE / TWILIO_REGION, which would change the host.
    client = Client(account_sid, auth_token, http_client=http_client, environment={})
    return client, http_client


def translate_error(exc: BaseException) -> ChannelError | None:
    """The ChannelError for an exception from the SDK or aiohttp, or None if foreign."""
    if isinstance(exc, (TwilioRestException, TwilioServiceException)):
        text = str(getattr(exc, "msg", "") or getattr(exc, "detail", "") or "")
        err = classify_twilio_error(int(exc.status), exc.code, text)
        if isinstance(err, TemporaryFailure) and err.retry_after is None:
            err.retry_after = _retry_after.get()
        return err
    if isinstance(exc, TimeoutError):  # asyncio.TimeoutError is TimeoutError on 3.11+
        return TemporaryFailure("Twilio request timed out")
    if isinstance(exc, (aiohttp.ClientError, ConnectionError)):
        return TemporaryFailure(f"cannot reach Twilio: {type(exc).__name__}: {exc}")
    if isinstance(exc, TwilioException):
        return TemporaryFailure(f"Twilio client error: {type(exc).__name__}")
    if isinstance(exc, ValueError):  # malformed JSON in a 2xx answer
        return TemporaryFailure("malformed response from Twilio")
    return None


async def create_resource(creating: Awaitable[Any]) -> SendResult:
    """Await a Twilio ``*.create_async`` call: its SID, or a translated ChannelError."""
    _retry_after.set(None)
    try:
        created: Any = await creating
    except Exception as exc:
        err = translate_error(exc)
        if err is None:
            raise
        raise err from exc
    sid = getattr(created, "sid", None)
    return SendResult(provider_id=str(sid) if sid else None, detail=str(created.status or ""))


class TwilioSms:
    """``Sender`` for SMS through Twilio's Messages API."""

    channel = Channel.SMS

    def __init__(
        self, client: Client, from_number: str, public_url: str, *, owns_client: bool = True
    ) -> None:
        self._client = client
        # The SDK imports the Messages API on first use (~90-250 ms, on the event loop):
        # here, at start-up, not in the middle of the first page.
        _ = client.messages
        self._from = from_number
        self._status_callback = f"{public_url.rstrip('/')}/twilio/status"
        self._owns_client = owns_client

    async def send(self, message: OutboundMessage) -> SendResult:
        return await create_resource(self._client.messages.create_async(
            to=message.to, from_=self._from, body=message.body,
            status_callback=self._status_callback,
        ))

    async def close(self) -> None:
        if self._owns_client:
            await self._client.http_client.close()
