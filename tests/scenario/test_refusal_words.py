"""A refused long text names the field by the label the person saw, in their language
(decision 0052; new-user trial): the page a Spanish-speaking attorney got named
``said`` and ``account`` and was in English. JSON answers keep ``field`` and ``limit``
(machine names) and add ``message`` (words in the acting person's language). A text to
the reporter over the limit is refused by the service (``TooLong``), never cut.
On the old code the page showed ``note: at most 1000 characters`` in English and the
typed text under its field id; the JSON had no ``field``, ``limit`` or ``message``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.console import console_client, csrf_token, sign_in
from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import (
    ATTORNEY,
    PRINCIPAL,
    SUPERINTENDENT,
    Harness,
    district_copy,
)
from tests.scenario.teardown import finish
from tests.scenario.test_length_limits import words
from tests.scenario.test_procedure_story import DISTRICT_PROCEDURE, post


@pytest.fixture
async def hs(request: pytest.FixtureRequest, fake: FakeTwilio,
             tmp_path: Path) -> AsyncIterator[Harness]:
    """The district procedure, its staff attorney reading Spanish."""
    attorney = "  roles: [staff_attorney]\n  phone: \"+1 860 555 0102\"\n"
    folder = district_copy(tmp_path, DISTRICT_PROCEDURE, attorney, "  language: es\n")
    harness = await Harness(fake, tmp_path, config_dir=folder).start()
    try:
        yield harness
    finally:
        await finish(request, harness)


async def opened_and_acked(h: Harness) -> None:
    await h.text(PRINCIPAL, "ICE 2 agents at front desk")
    await h.received("ALERT #1", SUPERINTENDENT)
    await h.received("#1", ATTORNEY)
    await h.text(ATTORNEY, "ACK")
    await h.received("#1 acknowledged by Sam Okafor", SUPERINTENDENT)
    await h.received("#1: Sam Okafor is on it", PRINCIPAL)
    await h.received("#1", ATTORNEY)


PAGES = [  # path, form, the label the Spanish form showed, limit, length
    ("/procedure/designees", {"said": words(1200)}, "Lo que se dijo", 1000, 1200),
    ("/procedure/designees", {"note": words(1001)}, "Nota", 1000, 1001),
    ("/encounter", {"account": words(2001)}, "Qué se dijo y qué se hizo", 2000, 2001),
    ("/encounter", {"agency": words(101)}, "Agencia (solo su nombre)", 100, 101),
    ("/warrant-review", {"signed_by": "officer", "header": "agency", "form": "I-200",
                         "names_address": "no", "names_person": "yes",
                         "note": words(1001)}, "Nota", 1000, 1001),
    ("/records-requests", {"presented": "subpoena", "notes": words(1001)}, "Notas", 1000,
     1001),
    ("/records-requests", {"presented": "subpoena", "other_category": words(1001)},
     "Otra categoría (sin nombres de estudiantes)", 1000, 1001),
]


async def test_a_refused_form_names_the_field_by_its_label_in_spanish(hs: Harness) -> None:
    h = hs
    await opened_and_acked(h)
    async with console_client(h.url) as client:
        await sign_in(client, h.fake, ATTORNEY)
        for path, data, label, limit, length in PAGES:
            async with client.post("/api/incidents/1" + path, data={
                    "csrf_token": await csrf_token(client), **data}) as r:
                assert (r.status, r.content_type) == (400, "text/html"), path
                page = await r.text()
            name = next(k for k, v in data.items() if len(v) > 100)
            assert (f"«{label}» tiene {length} caracteres; el máximo es {limit}. No se "
                    "guardó nada: acórtelo y envíelo de nuevo.") in page, path
            assert f"{name}:" not in page and "at most" not in page, path
            assert f"<label>{label} <textarea readonly" in page, path  # shown back
            assert "Lo que escribió, guardado aquí para copiarlo" in page
    one = await h.incident(1)
    assert one["procedure"][1]["done_at"] is None and one["encounter"] is None
    assert one["records_requests"] == [] and one["warrant_reviews"] == []


async def test_a_refusal_in_json_keeps_field_and_limit_and_adds_words(hs: Harness) -> None:
    h = hs
    await opened_and_acked(h)
    for path, data, label, limit, length in PAGES:
        status, body = await post(h, "/api/incidents/1" + path, {"contact": "attorney",
                                                                 **data})
        name = next(k for k, v in data.items() if len(v) > 100)
        assert (status, body["key"], body["field"], body["limit"], body["length"]) == (
            400, "invalid", name, limit, length), path
        assert body["message"] == (f"«{label}» tiene {length} caracteres; el máximo es "
                                   f"{limit}. No se guardó nada: acórtelo y envíelo de "
                                   "nuevo."), path
        assert body["messages"] == [body["message"]]
        assert body["problems"] == [f"{name}: at most {limit} characters ({length} sent); "
                                    "nothing was saved, shorten it and send it again"]
    status, body = await post(h, "/api/incidents/1/notes",
                              {"contact": "attorney", "text": words(2500)})
    assert (status, body["field"], body["limit"], body["length"]) == (400, "text", 2000,
                                                                       2500)
    assert body["message"] == body["reply"] and "su nota tiene 2500 caracteres" in body["reply"]
    status, body = await post(h, "/api/incidents/1/message",
                              {"contact": "attorney", "text": words(1700)})
    assert (status, body["key"], body["field"], body["limit"], body["length"]) == (
        400, "message_too_long", "text", 1600, 1700)
    assert body["message"] == ("#1: su texto tiene 1700 caracteres; el máximo es 1600. No "
                               "se envió nada: acórtelo y envíelo de nuevo.")
    await h.settle()
    assert not [m for m in h.fake.sms_to(PRINCIPAL) if "agents at the door" in (m.body or "")]
