"""Twilio webhook signatures over the exact URL Twilio called, checked before anything else.

Issue 9, kind 9: a webhook URL with an encoded query (``/twilio/sms?line=north%20side``)
must validate over the raw path and query as received. Kind 12: a malformed body
without a valid signature gets 400/403 and no traceback, never a 500.
"""

from __future__ import annotations

import io
import logging

import pytest

from tests.fakes.signing import twilio_signature
from tests.scenario.harness import ATTORNEY, FROM_NUMBER, PRINCIPAL, SUPERINTENDENT, Harness
from tests.scenario.voicecall import post_exact

PUBLIC = "https://alerts.example.test"


async def _post_raw(h: Harness, path: str, body: bytes, content_type: str,
                    signature: str | None) -> tuple[int, str]:
    assert h.session is not None
    headers = {"Content-Type": content_type}
    if signature is not None:
        headers["X-Twilio-Signature"] = signature
    async with h.session.post(h.url + path, data=body, headers=headers) as response:
        return response.status, await response.text()


def _no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    bad = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert bad == [], [r.getMessage() for r in bad]


# --- kind 9: the URL exactly as Twilio called it ------------------------------------


async def test_sms_webhook_with_an_encoded_query_is_accepted(h: Harness) -> None:
    path = "/twilio/sms?line=north%20side"
    params = {"MessageSid": "SM" + "e" * 32, "From": PRINCIPAL, "To": FROM_NUMBER,
              "Body": "ICE", "AccountSid": h.fake.account_sid, "NumMedia": "0"}
    status, body = await post_exact(h, PUBLIC + path, params)
    assert status == 200, body
    assert "#1 opened" in body
    await h.settle()
    await h.fake.expect_sms(SUPERINTENDENT, contains="ACK 1")
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", ATTORNEY)


async def test_a_signature_over_the_decoded_url_is_refused(h: Harness) -> None:
    """The decoded form is not what Twilio signed: it must not pass either."""
    params = {"MessageSid": "SM" + "f" * 32, "From": PRINCIPAL, "To": FROM_NUMBER,
              "Body": "ICE", "AccountSid": h.fake.account_sid}
    decoded = twilio_signature(h.fake.auth_token, PUBLIC + "/twilio/sms?line=north side",
                               params)
    status, _ = await post_exact(h, PUBLIC + "/twilio/sms?line=north%20side", params,
                                   signature=decoded)
    assert status == 403
    assert await h.incidents() == []


async def test_voice_webhook_with_an_encoded_query_is_accepted(h: Harness) -> None:
    params = {"CallSid": "CA" + "e" * 32, "From": PRINCIPAL, "To": FROM_NUMBER,
              "Direction": "inbound", "AccountSid": h.fake.account_sid}
    status, body = await post_exact(
        h, PUBLIC + "/twilio/voice?line=north%20side&x=%C3%A1%2F", params)
    assert status == 200, body
    assert "press 1" in body
    status, body = await post_exact(
        h, PUBLIC + "/twilio/voice/menu?lang=en&t=0&line=north%20side", params | {"Digits": "1"})
    assert status == 200, body
    assert "Incident number 1 is open" in body
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT, ATTORNEY)


async def test_status_callback_with_an_encoded_query_is_accepted(h: Harness) -> None:
    await h.text(PRINCIPAL, "ICE")
    rec = await h.fake.expect_sms(SUPERINTENDENT, contains="ACK 1")
    params = {"MessageSid": rec.sid, "MessageStatus": "delivered", "To": rec.to,
              "From": rec.from_, "AccountSid": h.fake.account_sid}
    status, _ = await post_exact(h, PUBLIC + "/twilio/status?via=%2Fproxy%20a", params)
    assert status == 204
    incident = await h.incident(1)
    [page] = [m for m in incident["messages"]
              if m["contact"] == "superintendent" and m["channel"] == "sms"]
    assert page["provider_status"] == "delivered"
    # Everyone else alertbot told something in this story:
    await h.received("ALERT #1: Enforcement visit at Burns Academy", ATTORNEY)


# --- kind 12: the signature first, malformed bodies without a traceback ------------

MALFORMED = [
    ("bad utf-8 escape", b"From=%2B18605550142&Body=%FF%FE", "application/x-www-form-urlencoded"),
    ("raw latin-1 bytes", b"From=+18605550142&Body=caf\xe9", "application/x-www-form-urlencoded"),
    ("multipart junk", b"--xx\r\nContent-Disposition: form-data\r\n\r\njunk",
     "multipart/form-data"),
    ("multipart no end", b"--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n",
     "multipart/form-data; boundary=b"),
    ("json", b'{"From": "+18605550142"}', "application/json"),
]


@pytest.mark.parametrize("path", ["/twilio/sms", "/twilio/voice", "/twilio/status",
                                  "/twilio/voice/menu?lang=en&t=0"])
@pytest.mark.parametrize(("what", "body", "content_type"), MALFORMED,
                         ids=[m[0] for m in MALFORMED])
async def test_malformed_unsigned_body_is_refused_without_a_traceback(
        h: Harness, caplog: pytest.LogCaptureFixture, path: str, what: str, body: bytes,
        content_type: str) -> None:
    for signature in (None, "bm90LWEtc2lnbmF0dXJl"):
        status, text = await _post_raw(h, path, body, content_type, signature)
        assert status in (400, 403), (what, signature, status, text)
        assert "Traceback" not in text
    _no_traceback(caplog)
    assert await h.incidents() == []


async def test_oversize_body_is_refused_without_a_traceback(
        h: Harness, caplog: pytest.LogCaptureFixture) -> None:
    body = b"Body=" + b"A" * (300 * 1024)
    for signature in (None, "bm90LWEtc2lnbmF0dXJl"):
        status, _ = await _post_raw(h, "/twilio/sms", body,
                                    "application/x-www-form-urlencoded", signature)
        assert status in (400, 403, 413)
    _no_traceback(caplog)
    assert await h.incidents() == []


async def test_unsigned_oversize_request_is_refused_without_reading_it_all(
        h: Harness, caplog: pytest.LogCaptureFixture) -> None:
    # Every body is read within the read timeout and at most client_max_size (1 MiB) by
    # serving.read_guard, so a 2 MiB unsigned body is refused (413) before the signature
    # check, with no effect and no traceback; a smaller unsigned one gets 403.
    assert h.session is not None
    async with h.session.post(h.url + "/twilio/sms", data=io.BytesIO(b"x" * (2 * 1024 * 1024)),
                              headers={"Content-Type": "application/x-www-form-urlencoded"}
                              ) as response:
        assert response.status == 413
    async with h.session.post(h.url + "/twilio/sms", data=b"Body=ICE&From=%2B18605550142",
                              headers={"Content-Type": "application/x-www-form-urlencoded"}
                              ) as response:
        assert response.status == 403
    assert await h.incidents() == []
    _no_traceback(caplog)


async def test_signed_request_with_a_malformed_body_gets_400(h: Harness,
                                                             caplog: pytest.LogCaptureFixture
                                                             ) -> None:
    signature = twilio_signature(h.fake.auth_token, PUBLIC + "/twilio/sms", {})
    status, _ = await _post_raw(h, "/twilio/sms", b"Body=%FF",
                                "application/x-www-form-urlencoded", signature)
    assert status == 400
    _no_traceback(caplog)


