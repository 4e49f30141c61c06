"""A bounded, deterministic fuzz of every /twilio/voice* route (issue 9, kind 12).

A few hundred *signed* requests (a signed request is what reaches the step
handlers) with random digits, query state, callers and callback fields, on the
in-process app: each answers 200 with TwiML, and nothing logs an ERROR or a
traceback. Seeded: a failure replays exactly.
"""

from __future__ import annotations

import logging
import random
import xml.etree.ElementTree as ET
from urllib.parse import urlencode

import pytest

from tests.scenario.harness import (
    ADMIN,
    AREA_LEAD,
    ATTORNEY,
    DEPUTY,
    FROM_NUMBER,
    PRINCIPAL,
    PRINCIPAL_ES,
    STRANGER,
    SUPERINTENDENT,
    Harness,
)
from tests.scenario.voicecall import post_exact

PUBLIC = "https://alerts.example.test"
SEED = 20261130
REQUESTS = 320

ROUTES = ["/twilio/voice", "/twilio/voice/menu", "/twilio/voice/pin",
          "/twilio/voice/school", "/twilio/voice/recorded", "/twilio/voice/transcription",
          "/twilio/voice/ack", "/twilio/voice/page", "/twilio/voice/amd",
          "/twilio/voice/confirm", "/twilio/voice/ackpin"]
CALLERS = [PRINCIPAL, PRINCIPAL_ES, AREA_LEAD, SUPERINTENDENT, ATTORNEY, DEPUTY, ADMIN,
           STRANGER, "", "anonymous", "+1", "+999999999999999999999999", "client:alice",
           "+18605550100\x00", "‮+18605550105"]


def _number(rng: random.Random) -> str:
    return rng.choice([
        "", "0", "1", "2", "9", "-1", "+1", "1.5", "1e9", "0x1F", " 1 ", "١", "²", "#", "*",
        "1#", "99", str(rng.randrange(10 ** 6)), "9" * rng.choice([10, 19, 20, 40, 400]),
        "1" * 5000, "nan", "inf", "€", "<Say>hi</Say>", "&amp;", "\x00\x01",
    ])


def _query(rng: random.Random) -> dict[str, str]:
    query: dict[str, str] = {}
    for name in ("lang", "t", "d", "n", "outbox", "r", "v"):
        if rng.random() < 0.6:
            query[name] = (rng.choice(["en", "es", "fr", "", "EN", "ES\x00", "a", "p"])
                           if name in ("lang", "v") else _number(rng))
    return query


def _fields(rng: random.Random, sid: str) -> dict[str, str]:
    fields = {"CallSid": sid, "AccountSid": "AC" + "0" * 32, "From": rng.choice(CALLERS),
              "To": rng.choice([FROM_NUMBER, *CALLERS]), "Direction": "inbound",
              "CallStatus": "in-progress"}
    if rng.random() < 0.8:
        fields["Digits"] = _number(rng)
    if rng.random() < 0.3:
        fields["StirVerstat"] = rng.choice(["TN-Validation-Passed-A", "TN-Validation-Failed",
                                            "", "TN-Validation-Passed-B", "x" * 300])
    if rng.random() < 0.3:
        fields["AnsweredBy"] = rng.choice(["human", "machine_start", "machine_end_beep",
                                           "fax", "unknown", "", "machine_" + "x" * 500])
    if rng.random() < 0.3:
        fields["RecordingUrl"] = rng.choice(["https://api.twilio.com/x", "", "javascript:1",
                                             "x" * 3000])
        fields["RecordingDuration"] = _number(rng)
    if rng.random() < 0.2:
        fields["TranscriptionText"] = rng.choice(["two agents", "", "<!channel> \x07",
                                                  "ñ" * 5000])
        fields["TranscriptionStatus"] = rng.choice(["completed", "failed", ""])
    return fields



async def test_fuzzed_voice_webhooks_answer_twiml_and_log_no_error(
        hv: Harness, caplog: pytest.LogCaptureFixture) -> None:
    await hv.text(PRINCIPAL, "ICE")  # an open incident and pages to hit
    await hv.received("ALERT #1", SUPERINTENDENT, ATTORNEY)
    await hv.received("ALERT number 1", SUPERINTENDENT, ATTORNEY, kind="call")
    hv.unchecked("random webhooks: who acknowledges, what opens and who hears of it is "
                 "whatever the seeded generator happens to produce, not the story")
    rng = random.Random(SEED)
    caplog.set_level(logging.WARNING)
    failures: list[str] = []
    for index in range(REQUESTS):
        route = ROUTES[index % len(ROUTES)]
        query = _query(rng)
        url = PUBLIC + route + (f"?{urlencode(query)}" if query else "")
        fields = _fields(rng, f"CA{rng.randrange(4):032x}")
        status, body = await post_exact(hv, url, fields)
        if status != 200:
            failures.append(f"{status} {url} {fields!r}: {body[:200]}")
            continue
        try:
            root = ET.fromstring(body)
        except ET.ParseError:
            failures.append(f"not XML: {url} {fields!r}: {body[:200]}")
            continue
        if root.tag != "Response":
            failures.append(f"not TwiML: {url}: {body[:200]}")
    await hv.settle()
    errors = [f"{r.name}: {r.getMessage()}" for r in caplog.records
              if r.levelno >= logging.ERROR or r.exc_info]
    assert failures == [] and errors == [], (failures[:5], errors[:5])
