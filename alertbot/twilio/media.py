"""MMS media at Twilio (issue 12): download a file, then delete it from Twilio; and a
call recording for the console (``fetch_recording``, decision 0043).

``fetch`` GETs a ``MediaUrlN`` with the account's HTTP basic credentials and follows
Twilio's redirect to its media store. The credentials go ONLY to the Twilio API host
(``TWILIO_API_URL``; Twilio's docs: media URLs may require basic auth): a redirect target
gets a request without any ``Authorization`` header (aiohttp would keep the header on a
redirect to another host only if we let it follow redirects itself, so we do not).
A media URL on another host is refused outright: nothing is fetched from anywhere a
forged URL points.

``delete`` removes the media through the official SDK
(``messages(sid).media(sid).delete_async()``); Twilio keeps it until then.

Errors: ``TemporaryFailure`` (5xx, 429, timeouts, connection errors: try again later),
``PermanentFailure`` (404, 401, a URL not at Twilio), ``TooLarge`` (a ``PermanentFailure``
whose ``size`` is what the file declared or was read so far, in bytes).
"""

from __future__ import annotations

import base64
import re
from urllib.parse import urljoin

import aiohttp
from twilio.rest import Client
from yarl import URL

from alertbot.notify.base import PermanentFailure, TemporaryFailure
from alertbot.twilio.sms_sender import TWILIO_API_URL, parse_retry_after, translate_error

MAX_REDIRECTS = 3
CHUNK = 64 * 1024
_MEDIA_PATH = re.compile(
    r"^/2010-04-01/Accounts/(?P<account>AC\w+)/Messages/(?P<message>\w+)/Media/(?P<media>\w+)"
    r"(\.json)?$")
RECORDING_SID = re.compile(r"^RE[0-9A-Za-z]{1,64}$")


class TooLarge(PermanentFailure):
    """The file is larger than the limit; ``size``: bytes declared or read so far."""

    def __init__(self, size: int) -> None:
        super().__init__(f"larger than the limit ({size} bytes or more)")
        self.size = size


def _origin(url: URL) -> tuple[str, str | None, int | None]:
    return (url.scheme, (url.host or "").lower(), url.port)


class TwilioMedia:
    """Downloads and deletes MMS media for one account. ``session`` and ``client`` are
    made (and closed) by the composition root inside the running loop."""

    def __init__(self, session: aiohttp.ClientSession, client: Client, account_sid: str,
                 auth_token: str, api_url: str = TWILIO_API_URL,
                 timeout: float = 30.0) -> None:
        self._session = session
        self._client = client
        self._account = account_sid
        token = base64.b64encode(f"{account_sid}:{auth_token}".encode()).decode()
        self._auth = {"Authorization": f"Basic {token}"}
        self._api = URL(api_url.rstrip("/"))
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    def api_url(self, media_url: str) -> URL:
        """The media URL as this service reaches it: Twilio's ``https://api.twilio.com``
        mapped to ``TWILIO_API_URL`` (tests: the fake), path unchanged. Raises
        ``PermanentFailure`` for a URL that is not a media resource of this account."""
        url = media_url.strip()
        if url.startswith(TWILIO_API_URL + "/"):
            url = str(self._api) + url[len(TWILIO_API_URL):]
        parsed = URL(url)
        match = _MEDIA_PATH.match(parsed.path)
        if (_origin(parsed) != _origin(self._api) or match is None
                or match["account"] != self._account):
            raise PermanentFailure("not a Twilio media URL of this account: refused")
        return parsed

    async def fetch(self, media_url: str, max_bytes: int) -> bytes:
        """The file's bytes (at most ``max_bytes``), following redirects (at most
        ``MAX_REDIRECTS``) with the credentials sent only to the API host."""
        return await self._get(self.api_url(media_url), max_bytes)

    async def fetch_recording(self, sid: str, max_bytes: int) -> bytes:
        """A call recording of this account as MP3 (Twilio's Recording resource with
        ``.mp3``; its docs: recordings may require HTTP basic auth), at most ``max_bytes``.
        For the console only (decision 0043): a recording's link is never texted.
        Raises ``PermanentFailure`` for a sid that is not a recording's."""
        if not RECORDING_SID.match(sid):
            raise PermanentFailure("not a recording sid: refused")
        path = f"/2010-04-01/Accounts/{self._account}/Recordings/{sid}.mp3"
        return await self._get(self._api.with_path(self._api.path.rstrip("/") + path),
                               max_bytes)

    async def _get(self, url: URL, max_bytes: int) -> bytes:
        try:
            for _ in range(MAX_REDIRECTS + 1):
                headers = self._auth if _origin(url) == _origin(self._api) else {}
                async with self._session.get(url, headers=headers, allow_redirects=False,
                                             timeout=self._timeout) as resp:
                    if resp.status in (301, 302, 303, 307, 308):
                        location = resp.headers.get("Location", "")
                        if not location:
                            raise TemporaryFailure("redirect without a Location")
                        url = URL(urljoin(str(url), location))
                        if url.scheme not in ("http", "https"):
                            raise PermanentFailure("redirect to a URL that is not http(s)")
                        continue
                    _raise_for(resp)
                    return await _read_limited(resp, max_bytes)
        except (aiohttp.ClientError, TimeoutError, ConnectionError) as exc:
            raise TemporaryFailure(f"cannot fetch the media: {type(exc).__name__}") from exc
        raise PermanentFailure(f"more than {MAX_REDIRECTS} redirects")

    async def delete(self, media_url: str) -> None:
        """Delete the media from Twilio (official SDK). Already gone (404) counts as done."""
        match = _MEDIA_PATH.match(self.api_url(media_url).path)
        assert match is not None
        media = self._client.api.v2010.accounts(self._account).messages(
            match["message"]).media(match["media"])
        try:
            await media.delete_async()
        except Exception as exc:
            err = translate_error(exc)
            if err is None:
                raise
            if err.code == "20404" or "HTTP 404" in str(err):
                return
            raise err from exc


def _raise_for(resp: aiohttp.ClientResponse) -> None:
    if resp.status < 300:
        return
    text = f"media fetch answered HTTP {resp.status}"
    if resp.status == 429 or resp.status >= 500:
        raise TemporaryFailure(text, retry_after=parse_retry_after(
            resp.headers.get("Retry-After")))
    raise PermanentFailure(text)


async def _read_limited(resp: aiohttp.ClientResponse, max_bytes: int) -> bytes:
    declared = resp.content_length
    if declared is not None and declared > max_bytes:
        raise TooLarge(declared)
    body = bytearray()
    async for chunk in resp.content.iter_chunked(CHUNK):
        body += chunk
        if len(body) > max_bytes:
            raise TooLarge(len(body))
    return bytes(body)
