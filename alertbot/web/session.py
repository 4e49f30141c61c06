"""Who is asking: the signed-in person behind a console request (issue 11, decision 0024).

For the console's pages and the API (use these; never read the cookie yourself), with
the ``Gate`` the composition root gives the handler (decision 0046):

    viewer = await gate.current_viewer(request)  # Viewer, or None when not signed in
    viewer = await gate.require_viewer(request)  # 401 (/api/*) or 303 to the sign-in
                                                 # page; on POST/PUT/PATCH/DELETE also CSRF
    gate.check_csrf(request, viewer)             # 403 unless the request carries the token

``Viewer.csrf_token`` goes into every form (``<input type="hidden" name="csrf_token">``)
or the ``X-CSRF-Token`` header of a script's fetch. It is derived from the session's
cookie value (HMAC), so it is stored nowhere and dies with the session.

The cookie (``alertbot_session``) holds 256 random bits; the database keeps only their
SHA-256. It is HttpOnly, SameSite=Lax, Path=/, and Secure when ALERTBOT_PUBLIC_URL is
https. Lax, not Strict: a link to an incident opened from a webmail or chat page must
arrive signed in (a responder on a phone in a car); Lax still keeps the cookie off every
cross-site POST, and every state change needs the CSRF token besides.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from aiohttp import web

from alertbot.core import signin as rules
from alertbot.core.model import Contact
from alertbot.service.signin import Client, hash_token, live_session

if TYPE_CHECKING:
    from alertbot.clock import Clock
    from alertbot.service.receiver import Receiver
    from alertbot.settings import Settings
    from alertbot.store.sql import Store

SESSION_COOKIE = "alertbot_session"
CSRF_FIELD, CSRF_HEADER = "csrf_token", "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass(frozen=True)
class Viewer:
    """A signed-in person: their ``contact`` (from contacts/ as loaded now), the
    ``session_id`` (the row's number, shown in the sessions list; None for a script
    with the bearer token acting for ``contact``) and the session's ``csrf_token``
    ("" for a script)."""

    contact: Contact
    session_id: int | None
    csrf_token: str

    @property
    def via(self) -> str:
        return "session" if self.session_id is not None else "bearer"


@dataclass(frozen=True)
class _Found:
    """The viewer looked up for a request (None: nobody signed in), kept on it."""

    viewer: Viewer | None


_VIEWER: web.RequestKey[_Found] = web.RequestKey("viewer", _Found)


def new_token() -> str:
    """A fresh session cookie value: 32 random bytes, URL-safe base64."""
    return secrets.token_urlsafe(32)


def csrf_for(token: str) -> str:
    """The CSRF token of the session whose cookie value is ``token``."""
    return hmac.new(token.encode(), b"alertbot csrf v1", hashlib.sha256).hexdigest()


def client_address(request: web.Request, trusted: tuple[str, ...]) -> str:
    """The client's address. Behind a reverse proxy named in ``trusted``
    (ALERTBOT_TRUSTED_PROXIES), the last X-Forwarded-For entry that is not such a proxy;
    otherwise the peer address (an X-Forwarded-For from anyone else is ignored: it is
    whatever the client wrote)."""
    peer = request.remote or ""
    if not trusted:
        return peer
    networks = [ipaddress.ip_network(t, strict=False) for t in trusted]

    def is_proxy(address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in n for n in networks)

    if not is_proxy(peer):
        return peer
    hops = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",")]
    for hop in reversed([h for h in hops if h]):
        if not is_proxy(hop):
            return hop[:64]
    return peer


# The console pages a sign-in may return to (a link in an SMS: "…/incidents/12", the
# digest's "…/readiness"). An allowlist, not a check of a URL's shape: nothing else can
# be named, so a crafted link cannot send a person anywhere else after signing in.
RETURN_TO = re.compile(r"/(?:incidents/[0-9]{1,9}|readiness)")


def return_to(value: str | None) -> str:
    """Where to go after signing in: ``value`` when it is one of the console pages
    (``RETURN_TO``), else the board ``/``."""
    return value if value and RETURN_TO.fullmatch(value) else "/"


def _refuse_unsigned(request: web.Request) -> web.HTTPException:
    if request.path.startswith(("/api/", "/sandbox/")):
        return web.HTTPUnauthorized(
            text='{"error": "sign in (POST /auth/code, /auth/verify) or send the bearer '
                 'token"}', content_type="application/json")
    back = return_to(request.path)
    return web.HTTPSeeOther("/" if back == "/" else f"/?next={back}")


def require_same_origin(request: web.Request, public_url: str) -> None:
    """403 for a browser's cross-site request (CSRF). ``Sec-Fetch-Site`` decides where the
    browser sends it (same-origin, or none: typed by the person); else ``Origin`` must
    be this service. Scripts send neither and pass (they hold no cookie to abuse)."""
    site = request.headers.get("Sec-Fetch-Site")
    if site is not None:
        if site not in ("same-origin", "none"):
            raise web.HTTPForbidden(text="cross-site request refused")
        return
    origin = request.headers.get("Origin")
    if origin is not None:
        public = urlsplit(public_url)
        allowed = {f"{public.scheme}://{public.netloc}", f"{request.scheme}://{request.host}"}
        if origin not in allowed:
            raise web.HTTPForbidden(text="cross-site request refused")


def check_csrf(request: web.Request, viewer: Viewer, public_url: str,
               form_value: str | None = None) -> None:
    """403 unless the request carries ``viewer``'s CSRF token: the ``X-CSRF-Token``
    header, or ``form_value`` (the ``csrf_token`` form field, read by the caller; see
    ``check_csrf_async``). A request from another site is refused first (Origin /
    Sec-Fetch-Site). Bearer scripts (no session) are exempt."""
    if viewer.session_id is None:
        return
    require_same_origin(request, public_url)
    offered = request.headers.get(CSRF_HEADER) or form_value or ""
    if not (offered and hmac.compare_digest(offered.encode(), viewer.csrf_token.encode())):
        raise web.HTTPForbidden(text='{"error": "missing or wrong CSRF token"}',
                                content_type="application/json")


def clear_session_cookie(response: web.StreamResponse) -> None:
    response.del_cookie(SESSION_COOKIE, path="/")


class Gate:
    """Who is asking, for the handlers that need to know (decision 0046): the session
    cookie against the store, the CSRF token and origin, the client's address, the
    bearer ``ALERTBOT_API_TOKEN``. Built once by the composition root with the settings,
    the clock and getters of the store and receiver (contacts/ as loaded now)."""

    def __init__(self, settings: Settings, clock: Clock, store: Callable[[], Store],
                 receiver: Callable[[], Receiver]) -> None:
        self.settings, self._clock, self._store, self._receiver = (
            settings, clock, store, receiver)

    def client_address(self, request: web.Request) -> str:
        """``client_address`` with ALERTBOT_TRUSTED_PROXIES."""
        return client_address(request, self.settings.trusted_proxies)

    def client_of(self, request: web.Request) -> Client:
        """The request's address and User-Agent, as the audit log keeps them."""
        return Client(self.client_address(request),
                      request.headers.get("User-Agent", "")[:300])

    async def current_viewer(self, request: web.Request) -> Viewer | None:
        """The person signed in on this request's session cookie, or None (no cookie, an
        unknown, revoked, idle or expired session, or a contact no longer in contacts/).
        Records activity at most once a minute (``core.signin.TOUCH_EVERY``)."""
        if _VIEWER in request:
            return request[_VIEWER].viewer
        viewer = await self._load_viewer(request)
        request[_VIEWER] = _Found(viewer)
        return viewer

    async def recheck_viewer(self, request: web.Request) -> Viewer | None:
        """Like ``current_viewer``, but read afresh from the store: for a long-lived
        request (the console's event stream) that must end when its session is signed
        out, revoked or expires while it is open."""
        viewer = await self._load_viewer(request)
        request[_VIEWER] = _Found(viewer)
        return viewer

    async def _load_viewer(self, request: web.Request) -> Viewer | None:
        token = request.cookies.get(SESSION_COOKIE, "")
        if not token or len(token) > 200:
            return None
        settings, store = self.settings, self._store()
        now, idle, hashed = self._clock.now(), settings.session_idle, hash_token(token)
        row = await store.read(lambda tx: live_session(tx, hashed, now, idle))
        if row is None:
            return None
        if now - row.last_seen_at >= rules.TOUCH_EVERY and not await store.write(
                lambda tx: tx.touch_session(row.id, now, idle)):
            return None
        contact = self._receiver().config.contacts.get(row.contact_id)
        if contact is None:
            return None
        return Viewer(contact, row.id, csrf_for(token))

    async def require_viewer(self, request: web.Request) -> Viewer:
        """The signed-in person, else 401 (``/api/*``) or 303 to the sign-in page. For a
        state-changing method the CSRF token is checked too (``check_csrf``)."""
        viewer = await self.current_viewer(request)
        if viewer is None:
            raise _refuse_unsigned(request)
        if request.method not in SAFE_METHODS:
            await self.check_csrf_async(request, viewer)
        return viewer

    def require_same_origin(self, request: web.Request) -> None:
        """``require_same_origin`` with ALERTBOT_PUBLIC_URL."""
        require_same_origin(request, self.settings.public_url)

    def check_csrf(self, request: web.Request, viewer: Viewer,
                   form_value: str | None = None) -> None:
        """``check_csrf`` with ALERTBOT_PUBLIC_URL."""
        check_csrf(request, viewer, self.settings.public_url, form_value)

    async def check_csrf_async(self, request: web.Request, viewer: Viewer) -> None:
        """``check_csrf`` reading the ``csrf_token`` form field when there is no header."""
        form_value = None
        if CSRF_HEADER not in request.headers and request.content_type in (
                "application/x-www-form-urlencoded", "multipart/form-data"):
            form_value = str((await request.post()).get(CSRF_FIELD, ""))
        self.check_csrf(request, viewer, form_value)

    def require_bearer(self, request: web.Request) -> None:
        """401 unless the bearer is ALERTBOT_API_TOKEN (none set: every bearer is
        refused)."""
        token = self.settings.api_token
        if token is None or not token_matches(bearer_of(request), token.value):
            raise web.HTTPUnauthorized(
                text='{"error": "bearer token required (ALERTBOT_API_TOKEN)"}',
                content_type="application/json", headers={"WWW-Authenticate": "Bearer"})

    async def api_access(self, request: web.Request) -> Viewer | None:
        """Who reads or acts on ``/api/*``: None for a script with the bearer token, else
        the signed-in person (their CSRF token checked on a state-changing method). 401
        for neither; 403 for a session's state change without its CSRF token."""
        if bearer_of(request):
            self.require_bearer(request)
            return None
        return await self.require_viewer(request)

    async def acting_viewer(self, request: web.Request) -> Viewer:
        """The person acting on ``/api/*``: the signed-in one (CSRF checked), or for a
        bearer script the contact in form field ``contact`` (400 when it names nobody)."""
        if not bearer_of(request):
            return await self.require_viewer(request)
        self.require_bearer(request)
        named = str((await request.post()).get("contact", "")).strip()
        contact = self._receiver().config.contacts.get(named)
        if contact is None:
            raise web.HTTPBadRequest(text='{"error": "form field contact: the id of the '
                                          'contact this script acts for"}',
                                     content_type="application/json")
        return Viewer(contact, None, "")

    def set_session_cookie(self, response: web.StreamResponse, token: str) -> None:
        """The session cookie (see the module docstring for its flags)."""
        settings = self.settings
        response.set_cookie(SESSION_COOKIE, token, path="/", httponly=True, samesite="Lax",
                            secure=settings.public_url.startswith("https://"),
                            max_age=int(settings.session_max))


def token_matches(offered: str, token: str) -> bool:
    """``offered`` is ``token`` (compared in constant time); never for an empty one."""
    return bool(offered) and hmac.compare_digest(offered.encode(), token.encode())


def bearer_of(request: web.Request) -> str:
    """The ``Authorization: Bearer …`` token of a script ("" for none: a browser)."""
    header = request.headers.get("Authorization", "")
    return header[7:].strip() if header.startswith("Bearer ") else ""
