"""Spanish command words through POST /twilio/sms (decision 0047): a Spanish-speaking
principal types NOTA, ESTADO, AUSENTE and DE VUELTA / REGRESÉ, in any case, with or
without accents, and is answered in Spanish folded to GSM-7 (SMS)."""

from __future__ import annotations

from tests.scenario.harness import PRINCIPAL_ES, Harness


async def test_a_spanish_principal_types_spanish_commands(h: Harness) -> None:
    assert await h.text(PRINCIPAL_ES, "estado") == "No hay incidentes abiertos."
    assert await h.text(PRINCIPAL_ES, "Estado.") == "No hay incidentes abiertos."
    # AUSENTE and DE VUELTA are for people alertbot pages; a principal only reports
    # (tests/scenario/test_away_words.py has a Spanish-speaking responder's AUSENTE).
    not_paged = ("AUSENTE y DE VUELTA son para quienes alertbot avisa; usted no esta en "
                 "ningun paso de avisos, asi que nada cambio. Puede reportar como siempre.")
    assert await h.text(PRINCIPAL_ES, "Ausente 3 días") == not_paged
    assert await h.text(PRINCIPAL_ES, "De vuelta") == not_paged
    assert await h.text(PRINCIPAL_ES, "AUSENTE hasta el viernes") == not_paged
    assert await h.text(PRINCIPAL_ES, "regresé") == not_paged
    assert await h.text(PRINCIPAL_ES, "NOTA") == "Para agregar una nota: NOTA <numero> <texto>."
    # An Oak incident he may see (his school), not on its team: told so in Spanish.
    await h.text(PRINCIPAL_ES, "ICE 2302 dos agentes")
    h.ignore("sms", contains="ALERT")
    assert await h.text(PRINCIPAL_ES, "nota 1 se fueron") == (
        "Usted no esta en el equipo de respuesta de #1.")
    status = await h.text(PRINCIPAL_ES, "ESTADO")
    assert status.startswith("#1 Oak Middle School: SIN atender")
