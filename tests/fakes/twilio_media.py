"""MMS media on the fake Twilio (issue 12), as Twilio serves it.

``fake.add_media(data, content_type)`` keeps a file and returns its media URL as Twilio
writes it in a webhook (``https://api.twilio.com/2010-04-01/Accounts/AC…/Messages/MM…/
Media/ME…``: the service maps that host to ``TWILIO_API_URL``). A GET of it on the fake
API, with the account's basic credentials, answers 307 to a second server on 127.0.0.1,
the "media store", which serves the bytes and records every request's headers
(``fake.media_store.requests``): a test checks that no ``Authorization`` reached it.
``DELETE …/Media/ME….json`` (the SDK's delete) forgets the file and is recorded in
``fake.media_deleted``. ``fail_media_next(n, status)`` makes the next n API GETs fail.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from aiohttp import web

from .server import LocalServer

MEDIA = "/2010-04-01/Accounts/{account}/Messages/{message}/Media/{media}"
RECORDING = "/2010-04-01/Accounts/{account}/Recordings/{sid}.mp3"
REAL_API = "https://api.twilio.com"


@dataclass
class MediaRequest:
    path: str
    headers: dict[str, str]


class MediaStore(LocalServer):
    """The second host Twilio redirects media downloads to (no credentials expected)."""

    def __init__(self) -> None:
        self.host, self.port = "127.0.0.1", 0
        self.files: dict[str, tuple[bytes, str]] = {}
        self.requests: list[MediaRequest] = []
        self.app = web.Application()
        self.app.router.add_get("/media/{media}", self._get)

    async def _get(self, request: web.Request) -> web.Response:
        self.requests.append(MediaRequest(request.path, dict(request.headers)))
        found = self.files.get(request.match_info["media"])
        if found is None:
            return web.Response(status=404)
        data, content_type = found
        return web.Response(body=data, content_type=content_type)


@dataclass
class MediaState:
    store: MediaStore = field(default_factory=MediaStore)
    api_gets: list[MediaRequest] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    fail_next: list[int] = field(default_factory=list)
    recording_gets: list[MediaRequest] = field(default_factory=list)


class FakeMedia:
    """Mixed into FakeTwilio: ``account_sid``, ``app`` and ``_authorized`` come from it."""

    account_sid: str
    app: web.Application
    media: MediaState

    def _authorized(self, request: web.Request) -> bool:
        raise NotImplementedError

    def _add_media_routes(self) -> None:
        self.media = MediaState()
        self.app.router.add_get(MEDIA, self._get_media)
        self.app.router.add_delete(MEDIA, self._delete_media)
        self.app.router.add_get(RECORDING, self._get_recording)

    @property
    def media_store(self) -> MediaStore:
        return self.media.store

    @property
    def media_deleted(self) -> list[str]:
        """Media sids deleted through the API, in order."""
        return self.media.deleted

    @property
    def media_api_gets(self) -> list[MediaRequest]:
        """Authorized GETs of media on the API host, in order."""
        return self.media.api_gets

    def add_media(self, data: bytes, content_type: str = "image/jpeg") -> str:
        """Keep a file; its MediaUrl as Twilio sends it in the webhook."""
        message, media = "MM" + secrets.token_hex(16), "ME" + secrets.token_hex(16)
        self.media.store.files[media] = (data, content_type)
        return REAL_API + MEDIA.format(account=self.account_sid, message=message,
                                       media=media)

    def fail_media_next(self, n: int = 1, status: int = 503) -> None:
        self.media.fail_next.extend([status] * n)

    async def _get_media(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return web.json_response({"code": 20003, "message": "Authenticate"}, status=401)
        self.media.api_gets.append(MediaRequest(request.path, dict(request.headers)))
        if self.media.fail_next:
            return web.json_response({"message": "fake failure"},
                                     status=self.media.fail_next.pop(0))
        media = request.match_info["media"]
        if media not in self.media.store.files:
            return web.json_response({"code": 20404, "message": "not found"}, status=404)
        raise web.HTTPTemporaryRedirect(f"{self.media.store.url}/media/{media}")

    async def _delete_media(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return web.json_response({"code": 20003, "message": "Authenticate"}, status=401)
        media = request.match_info["media"].removesuffix(".json")
        if self.media.store.files.pop(media, None) is None:
            return web.json_response({"code": 20404, "message": "not found", "status": 404},
                                     status=404)
        self.media.deleted.append(media)
        return web.Response(status=204)

    async def _get_recording(self, request: web.Request) -> web.Response:
        """A call recording as MP3 (any sid exists): basic auth required, as with
        "HTTP Basic Authentication for media access" on."""
        if not self._authorized(request):
            return web.json_response({"code": 20003, "message": "Authenticate"}, status=401)
        self.media.recording_gets.append(MediaRequest(request.path, dict(request.headers)))
        return web.Response(body=recording_bytes(request.match_info["sid"]),
                            content_type="audio/mpeg")


def recording_bytes(sid: str) -> bytes:
    """What the fake answers for recording ``sid``."""
    return b"ID3 fake mp3 of " + sid.encode()
