"""Was this call placed already? Closing the double-call window of bridge calls.

Twilio's ``calls.create`` takes no idempotency key (decision 0036). A try that reached
Twilio may still fail on our side: the request timed out after Twilio created the call,
or alertbot crashed between Twilio's answer and recording it (the outbox row's lease then
runs out and the row is tried again). A second ``create`` would ring the person again.

So before any try but the first of a call that is not a page (a bridge call into the
incident's conference, a confirmation call back), the sender lists the calls Twilio has
from the district number to that person since the row was queued (Calls list, filtered
by ``To`` and ``From``, newest first) and, if one is there, records it as this row's call
instead of placing another. A call placed for an earlier row to the same person is told
apart by its creation time (before this row was queued, less ``CLOCK_SKEW``). When the
list cannot be read, the try is retried later (a temporary failure) rather than risk a
second ring; a refusal that will not pass (permissions) places the call as before.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from twilio.rest import Client

from alertbot.notify.base import PermanentFailure
from alertbot.twilio.sms_sender import translate_error

log = logging.getLogger("alertbot.twilio")

CLOCK_SKEW = 2.0  # seconds: Twilio's clock may be this far behind ours (NTP on both)
LOOK_AT = 20  # most recent calls to that person looked at


async def placed_already(client: Client, to: str, from_: str, queued_at: float) -> str | None:
    """The SID of a call Twilio has from ``from_`` to ``to`` created at or after
    ``queued_at`` (epoch seconds, less ``CLOCK_SKEW``), else None. Raises
    TemporaryFailure when Twilio cannot be asked now."""
    since = datetime.fromtimestamp(queued_at - CLOCK_SKEW, tz=UTC)
    try:
        calls: list[Any] = await client.calls.list_async(to=to, from_=from_, limit=LOOK_AT)
    except Exception as exc:
        err = translate_error(exc)
        if err is None:
            raise
        if isinstance(err, PermanentFailure):  # e.g. a key without list rights
            log.warning("cannot list calls to check for an earlier try (%s): placing it", err)
            return None
        raise err from exc
    for call in calls:
        created = getattr(call, "date_created", None)
        if isinstance(created, datetime) and created >= since and call.sid:
            log.info("call %s was placed by an earlier try: not placing it again", call.sid)
            return str(call.sid)
    return None
