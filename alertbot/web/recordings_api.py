"""GET /api/incidents/{id}/recordings/{sid}: a phone-tree caller's recording, fetched
from Twilio with the account's credentials, to a viewer allowed to see the incident.

A recording may name a student: its link is never texted or posted (decision 0043). The
sid must be one this incident's timeline holds (an ``update`` entry with the
recording's URL), so nobody can use this route to fetch another recording of the
account. The credentials go only to the Twilio API host (twilio/media.py). The answer
carries the documents' headers (web/documents_api.py: no cache, nothing runs), and each
fetch is in the audit log (action "recording").
"""

from __future__ import annotations

import logging
import re

from aiohttp import web

from alertbot.core.commands import whole_number
from alertbot.notify.base import PermanentFailure, TemporaryFailure
from alertbot.store.sql import Store, Tx
from alertbot.twilio.media import TwilioMedia
from alertbot.web.documents_api import DOWNLOAD_CSP, Guard, Record

log = logging.getLogger("alertbot.recordings")

MAX_BYTES = 20_000_000  # a 60-second MP3 is about 1 MB
# A recording's URL as Twilio posts it to /twilio/voice/recorded (RecordingUrl).
RECORDING_IN_TEXT = re.compile(r"/Recordings/(RE[0-9A-Za-z]{1,64})\b")
NOT_FOUND = '{"error": "no such recording"}'


def recording_sids(text: str) -> list[str]:
    """The recording sids named in a timeline entry's ``text`` (in order)."""
    return RECORDING_IN_TEXT.findall(text)


def recording_path(number: int, sid: str) -> str:
    """The console's route to a recording of incident ``number``."""
    return f"/api/incidents/{number}/recordings/{sid}"


async def recording(request: web.Request, guard: Guard, record: Record, store: Store,
                    media: TwilioMedia | None) -> web.Response:
    """The recording's MP3 bytes. 404 for a sid this incident does not hold; 503 without
    Twilio credentials; 502 when Twilio does not give it (gone, refused, down)."""
    number = whole_number(request.match_info["id"])
    sid = request.match_info["sid"]
    if number is None:
        raise web.HTTPNotFound(text=NOT_FOUND, content_type="application/json")
    viewer = await guard(request, number)

    def holds(tx: Tx) -> bool:
        entries = tx.timeline([number]).get(number, [])
        return any(sid in recording_sids(e.text) for e in entries if e.kind == "update")

    if not await store.read(holds):
        raise web.HTTPNotFound(text=NOT_FOUND, content_type="application/json")
    if media is None:
        raise web.HTTPServiceUnavailable(text='{"error": "no Twilio credentials"}',
                                         content_type="application/json")
    try:
        data = await media.fetch_recording(sid, MAX_BYTES)
    except (PermanentFailure, TemporaryFailure) as exc:
        log.warning("recording %s of #%d not fetched: %s", sid, number, exc)
        raise web.HTTPBadGateway(text='{"error": "Twilio did not give the recording"}',
                                 content_type="application/json") from None
    await record(request, viewer, "recording", incident_id=number, detail=f"recording {sid}")
    return web.Response(body=data, headers={
        "Content-Type": "audio/mpeg",
        "Content-Disposition": f'inline; filename="incident-{number}-{sid}.mp3"',
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "no-store",
        "Content-Security-Policy": DOWNLOAD_CSP,
        "Referrer-Policy": "no-referrer",
        "Cross-Origin-Resource-Policy": "same-origin",
    })
