"""Sign and send webhooks the way Twilio does (``X-Twilio-Signature``)."""

from __future__ import annotations

from collections.abc import Mapping

import aiohttp
from twilio.request_validator import RequestValidator

# An ALERTBOT_DATA_KEY for services the tests start (32 bytes 0..31, base64): never a
# district's key.
TEST_DATA_KEY = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="


def twilio_signature(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """HMAC-SHA1 over the exact URL + sorted form params, base64 (Twilio's algorithm)."""
    signature: str = RequestValidator(auth_token).compute_signature(url, dict(params))
    return signature


async def post_twilio(
    session: aiohttp.ClientSession,
    base_url: str,
    path: str,
    params: Mapping[str, str],
    auth_token: str,
    public_url: str | None = None,
) -> tuple[int, str]:
    """POST a signed Twilio webhook form to ``base_url + path``.

    The signature covers ``(public_url or base_url) + path``, as Twilio signs the
    public URL it was configured with. Returns (HTTP status, response text).
    """
    signed_url = (public_url or base_url).rstrip("/") + path
    headers = {"X-Twilio-Signature": twilio_signature(auth_token, signed_url, params)}
    async with session.post(base_url.rstrip("/") + path, data=dict(params),
                            headers=headers) as response:
        return response.status, await response.text()
