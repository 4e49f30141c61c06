"""Spanish command words through POST /twilio/sms (decision 0047): a Spanish-speaking
principal types NOTA, ESTADO, AUSENTE and DE VUELTA / REGRESÉ, in any case, with or
without accents, and is answered in Spanish folded to GSM-7 (SMS)."""

from __future__ import annotations

import re

from tests.scenario.harness import PRINCIPAL_ES, Harness


async def test_a_spanish_principal_types_spanish_commands(h: Harness) -> None:
    assert await h.text(PRINCIPAL_ES, "estado") == "No hay incidentes abiertos."
    assert await h.text(PRINCIPAL_ES, "Estado.") == "No hay incidentes abiertos."
    away = await h.text(PRINCIPAL_ES, "Ausente 3 días")
    assert away.startswith("Usted esta ausente hasta ")
    # the day in Spanish, day before month (new-user trial: "hasta Thu 12/03 07:12")
    assert re.match(r"Usted esta ausente hasta (lun|mar|mié|jue|vie|sab|dom) "
                    r"\d\d/\d\d \d\d:\d\d:", away), away
    assert away.endswith("Envie DE VUELTA al volver.")  # accents folded for SMS
    assert await h.text(PRINCIPAL_ES, "De vuelta") == (
        "Bienvenido de vuelta: recibe avisos de nuevo.")
    assert await h.text(PRINCIPAL_ES, "AUSENTE hasta el viernes") != ""
    assert await h.text(PRINCIPAL_ES, "regresé") == (
        "Bienvenido de vuelta: recibe avisos de nuevo.")
    assert await h.text(PRINCIPAL_ES, "NOTA") == "Para agregar una nota: NOTA <numero> <texto>."
    # An Oak incident he may see (his school), not on its team: told so in Spanish.
    await h.text(PRINCIPAL_ES, "ICE 2302 dos agentes")
    h.ignore("sms", contains="ALERT")
    assert await h.text(PRINCIPAL_ES, "nota 1 se fueron") == (
        "Usted no esta en el equipo de respuesta de #1.")
    status = await h.text(PRINCIPAL_ES, "ESTADO")
    assert status.startswith("#1 Oak Middle School: SIN atender")
