"""A fake OpenID Connect provider on 127.0.0.1 (Entra ID / Google Workspace stand-in).

Serves a discovery document, its JWKS, an authorization endpoint that signs in whoever
``login_hint`` names (the test adds it to the URL the app redirected to) and a token
endpoint that checks the client's secret (HTTP Basic), the redirect URI and the PKCE
verifier (S256) before it answers with an ID token signed by joserfc (RS256).

Knobs for the refusals: ``claims`` overrides claims of the next ID tokens (a wrong
``nonce``, ``aud``, ``iss``, ``email_verified``…); ``sign_with_stranger`` signs them with
a key the JWKS does not hold (same ``kid``: a forged signature).
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from typing import Any
from urllib.parse import urlencode

from aiohttp import web
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.fakes.server import LocalServer

CLIENT_ID = "alertbot-test-client"
CLIENT_SECRET = "fake-oidc-secret-51c2"


class FakeOidc(LocalServer):
    def __init__(self) -> None:
        self.host, self.port = "127.0.0.1", 0
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig"},
                                       private=True)
        self.stranger = RSAKey.generate_key(2048, parameters={"kid": "k1"}, private=True)
        self.sign_with_stranger = False
        self.claims: dict[str, Any] = {}
        self.codes: dict[str, dict[str, str]] = {}
        self.token_requests: list[dict[str, str]] = []
        self.app = web.Application()
        self.app.router.add_get("/.well-known/openid-configuration", self.discovery)
        self.app.router.add_get("/jwks", self.jwks)
        self.app.router.add_get("/authorize", self.authorize)
        self.app.router.add_post("/token", self.token)

    async def discovery(self, _request: web.Request) -> web.Response:
        return web.json_response({
            "issuer": self.url, "authorization_endpoint": self.url + "/authorize",
            "token_endpoint": self.url + "/token", "jwks_uri": self.url + "/jwks",
            "response_types_supported": ["code"], "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "code_challenge_methods_supported": ["S256"]})

    async def jwks(self, _request: web.Request) -> web.Response:
        return web.json_response({"keys": [self.key.as_dict(private=False)]})

    async def authorize(self, request: web.Request) -> web.Response:
        q = request.query
        if (q.get("response_type") != "code" or q.get("client_id") != CLIENT_ID
                or q.get("code_challenge_method") != "S256" or "openid" not in q.get(
                    "scope", "").split()):
            raise web.HTTPBadRequest(text="bad authorization request")
        code = secrets.token_urlsafe(16)
        self.codes[code] = {"email": q.get("login_hint", ""), "nonce": q.get("nonce", ""),
                            "challenge": q["code_challenge"],
                            "redirect_uri": q["redirect_uri"]}
        raise web.HTTPFound(q["redirect_uri"] + "?" + urlencode(
            {"code": code, "state": q.get("state", "")}))

    async def token(self, request: web.Request) -> web.Response:
        form = {k: str(v) for k, v in (await request.post()).items()}
        self.token_requests.append(form)
        expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if request.headers.get("Authorization") != f"Basic {expected}":
            return web.json_response({"error": "invalid_client"}, status=401)
        grant = self.codes.pop(form.get("code", ""), None)
        verifier = form.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(
            hashlib.sha256(verifier.encode()).digest()).decode().rstrip("=")
        if (grant is None or form.get("grant_type") != "authorization_code"
                or form.get("redirect_uri") != grant["redirect_uri"]
                or challenge != grant["challenge"]):
            return web.json_response({"error": "invalid_grant"}, status=400)
        now = int(time.time())
        claims = {"iss": self.url, "aud": CLIENT_ID, "sub": "sub-" + grant["email"],
                  "email": grant["email"], "email_verified": True, "nonce": grant["nonce"],
                  "iat": now, "exp": now + 300, **self.claims}
        key = self.stranger if self.sign_with_stranger else self.key
        id_token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, key)
        return web.json_response({"access_token": secrets.token_urlsafe(16),
                                  "token_type": "Bearer", "expires_in": 3600,
                                  "id_token": id_token})
