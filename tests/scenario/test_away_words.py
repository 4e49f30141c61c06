"""AWAY by text, end to end (new-user trial 2, items 2 and 3).

A Spanish-speaking responder texts AUSENTE with a day word (``mañana``, ``hasta el
viernes``, ``LUNES``, ``hasta el 24/1``) and is answered in Spanish with the day they are
back, as ``AWAY tomorrow`` / ``AWAY friday`` are in English; a principal who only reports
is told that AWAY is for people who get paged, and nothing changes (not even from the
console API). The harness clock starts on Friday 2027-01-15 03:00 in New York."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import (
    ATTORNEY,
    DEPUTY,
    DISTRICT,
    PRINCIPAL,
    SUPERINTENDENT,
    Harness,
    district_copy,
)
from tests.scenario.test_readiness import api, person, readiness

SPANISH_DAYS = [
    ("AUSENTE hasta mañana", "sab 16/01 00:00"),
    ("ausente HASTA MAÑANA", "sab 16/01 00:00"),
    ("Ausente hasta manana", "sab 16/01 00:00"),
    ("AUSENTE hasta pasado mañana", "dom 17/01 00:00"),
    ("AUSENTE hasta el Viernes", "vie 22/01 00:00"),  # a weekday is never today
    ("ausente HASTA EL LUNES", "lun 18/01 00:00"),
    ("Ausente hasta el miércoles", "mié 20/01 00:00"),
    ("AUSENTE hasta el 24/1", "dom 24/01 00:00"),  # day before month, as Spanish writes
    ("AUSENTE por 2 días", "dom 17/01 03:00"),
]
# A day alone may mean "away on it" or "back on it" (trial 3: "ausente el viernes"
# reads as "absent on Friday"): nothing changes and the reply says how to write it.
SPANISH_AMBIGUOUS = ["AUSENTE mañana", "ausente MAÑANA", "Ausente el viernes",
                     "ausente LUNES", "AUSENTE 24/1"]


def _spanish_deputy(tmp: Path) -> Path:
    return district_copy(tmp, DISTRICT, '  phone: "+1 860 555 0101"\n', "  language: es\n")


@pytest.mark.parametrize(("body", "until"), SPANISH_DAYS, ids=[c[0] for c in SPANISH_DAYS])
async def test_a_spanish_responder_says_ausente_with_a_day_word(
        fake: FakeTwilio, tmp_path: Path, body: str, until: str) -> None:
    async with Harness(fake, tmp_path, config_dir=_spanish_deputy(tmp_path)) as h:
        reply = await h.text(DEPUTY, body)
        assert reply.startswith(f"Usted esta ausente hasta {until}: "), reply
        assert person(await readiness(h), "deputy")["away"] is not None
        back = await h.text(DEPUTY, "De vuelta")
        assert back == "Bienvenido de vuelta: recibe avisos de nuevo."


@pytest.mark.parametrize("body", SPANISH_AMBIGUOUS)
async def test_a_day_alone_changes_nothing_and_says_how_to_write_it(
        fake: FakeTwilio, tmp_path: Path, body: str) -> None:
    async with Harness(fake, tmp_path, config_dir=_spanish_deputy(tmp_path)) as h:
        reply = await h.text(DEPUTY, body)
        assert reply.startswith("No cambio nada: alertbot necesita el dia en que vuelve"), reply
        assert "AUSENTE hasta el viernes" in reply
        assert person(await readiness(h), "deputy")["away"] is None


async def test_an_english_day_alone_changes_nothing(h: Harness) -> None:
    for body in ("AWAY friday", "AWAY tomorrow", "away 12/24"):
        reply = await h.text(ATTORNEY, body)
        assert reply.startswith("Nothing changed: alertbot needs the day you are back."), reply
        assert "AWAY until friday" in reply
    assert person(await readiness(h), "attorney")["away"] is None


@pytest.mark.parametrize(("body", "until"), [
    ("away until Tomorrow", "Sat 01/16 00:00"),
    ("AWAY until friday", "Fri 01/22 00:00"),
    ("AWAY for 3 days", "Mon 01/18 03:00"),
    ("AWAY until 24/1", "Sun 01/24 00:00"),  # only one way to read it
])
async def test_an_english_responder_says_away_with_a_day_word(
        h: Harness, body: str, until: str) -> None:
    reply = await h.text(ATTORNEY, body)
    assert reply.startswith(f"You are away until {until}: "), reply


async def test_a_principal_who_only_reports_cannot_be_away(h: Harness) -> None:
    not_paged = ("AWAY and BACK are for people alertbot pages; you are on no paging step, "
                 "so nothing changed. You can still report as usual.")
    assert await h.text(PRINCIPAL, "AWAY 3d") == not_paged
    assert await h.text(PRINCIPAL, "AWAY tomorrow") == not_paged
    assert await h.text(PRINCIPAL, "BACK") == not_paged
    # nor from the console's API (the bearer token): 409, and nothing stored
    status, body = await api(h, "POST", "/api/contacts/principal-burns/away", {"for": "3d"})
    assert status == 409 and "alertbot pages" in body["error"]
    status, body = await api(h, "POST", "/api/contacts/principal-burns/back")
    assert status == 409
    # her reports still page as ever
    await h.text(PRINCIPAL, "ICE")
    await h.received("ACK 1", SUPERINTENDENT, ATTORNEY)
