"""Signing in with the district's identity provider: OpenID Connect (issue 11).

For districts on Microsoft Entra ID or Google Workspace. Settings:
ALERTBOT_OIDC_ISSUER (e.g. ``https://login.microsoftonline.com/<tenant id>/v2.0`` or
``https://accounts.google.com``), ALERTBOT_OIDC_CLIENT_ID, ALERTBOT_OIDC_CLIENT_SECRET;
register ``ALERTBOT_PUBLIC_URL/auth/oidc/callback`` as the redirect URI.

    GET /auth/oidc/login     a fresh state, nonce and PKCE verifier (kept in a short-lived
                             HttpOnly cookie, HMAC-signed), then 303 to the provider
    GET /auth/oidc/callback  checks the state, trades the code for tokens (PKCE, the
                             client secret), validates the ID token and matches its
                             verified ``email`` to a contact's ``email``: a session

The OAuth 2.0 client (authorization URL, PKCE S256, the code-for-token request and its
client authentication) is authlib's ``OAuth2Session``; the ID token is checked with
joserfc (authlib's own JOSE library, which replaced ``authlib.jose``): its signature
against the provider's JWKS (a key rotated since is fetched again once), ``iss`` = the
issuer, ``aud`` holding the client id, ``nonce`` = ours, ``exp``/``iat`` with one minute
of leeway (OpenID Connect Core 1.0, section 3.1.3.7). An ``email_verified`` claim that
is not true refuses the sign-in (Entra ID sends none: use your own tenant's issuer,
never ``common``, so the directory vouches for the address). Every outcome is audited.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import aiohttp
from aiohttp import web
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, KeySetSerialization

from alertbot.service import signin
from alertbot.store.sql import Tx
from alertbot.text.signin_page import words
from alertbot.web import auth
from alertbot.web.auth import SignIn
from alertbot.web.session import Gate, new_token

if TYPE_CHECKING:
    from alertbot.clock import Clock
    from alertbot.service.receiver import Receiver
    from alertbot.settings import Settings
    from alertbot.store.sql import Store


log = logging.getLogger("alertbot.oidc")

STATE_COOKIE = "alertbot_oidc"
STATE_LIFETIME = 600  # seconds from /auth/oidc/login to the callback
LEEWAY = 60  # seconds of clock difference allowed on exp/iat
HTTP_TIMEOUT = 10.0  # seconds for each request to the provider


class OidcError(Exception):
    """A sign-in the provider's answer does not prove; ``reason`` goes to the audit log."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Provider:
    """The provider's discovery document and keys, fetched once and kept."""

    issuer: str
    client_id: str
    client_secret: str
    redirect_uri: str
    metadata: dict[str, Any] | None = None
    keys: KeySet | None = None

    async def _get(self, url: str) -> dict[str, Any]:
        timeout = aiohttp.ClientTimeout(total=HTTP_TIMEOUT)
        async with aiohttp.ClientSession(timeout=timeout) as http, http.get(url) as r:
            if r.status != 200:
                raise OidcError(f"{url} answered {r.status}")
            data: dict[str, Any] = await r.json(content_type=None)
            return data

    async def discover(self) -> dict[str, Any]:
        if self.metadata is None:
            found = await self._get(self.issuer + "/.well-known/openid-configuration")
            if found.get("issuer") != self.issuer:
                raise OidcError("the discovery document names another issuer")
            self.metadata = found
        return self.metadata

    async def key_set(self, refresh: bool = False) -> KeySet:
        if self.keys is None or refresh:
            meta = await self.discover()
            found = await self._get(str(meta["jwks_uri"]))
            self.keys = KeySet.import_key_set(cast(KeySetSerialization, found))
        return self.keys

    def session(self) -> OAuth2Session:
        return OAuth2Session(self.client_id, self.client_secret, scope="openid email",
                             redirect_uri=self.redirect_uri, code_challenge_method="S256")




# --- the state cookie ---------------------------------------------------------------


def _sign(key: bytes, payload: str) -> str:
    return hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()


def pack_state(key: bytes, state: str, nonce: str, verifier: str, now: float) -> str:
    payload = base64.urlsafe_b64encode(json.dumps(
        [state, nonce, verifier, int(now)]).encode()).decode()
    return f"{payload}.{_sign(key, payload)}"


def unpack_state(key: bytes, value: str, now: float) -> tuple[str, str, str]:
    """(state, nonce, verifier) from the cookie; OidcError when forged, odd or stale."""
    payload, _, signature = value.partition(".")
    if not payload or not hmac.compare_digest(signature, _sign(key, payload)):
        raise OidcError("no sign-in started here (state cookie missing or altered)")
    state, nonce, verifier, started = json.loads(base64.urlsafe_b64decode(payload))
    if now - float(started) > STATE_LIFETIME:
        raise OidcError("the sign-in took longer than 10 minutes")
    return str(state), str(nonce), str(verifier)


# --- the routes -----------------------------------------------------------------------


async def _id_token_claims(provider: Provider, code: str, verifier: str,
                           nonce: str) -> dict[str, Any]:
    meta = await provider.discover()
    session = provider.session()
    try:
        tokens = await asyncio.to_thread(
            session.fetch_token, str(meta["token_endpoint"]), code=code,
            code_verifier=verifier, timeout=HTTP_TIMEOUT)
    except Exception as exc:  # noqa: BLE001 - any failure of the exchange refuses alike
        raise OidcError(f"the code was not accepted: {exc}") from None
    finally:
        session.close()
    raw = tokens.get("id_token")
    if not isinstance(raw, str):
        raise OidcError("no ID token in the provider's answer")
    algorithms = meta.get("id_token_signing_alg_values_supported") or ["RS256"]
    try:
        try:
            token = jwt.decode(raw, await provider.key_set(), algorithms=algorithms)
        except JoseError:  # perhaps a key rotated since we fetched them: once more
            token = jwt.decode(raw, await provider.key_set(refresh=True),
                               algorithms=algorithms)
        jwt.JWTClaimsRegistry(
            leeway=LEEWAY, iss={"essential": True, "value": provider.issuer},
            aud={"essential": True, "value": provider.client_id},
            nonce={"essential": True, "value": nonce}, sub={"essential": True},
            exp={"essential": True}).validate(token.claims)
    except (JoseError, ValueError) as exc:
        raise OidcError(f"ID token refused: {type(exc).__name__}: {exc}") from None
    return dict(token.claims)


class OidcRoutes:
    """/auth/oidc/login and /auth/oidc/callback, with what they use (decision 0046):
    the ``Provider``, the ``SignIn`` (its page), the ``Gate`` (the client, the session
    cookie), the store and receiver as getters, the settings, the clock and the key
    that signs the state cookie (the one-time codes' ``pepper``)."""

    def __init__(self, provider: Provider, sign_in: SignIn, gate: Gate,
                 store: Callable[[], Store], receiver: Callable[[], Receiver],
                 settings: Settings, clock: Clock, pepper: bytes) -> None:
        self._provider, self._sign_in, self._gate = provider, sign_in, gate
        self._store, self._receiver, self._settings = store, receiver, settings
        self._clock, self._pepper = clock, pepper

    async def login(self, request: web.Request) -> web.Response:
        """303 to the provider's authorization endpoint (state, nonce, PKCE S256)."""
        provider = self._provider
        try:
            meta = await provider.discover()
        except (OidcError, aiohttp.ClientError, TimeoutError, ValueError) as exc:
            log.warning("OpenID Connect discovery failed: %s", exc)
            return self._sign_in.sign_in_page(request, status=502, error=words(
                auth.language(request), "oidc_down"))
        state, nonce, verifier = generate_token(32), generate_token(32), generate_token(48)
        url, _ = provider.session().create_authorization_url(
            str(meta["authorization_endpoint"]), state=state, nonce=nonce, code_verifier=verifier)
        response = web.HTTPSeeOther(url)
        now = time.time()
        response.set_cookie(STATE_COOKIE, pack_state(self._pepper, state, nonce,
                                                     verifier, now),
                            path="/auth/oidc/", httponly=True, samesite="Lax",
                            max_age=STATE_LIFETIME,
                            secure=self._settings.public_url.startswith("https://"))
        raise response

    async def callback(self, request: web.Request) -> web.Response:
        """The provider sends the person back here: a session, or the sign-in page (401)."""
        provider = self._provider
        client, config = self._gate.client_of(request), self._receiver().config
        email: str | None = None
        try:
            if "error" in request.query:
                raise OidcError(f"the provider said {request.query['error'][:60]}")
            state, nonce, verifier = unpack_state(
                self._pepper, request.cookies.get(STATE_COOKIE, ""), time.time())
            if not hmac.compare_digest(request.query.get("state", ""), state):
                raise OidcError("the state does not match this browser's sign-in")
            claims = await _id_token_claims(provider, request.query.get("code", ""), verifier,
                                            nonce)
            email = str(claims.get("email") or "").strip().lower() or None
            if email is None:
                raise OidcError("the ID token has no email claim")
            if claims.get("email_verified", True) is not True:
                raise OidcError("the provider has not verified this email address")
            contact = config.contact_by_email(email)
            if contact is None:
                raise OidcError("no contact has this email address")
        except OidcError as exc:
            now, reason = self._clock.now(), exc.reason
            await self._store().write(lambda tx: signin.record(
                tx, now, "sign_in", None, client, "failed", email, detail=f"oidc: {reason}"))
            log.info("OpenID Connect sign-in refused: %s", reason)
            response = self._sign_in.sign_in_page(request, status=401, error=words(
                auth.language(request), "oidc_refused"))
            response.del_cookie(STATE_COOKIE, path="/auth/oidc/")
            return response
        token, now = new_token(), self._clock.now()
        lifetime = self._settings.session_max

        def start(tx: Tx) -> signin.Verified:
            return signin.open_session(tx, contact, "oidc", signin.hash_token(token), client,
                                       now, lifetime, email)

        await self._store().write(start)
        redirect = web.HTTPSeeOther("/")
        redirect.del_cookie(STATE_COOKIE, path="/auth/oidc/")
        self._gate.set_session_cookie(redirect, token)
        raise redirect

    def add_routes(self, app: web.Application) -> None:
        """GET /auth/oidc/login and /auth/oidc/callback."""
        app.router.add_get("/auth/oidc/login", self.login)
        app.router.add_get("/auth/oidc/callback", self.callback)


def provider_of(settings: Settings) -> Provider | None:
    """The district's provider when issuer, client id and secret are all set."""
    if not settings.oidc_configured:
        return None
    assert settings.oidc_issuer and settings.oidc_client_id and settings.oidc_client_secret
    return Provider(settings.oidc_issuer, settings.oidc_client_id,
                    settings.oidc_client_secret.value,
                    settings.public_url + "/auth/oidc/callback")
