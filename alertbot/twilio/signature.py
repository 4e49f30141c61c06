"""Twilio webhook signatures, checked against ALERTBOT_PUBLIC_URL (not the URL we see).

Behind a TLS proxy the app sees ``http://10.0.0.5:8080/twilio/sms`` while Twilio
signed ``https://alerts.district.example/twilio/sms``: validate the public one, joined
to the path and query *exactly as received* (``request.raw_path``, percent-encoding
intact): Twilio signs the URL it called, so ``?line=north%20side`` is signed with
``%20``, not with a space (Twilio, "Webhooks security": validating signatures).

The signature is checked before anything else is done with the request: a request
without one is refused (403) before its body is read; a body that is not the
``application/x-www-form-urlencoded`` UTF-8 form Twilio sends is refused (400)
without a traceback; only then is the HMAC compared.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from collections.abc import Mapping
from urllib.parse import parse_qsl

from aiohttp import web
from twilio.request_validator import RequestValidator

from alertbot.metrics import Metrics
from alertbot.settings import Settings

log = logging.getLogger("alertbot.twilio")


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


MAX_BODY = 64 * 1024  # bytes: Twilio's webhook forms are a few KB (a 1,600-char SMS)
FORM_TYPE = "application/x-www-form-urlencoded"


def signed_url(public_url: str, request: web.Request) -> str:
    """The URL Twilio signed: ALERTBOT_PUBLIC_URL + the raw path and query as received."""
    return public_url.rstrip("/") + request.raw_path


def parse_form(body: bytes) -> dict[str, str]:
    """A urlencoded UTF-8 form as a dict (the last value of a repeated name wins).

    Raises ``ValueError`` (``UnicodeDecodeError`` included) for anything else.
    """
    text = body.decode("utf-8")  # strict: Twilio sends UTF-8
    pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=bool(text),
                      encoding="utf-8", errors="strict", max_num_fields=200)
    return dict(pairs)


async def _read_body(request: web.Request) -> bytes:
    """The body, at most ``MAX_BODY`` bytes (413 beyond, whatever Content-Length said).

    ``serving.read_guard`` has usually read it already, within the read timeout and
    ``client_max_size``; ``request.read()`` returns that copy.
    """
    body = await request.read()
    if len(body) > MAX_BODY:
        raise web.HTTPRequestEntityTooLarge(MAX_BODY, len(body))
    return body


def _refuse(request: web.Request, why: str) -> web.HTTPForbidden:
    log.warning("refused a Twilio webhook on %s: %s", request.path, why)
    return web.HTTPForbidden(text="invalid Twilio signature")


async def verified_form(request: web.Request, public_url: str,
                        auth_token: str | None) -> dict[str, str]:
    """The form of a genuine Twilio request.

    Raises 403 (no or wrong signature, no auth token configured), 400 (a body that is
    not a urlencoded UTF-8 form), 413 (over ``MAX_BODY`` bytes); nothing is logged
    beyond one warning line, and nothing happens.
    """
    signature = request.headers.get("X-Twilio-Signature", "")
    if not auth_token or not signature:
        raise _refuse(request, "no signature" if auth_token else "no auth token configured")
    if request.content_length is not None and request.content_length > MAX_BODY:
        raise web.HTTPRequestEntityTooLarge(MAX_BODY, request.content_length)
    body = await _read_body(request)
    if body and request.content_type != FORM_TYPE:
        log.warning("refused a Twilio webhook on %s: body is %s", request.path,
                    request.content_type)
        raise web.HTTPBadRequest(text="expected an application/x-www-form-urlencoded body")
    try:
        fields = parse_form(body)
    except ValueError:
        log.warning("refused a Twilio webhook on %s: malformed form body", request.path)
        raise web.HTTPBadRequest(text="malformed form body") from None
    if not genuine(auth_token, signed_url(public_url, request), fields, signature):
        raise _refuse(request, "bad signature")
    return fields


async def twilio_form(request: web.Request, route: str, settings: Settings,
                      metrics: Metrics) -> dict[str, str]:
    """``verified_form`` with this app's public URL and token; refusals are counted in
    ``metrics`` (``alertbot_inbound_total{route, result="forbidden"}``)."""
    token = settings.twilio_auth_token.value if settings.twilio_auth_token else None
    try:
        return await verified_form(request, settings.public_url, token)
    except web.HTTPForbidden:
        metrics.inbound.labels(route=route, result="forbidden").inc()
        raise
