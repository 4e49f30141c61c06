"""The words of the console's readiness page (GET /readiness) and of the drill report
section on a drill's incident page (issue 14), per language (en, es). Pure.

``say(language, key, **values)`` as text/console.py's: English when the language or the
key is missing; the key itself when unknown. Channel states are
``core.readiness.State`` values: ``state.<value>`` is the word shown, ``fix.<value>``
what to do about it (the same advice as ``alertbot readiness``, text/readinessview.py).
Values are plain text; the Jinja2 templates escape them.
"""

from __future__ import annotations

from collections.abc import Mapping

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "title": "Readiness",
        "link": "Readiness: who can be paged",
        "checked": "Checked {when} ({timezone}).",
        "all_ok": "Every step can reach someone now.",
        "some_nobody": "{count} step(s) can reach NOBODY now: fix these first.",
        "attention": "{count} of {total} responders need attention.",
        "steps": "Steps: who can be paged right now",
        "step": "{policy}, step {step}",
        "reachable": "{reachable} of {total} reachable",
        "nobody": "NOBODY reachable",
        "people": "People",
        "person": "Person",
        "channels": "Channels",
        "to_fix": "What to fix",
        "nothing": "Nothing to fix.",
        "away": "Away until {until}",
        "backup": "backup: {name}",
        "no_backup": "no backup named",
        "stands_in": "{name} stands in",
        "state.ok": "ok", "state.unchecked": "ok (not checked)", "state.guest": "guest",
        "state.no_address": "none", "state.not_configured": "not set up",
        "state.opted_out": "opted out", "state.no_sms_line": "cannot take SMS",
        "state.slack_deleted": "deactivated", "state.slack_not_found": "not found",
        "fix.guest": "{channel}: a guest account; the bot reaches them only in channels "
                     "it shares.",
        "fix.no_address": "{channel}: no address in contacts; add one.",
        "fix.not_configured": "{channel} is not set up on this server (district IT).",
        "fix.opted_out": "{channel}: opted out since {since}; ask them to text START to "
                         "{number}.",
        "fix.no_sms_line": "{channel}: the number is a {line_type}; give a mobile number "
                           "or add voice.",
        "fix.slack_deleted": "{channel}: the Slack account is deactivated; fix 'slack' in "
                             "contacts.",
        "fix.slack_not_found": "{channel}: the Slack member id is not in this workspace; "
                               "fix 'slack' in contacts.",
        "district_number": "the district number",
        "drill_report": "Drill report",
        "drill_first_page": "Time to first page: {time}",
        "drill_acked": "{acked} of {paged} acknowledged; median {median}.",
        "drill_acked.none": "Nobody acknowledged ({paged} paged).",
        "drill_acked.nobody_paged": "Nobody was paged.",
        "drill_first_page.none": "No page went out.",
        "drill_responder": "Responder",
        "drill_paged": "Paged after",
        "drill_ack": "Acknowledged after",
        "drill_channel": "Reached by",
        "drill_never": "never",
        "drill_stopped": "stopped paging",
        "drill_earlier": "Earlier drills",
        "drill_earlier_row": "#{n}: first page {first}; {acked} of {paged} acknowledged; "
                             "median {median}",
        "drill_earlier_row.none": "#{n}: first page {first}; nobody acknowledged "
                                  "({paged} paged)",
        "drill_compare": "This drill's median {this}; earlier drills {earlier}.",
        "drill_compare.none": "No median to compare: nobody acknowledged in this drill "
                              "or in the earlier ones.",
        "drill_compare.this_none": "Nobody acknowledged in this drill; earlier drills' "
                                   "median {earlier}.",
        "drill_compare.earlier_none": "This drill's median {this}; nobody acknowledged "
                                      "in the earlier drills.",
        "drill_no_earlier": "No earlier drill to compare with.",
        "drill_ended": "Ended: {how}",
        "drill_running": "Still running.",
    },
    "es": {
        "title": "Preparación",
        "link": "Preparación: a quién se puede avisar",
        "checked": "Revisado {when} ({timezone}).",
        "all_ok": "Cada paso puede avisar a alguien ahora.",
        "some_nobody": "{count} paso(s) no pueden avisar a NADIE ahora: corríjalos primero.",
        "attention": "{count} de {total} responsables necesitan atención.",
        "steps": "Pasos: a quién se puede avisar ahora mismo",
        "step": "{policy}, paso {step}",
        "reachable": "{reachable} de {total} localizables",
        "nobody": "NADIE localizable",
        "people": "Personas",
        "person": "Persona",
        "channels": "Canales",
        "to_fix": "Qué corregir",
        "nothing": "Nada que corregir.",
        "away": "Ausente hasta {until}",
        "backup": "suplente: {name}",
        "no_backup": "sin suplente",
        "stands_in": "{name} lo suple",
        "state.ok": "bien", "state.unchecked": "bien (sin verificar)",
        "state.guest": "invitado", "state.no_address": "ninguno",
        "state.not_configured": "no configurado", "state.opted_out": "dado de baja",
        "state.no_sms_line": "no recibe SMS", "state.slack_deleted": "desactivada",
        "state.slack_not_found": "no encontrada",
        "fix.guest": "{channel}: cuenta de invitado; el bot solo le llega en los canales "
                     "que comparten.",
        "fix.no_address": "{channel}: sin dirección en los contactos; agregue una.",
        "fix.not_configured": "{channel} no está configurado en este servidor (informática "
                              "del distrito).",
        "fix.opted_out": "{channel}: dado de baja desde {since}; pídale que envíe START al "
                         "{number}.",
        "fix.no_sms_line": "{channel}: el número es un {line_type}; dé un número móvil o "
                           "agregue voz.",
        "fix.slack_deleted": "{channel}: la cuenta de Slack está desactivada; corrija "
                             "'slack' en los contactos.",
        "fix.slack_not_found": "{channel}: el id de Slack no está en este espacio de "
                               "trabajo; corrija 'slack' en los contactos.",
        "district_number": "el número del distrito",
        "drill_report": "Informe del simulacro",
        "drill_first_page": "Tiempo hasta el primer aviso: {time}",
        "drill_acked": "{acked} de {paged} confirmaron; mediana {median}.",
        "drill_acked.none": "Nadie confirmó ({paged} avisados).",
        "drill_acked.nobody_paged": "No se avisó a nadie.",
        "drill_first_page.none": "No salió ningún aviso.",
        "drill_responder": "Responsable",
        "drill_paged": "Avisado a los",
        "drill_ack": "Confirmó a los",
        "drill_channel": "Por",
        "drill_never": "nunca",
        "drill_stopped": "detuvo los avisos",
        "drill_earlier": "Simulacros anteriores",
        "drill_earlier_row": "#{n}: primer aviso {first}; {acked} de {paged} confirmaron; "
                             "mediana {median}",
        "drill_earlier_row.none": "#{n}: primer aviso {first}; nadie confirmó "
                                  "({paged} avisados)",
        "drill_compare": "Mediana de este simulacro {this}; simulacros anteriores {earlier}.",
        "drill_compare.none": "No hay mediana que comparar: nadie confirmó en este "
                              "simulacro ni en los anteriores.",
        "drill_compare.this_none": "Nadie confirmó en este simulacro; mediana de los "
                                   "anteriores {earlier}.",
        "drill_compare.earlier_none": "Mediana de este simulacro {this}; nadie confirmó en "
                                      "los simulacros anteriores.",
        "drill_no_earlier": "No hay simulacros anteriores para comparar.",
        "drill_ended": "Terminó: {how}",
        "drill_running": "Sigue en curso.",
    },
}


def say(language: str, key: str, **values: object) -> str:
    """String ``key`` in ``language`` (en, es) with ``values`` filled in (see the module
    docstring for the fallbacks)."""
    table: Mapping[str, str] = TEXT.get(language, TEXT["en"])
    key = _plainly(language, key, values)
    template = table.get(key) or TEXT["en"].get(key)
    if template is None:
        return key
    return template.format(**values) if values else template


def _plainly(language: str, key: str, values: Mapping[str, object]) -> str:
    """The key that says a drill's degenerate numbers in words (new-user trial 2: "median
    never"): nobody paged, nobody acknowledged, no page went out, nothing to compare.
    ``values`` are as the drill report template passes them (times already ``seconds``)."""
    never = (TEXT.get(language) or TEXT["en"])["drill_never"]
    if key == "drill_acked" and values.get("paged") == 0:
        return "drill_acked.nobody_paged"
    if key in ("drill_acked", "drill_earlier_row") and values.get("acked") == 0:
        return f"{key}.none"
    if key == "drill_first_page" and values.get("time") == never:
        return "drill_first_page.none"
    if key == "drill_compare":
        this, earlier = values.get("this") == never, values.get("earlier") == never
        if this or earlier:
            return "drill_compare." + ("none" if this and earlier else
                                       "this_none" if this else "earlier_none")
    return key


def seconds(value: float | None, language: str) -> str:
    """A drill time: ``45 s``, ``1 min 20 s``; ``never`` (es ``nunca``) for None."""
    if value is None:
        return say(language, "drill_never")
    whole = max(0, round(value))
    if whole < 60:
        return f"{whole} s"
    return f"{whole // 60} min {whole % 60} s"
