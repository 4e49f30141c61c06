"""Documents by MMS (issue 12): a photo of the paper the agents show reaches the console,
sealed at rest, and nowhere else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alertbot import appkeys
from alertbot.crypto import document_aad
from tests.console import console_client, sign_in
from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import (
    API_TOKEN,
    AREA_LEAD,
    ATTORNEY,
    DEPUTY,
    PRINCIPAL,
    PRINCIPAL_ES,
    STRANGER,
    SUPERINTENDENT,
    TEACHER,
    Harness,
)
from tests.unitofwork import transaction

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"warrant photo " * 200
PDF = b"%PDF-1.7\n" + b"0" * 300
BEARER = {"Authorization": f"Bearer {API_TOKEN}"}


async def _open(h: Harness) -> None:
    await h.text(PRINCIPAL, "ICE 2 agents at front desk")
    await h.received("ACK 1", SUPERINTENDENT, ATTORNEY)


async def _get(h: Harness, path: str, headers: dict[str, str] | None = None
               ) -> tuple[int, bytes, Any]:
    assert h.session is not None
    async with h.session.get(h.url + path, headers=headers) as r:
        return r.status, await r.read(), r.headers


async def test_a_principal_texts_a_photo_it_is_fetched_sealed_deleted_and_shown(
        h: Harness) -> None:
    await _open(h)
    reply = await h.mms(PRINCIPAL, "the warrant they showed", (JPEG, "image/jpeg"))
    assert reply == ("Photo received for #1. Only district responders can see it, in the "
                     "console.")
    # The download went to the API host with the credentials, then to the media store
    # without them; then the media was deleted through the API.
    [api_get] = h.fake.media_api_gets
    assert api_get.headers["Authorization"].startswith("Basic ")
    [store_get] = h.fake.media_store.requests
    assert "Authorization" not in store_get.headers
    assert len(h.fake.media_deleted) == 1 and h.fake.media_store.files == {}
    incident = await h.incident(1)
    [doc] = incident["documents"]
    assert doc["content_type"] == "image/jpeg" and doc["bytes"] == len(JPEG)
    assert doc["added_by"] == {"id": "principal-burns", "name": "Ana Perez"}
    assert doc["status"] == "stored"
    kinds = [e["kind"] for e in incident["timeline"]]
    assert kinds.count("document") == 2  # received, then stored
    assert "the warrant they showed" in [e["text"] for e in incident["timeline"]]
    # Sealed at rest: the bytes in the database are not the photo.
    async with transaction(h.app[appkeys.STORE], write=False) as tx:
        sealed = await tx.sealed_document(1, doc["id"])
    assert sealed is not None and b"warrant photo" not in sealed
    assert h.app[appkeys.KEYRING].open(sealed, document_aad(1, doc["id"])) == JPEG
    # The download: the bytes, typed by their content, and nothing a browser would run.
    status, body, headers = await _get(h, doc["url"], BEARER)
    assert status == 200 and body == JPEG
    assert headers["Content-Type"] == "image/jpeg"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Cache-Control"] == "no-store"
    assert "sandbox" in headers["Content-Security-Policy"]
    assert headers["Content-Disposition"] == 'inline; filename="incident-1-document-1.jpg"'
    assert (await _get(h, doc["url"]))[0] == 401  # no token, no session
    assert (await _get(h, "/api/incidents/2/documents/1", BEARER))[0] == 404
    assert (await _get(h, "/api/incidents/1/documents/99", BEARER))[0] == 404
    # Never by SMS: nobody was texted anything about the photo (the teardown checks that
    # every text was expected, and none was).


async def test_a_responder_with_one_incident_attaches_a_pdf_to_it(h: Harness) -> None:
    await _open(h)
    reply = await h.mms(ATTORNEY, "", (PDF, "application/pdf"))
    assert reply.startswith("Photo received for #1.")
    [doc] = (await h.incident(1))["documents"]
    assert doc["content_type"] == "application/pdf"


async def test_a_number_picks_the_incident_when_several_are_open(h: Harness) -> None:
    await _open(h)
    await h.text(ATTORNEY, "ACK 1")
    h.ignore(to=PRINCIPAL)
    h.ignore(to=SUPERINTENDENT)
    h.ignore(to=ATTORNEY)
    h.ignore(to=DEPUTY)
    await h.text(PRINCIPAL, "ICE 2302 agents at the gym")
    which = await h.mms(SUPERINTENDENT, "", (JPEG, "image/jpeg"))
    assert "Which incident" in which and "#1" in which and "#2" in which
    assert h.fake.media_api_gets == []  # nothing kept, nothing fetched
    picked = await h.mms(SUPERINTENDENT, "#2 the paper", (JPEG, "image/jpeg"),
                         (PDF, "application/pdf"))
    assert picked.startswith("2 files received for #2.")
    assert len((await h.incident(2))["documents"]) == 2
    assert (await h.incident(1))["documents"] == []


async def test_nobodys_incident_gets_a_helpful_reply_and_keeps_nothing(h: Harness) -> None:
    reply = await h.mms(TEACHER, "", (JPEG, "image/jpeg"))
    assert "Photos go with an open incident" in reply
    stranger = await h.mms(STRANGER, "", (JPEG, "image/jpeg"))
    assert "not set up to report" in stranger
    assert h.fake.media_api_gets == []


async def test_a_retried_webhook_is_one_document(h: Harness) -> None:
    await _open(h)
    url = h.fake.add_media(JPEG)
    sid = h.next_sid()
    for _ in range(2):
        status, _twiml = await h.post_sms(PRINCIPAL, "", sid, media=[(url, "image/jpeg")])
        assert status == 200
        await h.settle()
    assert len((await h.incident(1))["documents"]) == 1
    assert len(h.fake.media_api_gets) == 1


async def test_what_is_not_a_photo_is_refused_and_the_sender_told(h: Harness) -> None:
    await _open(h)
    await h.mms(PRINCIPAL, "", (b"<html><script>alert(1)</script></html>", "image/jpeg"))
    await h.received("is not a photo", PRINCIPAL)
    [doc] = (await h.incident(1))["documents"]
    assert doc["status"] == "rejected" and doc["url"] is None
    assert len(h.fake.media_deleted) == 1  # not kept at Twilio either
    timeline = (await h.incident(1))["timeline"]
    assert any(e["kind"] == "document_rejected" and "not a photo" in e["text"]
               for e in timeline)


async def test_a_twilio_outage_is_retried_with_backoff(h: Harness) -> None:
    await _open(h)
    h.fake.fail_media_next(2, status=503)
    await h.mms(PRINCIPAL, "", (JPEG, "image/jpeg"))
    assert (await h.incident(1))["documents"][0]["status"] == "pending"
    await h.advance(seconds=5)
    assert (await h.incident(1))["documents"][0]["status"] == "pending"
    await h.advance(seconds=10)
    assert (await h.incident(1))["documents"][0]["status"] == "stored"
    assert len(h.fake.media_api_gets) == 3 and len(h.fake.media_deleted) == 1


async def test_a_media_url_off_twilio_is_never_fetched(h: Harness) -> None:
    await _open(h)
    # Nothing listens there, and a forged URL must not be fetched (nor get credentials).
    await h.post_sms(PRINCIPAL, "", media=[("http://127.0.0.1:9/evil.jpg", "image/jpeg")])
    await h.settle()
    [doc] = (await h.incident(1))["documents"]
    assert doc["status"] == "rejected"
    await h.received("could not be received", PRINCIPAL)


async def test_a_file_over_the_size_limit_is_refused_and_the_sender_told(
        fake: FakeTwilio, tmp_path: Path) -> None:
    async with Harness(fake, tmp_path, extra={"document_max_bytes": 1000}) as h:
        await _open(h)
        await h.mms(PRINCIPAL, "", (JPEG, "image/jpeg"))  # 2,811 bytes
        await h.received("larger than 0.001 MB", PRINCIPAL)
        [doc] = (await h.incident(1))["documents"]
        assert doc["status"] == "rejected"
        assert len(h.fake.media_store.requests) == 1 and len(h.fake.media_deleted) == 1


async def test_a_spanish_speaker_hears_it_in_spanish(h: Harness) -> None:
    await h.text(PRINCIPAL_ES, "ICE agentes en la puerta")
    h.ignore(to=SUPERINTENDENT)
    h.ignore(to=ATTORNEY)
    reply = await h.mms(PRINCIPAL_ES, "", (JPEG, "image/jpeg"))
    assert reply == ("Foto recibida para #1. Solo el equipo del distrito puede verla, en la "
                     "consola.")


async def test_signed_in_viewers_see_documents_only_of_incidents_they_may_see(
        h: Harness) -> None:
    """Sessions (issue 11): the attorney (paged) downloads the photo; a principal of
    another school and a teacher get 404 as for an incident that does not exist; each
    download is in the audit log, and the report lists it."""
    await _open(h)
    await h.mms(PRINCIPAL, "", (JPEG, "image/jpeg"))
    url = "/api/incidents/1/documents/1"
    async with console_client(h.url) as attorney:
        await sign_in(attorney, h.fake, ATTORNEY)
        async with attorney.get(url) as r:
            assert r.status == 200 and await r.read() == JPEG
        async with attorney.get("/api/incidents/1/report.json") as r:
            report = await r.json()
    assert any(a["who"] == "Sam Okafor" and a["action"].startswith("document (session)")
               for a in report["audit"]), report["audit"]
    for outsider in (AREA_LEAD, TEACHER):
        async with console_client(h.url) as client:
            await sign_in(client, h.fake, outsider)
            for path in (url, "/api/incidents/1/report.pdf", "/api/incidents/1"):
                async with client.get(path) as r:
                    assert r.status == 404, (outsider, path, r.status)
            async with client.get("/api/incidents.csv?from=2020-01-01&to=2020-01-02") as r:
                assert r.status == 403  # admins only
