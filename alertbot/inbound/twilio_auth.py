"""Twilio webhook signatures, checked against ALERTBOT_PUBLIC_URL (not the URL we see).

Behind a TLS proxy the app sees ``http://10.0.0.5:8080/twilio/sms`` while Twilio
signed ``https://alerts.district.example/twilio/sms``: validate the public one.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from collections.abc import Mapping

from aiohttp import web
from twilio.request_validator import RequestValidator

from alertbot import appkeys

log = logging.getLogger("alertbot.inbound")


def expected_signature(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """Twilio's X-Twilio-Signature: base64 HMAC-SHA1 of the URL + sorted name/value pairs."""
    data = url + "".join(name + params[name] for name in sorted(params))
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def genuine(auth_token: str, url: str, params: Mapping[str, str], signature: str) -> bool:
    """One HMAC for the URL exactly as configured; the SDK's validator (which also tries
    the URL with and without its default port) only when that does not match."""
    if hmac.compare_digest(expected_signature(auth_token, url, params), signature):
        return True
    return bool(RequestValidator(auth_token).validate(url, dict(params), signature))


async def verified_form(request: web.Request, public_url: str,
                        auth_token: str | None) -> dict[str, str]:
    """The form of a genuine Twilio request; raise 403 (and do nothing) otherwise."""
    form = await request.post()
    fields: dict[str, str] = {k: v for k, v in form.items() if isinstance(v, str)}
    signature = request.headers.get("X-Twilio-Signature", "")
    url = public_url + request.rel_url.path_qs
    if not auth_token or not signature or not genuine(auth_token, url, fields, signature):
        log.warning("refused a Twilio webhook with a bad signature on %s", request.path)
        raise web.HTTPForbidden(text="invalid Twilio signature")
    return fields


async def twilio_form(request: web.Request, route: str) -> dict[str, str]:
    """``verified_form`` with this app's public URL and token; refusals are counted."""
    settings = request.app[appkeys.SETTINGS]
    token = settings.twilio_auth_token.value if settings.twilio_auth_token else None
    try:
        return await verified_form(request, settings.public_url, token)
    except web.HTTPForbidden:
        request.app[appkeys.METRICS].inbound.labels(route=route, result="forbidden").inc()
        raise
