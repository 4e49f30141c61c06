"""Twilio Lookup v2: a number's line type, through the official SDK (issue 14).

``lookups.v2.phone_numbers(n).fetch(fields="line_type_intelligence")`` answers
``line_type_intelligence.type``: "mobile", "landline", "fixedVoip", "nonFixedVoip",
"tollFree", "voip", "pager", "voicemail"… (Twilio docs, "Lookup v2 API: Line Type
Intelligence"). A landline cannot take SMS. Each lookup is billed, so service/readiness.py
caches the answer in the store. The host (lookups.twilio.com) is reached through
``TWILIO_API_URL`` like every Twilio host (twilio/sms_sender.py).
"""

from __future__ import annotations

from typing import Any

from twilio.rest import Client

from alertbot.twilio.sms_sender import translate_error


class LookupFailed(Exception):
    """Lookup did not answer (network, 5xx, credentials): try again another time."""


class TwilioLookup:
    """``LineTypes`` (service/readiness.py) through Twilio Lookup v2."""

    def __init__(self, client: Client) -> None:
        self._client = client

    async def line_type(self, phone: str) -> str | None:
        """The line type of ``phone`` (E.164); None when Lookup knows none (a 404 for a
        number that does not exist is "invalid"). Raises ``LookupFailed``."""
        try:
            found: Any = await self._client.lookups.v2.phone_numbers(phone).fetch_async(
                fields="line_type_intelligence")
        except Exception as exc:
            status = getattr(exc, "status", None)
            if status == 404:
                return "invalid"
            if translate_error(exc) is None:
                raise
            raise LookupFailed(str(exc)) from exc
        info = found.line_type_intelligence or {}
        kind = info.get("type") if isinstance(info, dict) else None
        return str(kind) if kind else None
