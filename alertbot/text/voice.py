"""A reply said on a call: its message in words for the ear, per language.

Not the SMS text made speakable: each reply key has its own spoken template here
(``REPLIES``), so Spanish keeps its accents, an incident is "number 12" (never "#12"),
a phone number is read digit by digit, and nothing reads out SMS syntax ("Reply ACK
<number>"); a keyword appears only as a word to text ("text ACK 12"). Lists of
incidents say a few numbers, then how many more (``VOICE_LIST_MAX``).

``render_voice`` returns the parts to say, each with the language to say it in: a
receipt's guidance that exists only in English is said in English. Pure.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from alertbot.text.drill import SPOKEN_MARK
from alertbot.text.messages import clean_text
from alertbot.text.reply import RECEIPTS, WHICH, Reply, ReplyKey
from alertbot.text.voice_text import language_of, spoken_fallback
from alertbot.text.written import ids_of, keywords_of, localized

VOICE_LIST_MAX = 5  # incident numbers read out before "and N more" (a listener's memory)

REPLIES: dict[str, dict[str, str]] = {
    "en": {
        "receipt": "Incident number {n} is open. The district team is being paged now.",
        "receipt_joined": "Incident number {n} was already open, and the district team is "
        "being paged now. Your report was added to it.",
        "receipt_joined_acked": "Incident number {n} was already open, and {name} is "
        "responding. Your report was added to it.",
        "receipt_ask_school": "I could not recognize the school code, so the incident was "
        "opened without a school. Please text the school code to this number, or call "
        "{fallback}.",
        "merged": "Incident number {n} is the same as incident number {target} at {school}. "
        "Your report was added to number {target}, and the district team is being paged.",
        "merged_acked": "Incident number {n} is the same as incident number {target} at "
        "{school}. Your report was added to number {target}, and {name} is responding.",
        "sender_limited": "You opened {count} incidents in {minutes} minutes, so this report "
        "was added to incident number {n}. For another emergency, call {fallback}.",
        "sender_limited_nofallback": "You opened {count} incidents in {minutes} minutes, so "
        "this report was added to incident number {n}. For another school, say its name "
        "when you report.",
        "school_set": "Incident number {n} is now at {school}.",
        "update_added": "Thank you. Your message was added to incident number {n}.",
        "document_received": "The photo was received for incident number {n}. Only district "
        "responders can see it, in the console.",
        "document_received_many": "{count} files were received for incident number {n}. Only "
        "district responders can see them, in the console.",
        "document_which": "Several incidents are open: {numbers}. Send the photo again with "
        "the incident number first.",
        "document_none": "Photos go with an open incident, and you have none open. Please "
        "report first, then send the photo.",
        "note_ok": "Your note was added to incident number {n}.",
        "note_empty": "Your note for incident number {n} had no words. Text NOTE, the "
        "number, then the note.",
        "note_how": "To add a note, text NOTE, the incident number, then the note.",
        "note_too_long": "Your note for incident number {n} was too long: {length} "
        "characters, and the most is {max}. Nothing was added.",
        "update_added_resolved": "This was added to incident number {n}, which was already "
        "resolved. If you still need help, report again.",
        "not_acked": "That did not acknowledge it, and the paging goes on. To take incident "
        "number {n}, text ACK {n}.",
        "not_acked_which": "That did not acknowledge anything, and the paging goes on. "
        "Open incidents: {numbers}.",
        "help": "To report an incident, text {keywords} and what is happening to this "
        "number.",
        "or": "or",
        "no_such": "There is no open incident number {n} that you can act on.",
        "not_allowed": "You are not on the response team for incident number {n}.",
        "console_paged": "Incident number {n}: {names} paged now.",
        "console_messaged": "Incident number {n}: your text to the reporter is on its way.",
        "console_no_target": "Incident number {n}: there is no contact or role of that name.",
        "console_cannot_see": "Incident number {n}: not paged. {names} cannot open this "
        "incident in the console.",
        "console_cannot_answer": "Incident number {n}: not paged. {names} cannot answer a "
        "page for this incident.",
        "console_no_phone": "Incident number {n}: the reporter has no phone number to text.",
        "console_closed": "Incident number {n} is resolved: nobody is paged for it.",
        "unknown_sender": "This number is not set up to report incidents. "
        "Please call {fallback}.",
        "unknown_sender_nofallback": "This number is not set up to report incidents.",
        "ack_ok": "You acknowledged number {n}. Paging stopped, and the reporter was told. "
        "Text RESOLVE {n} when it is over.",
        "ack_ok_untold": "You acknowledged number {n}. Paging stopped. Text RESOLVE {n} when "
        "it is over.",
        "ack_already": "Incident number {n} was already acknowledged by {name}.",
        "console_page_acked": "Thank you. Your page for incident number {n} is answered "
        "and stopped. {name} leads the response.",
        "ack_none": "No open incident is paging you.",
        "away_ok": "You are away until {until}. You are not paged while others in your "
        "step can be. Text BACK when you return.",
        "away_unreadable": "I could not understand when you are back. Text AWAY 3d, AWAY "
        "until tomorrow, or AWAY until friday.",
        "away_ambiguous": "Nothing changed. Text the day you are back: AWAY until friday, "
        "or AWAY 3d for three days.",
        "away_too_long": "Away can last at most {days} days.",
        "away_past": "That day has already passed.",
        "back_ok": "Welcome back. You are paged again as usual.",
        "back_not_away": "You were not away. You are paged as usual.",
        "away_not_paged": "Away and back are for people alertbot pages. You are on no "
        "paging step, so nothing changed.",
        "ack_which": "Several incidents are open: {numbers}.",
        "resolve_ok": "Incident number {n} is resolved. Thank you.",
        "resolve_ok_drill": "Incident number {n} is resolved: the drill is over. The admins "
        "get its report.",
        "resolve_already": "Incident number {n} was already resolved by {name}.",
        "resolve_which": "Several incidents are open: {numbers}.",
        "status": "Open incidents. {lines}",
        "status_line": "Number {n}, {school}: {who}.",
        "status_more": "And {count} more in the console.",
        "status_acked": "{name} is responding",
        "status_unacked": "not acknowledged",
        "no_school": "school not named",
        "status_none": "No incidents are open.",
        "more_items": "{items}, and {count} more",
        "confirm_call": "To make sure it is you, alertbot is calling you back now at your "
        "own number. Hang up, answer that call, and press 1 to confirm incident number {n}.",
        "confirm_impossible": "alertbot cannot confirm it is you for incident number {n}: "
        "there is no phone number on file. Text ACK {n} instead.",
        "bridge_ok": "Calling {names} into one call about incident number {n} now, from "
        "the district number.",
        "bridge_not_acked": "Nobody has acknowledged incident number {n} yet. Acknowledge "
        "it first.",
        "bridge_already": "The call for incident number {n} is being placed already.",
        "bridge_nobody": "Nobody to call for incident number {n} has a phone number on file.",
        "bridge_which": "Several incidents are open: {numbers}.",
        "bridge_join": "Joining the team call for incident number {n}.",
        "bridge_callback": "To make sure it is you, alertbot is calling you back now at your "
        "own number, into the team call for incident number {n}. Hang up and answer it.",
        "intake_error": "Sorry, the alert system could not take your report. "
        "Call {fallback} now.",
        "intake_error_nofallback": "Sorry, the alert system could not take your report. "
        "Please try again, or call for help now.",
    },
    "es": {
        "receipt": "El incidente número {n} está abierto. Se está avisando ahora al equipo "
        "del distrito.",
        "receipt_joined": "El incidente número {n} ya estaba abierto, y se está avisando al "
        "equipo del distrito. Su reporte se agregó a ese incidente.",
        "receipt_joined_acked": "El incidente número {n} ya estaba abierto, y {name} lo "
        "está atendiendo. Su reporte se agregó a ese incidente.",
        "receipt_ask_school": "No reconocí el código de escuela, así que el incidente se "
        "abrió sin escuela. Envíe el código de la escuela por texto a este número, "
        "o llame {fallback}.",
        "merged": "El incidente número {n} es el mismo que el número {target} en {school}. "
        "Su reporte se agregó al número {target}, y se está avisando al equipo.",
        "merged_acked": "El incidente número {n} es el mismo que el número {target} en "
        "{school}. Su reporte se agregó al número {target}, y {name} lo está atendiendo.",
        "sender_limited": "Usted abrió {count} incidentes en {minutes} minutos, así que este "
        "reporte se agregó al incidente número {n}. Para otra emergencia, llame "
        "{fallback}.",
        "sender_limited_nofallback": "Usted abrió {count} incidentes en {minutes} minutos, "
        "así que este reporte se agregó al incidente número {n}. Para otra escuela, diga su "
        "nombre al reportar.",
        "school_set": "El incidente número {n} ahora está asignado a {school}.",
        "update_added": "Gracias. Su mensaje se agregó al incidente número {n}.",
        "document_received": "Se recibió la foto para el incidente número {n}. Solo el equipo "
        "del distrito puede verla, en la consola.",
        "document_received_many": "Se recibieron {count} archivos para el incidente número "
        "{n}. Solo el equipo del distrito puede verlos, en la consola.",
        "document_which": "Hay varios incidentes abiertos: {numbers}. Envíe la foto de nuevo "
        "con el número del incidente primero.",
        "document_none": "Las fotos van con un incidente abierto, y usted no tiene ninguno. "
        "Por favor reporte primero y luego envíe la foto.",
        "note_ok": "Su nota se agregó al incidente número {n}.",
        "note_empty": "Su nota para el incidente número {n} no tenía texto. Envíe NOTA, el "
        "número y la nota.",
        "note_how": "Para agregar una nota, envíe NOTA, el número del incidente y la nota.",
        "note_too_long": "Su nota para el incidente número {n} era demasiado larga: "
        "{length} caracteres, y el máximo es {max}. No se agregó nada.",
        "update_added_resolved": "Esto se agregó al incidente número {n}, que ya estaba "
        "cerrado. Si aún necesita ayuda, reporte de nuevo.",
        "not_acked": "Eso no lo atiende, y seguimos avisando. Para atender el incidente "
        "número {n}, envíe ACK {n} por texto.",
        "not_acked_which": "Eso no atiende ningún incidente, y seguimos avisando. "
        "Incidentes abiertos: {numbers}.",
        "help": "Para reportar un incidente, envíe por texto {keywords} y lo que está "
        "pasando a este número.",
        "or": "o",
        "no_such": "No hay un incidente abierto número {n} que usted pueda atender.",
        "not_allowed": "Usted no está en el equipo de respuesta del incidente número {n}.",
        "console_paged": "Incidente número {n}: se avisó ahora a {names}.",
        "console_messaged": "Incidente número {n}: su texto a quien reportó va en camino.",
        "console_no_target": "Incidente número {n}: no hay contacto ni función con ese "
        "nombre.",
        "console_cannot_see": "Incidente número {n}: sin aviso. {names} no puede abrir "
        "este incidente en la consola.",
        "console_cannot_answer": "Incidente número {n}: sin aviso. {names} no puede "
        "responder a un aviso de este incidente.",
        "console_no_phone": "Incidente número {n}: quien reportó no tiene número para textos.",
        "console_closed": "El incidente número {n} está cerrado: no se avisa a nadie.",
        "unknown_sender": "Este número no está registrado para reportar incidentes. "
        "Por favor llame {fallback}.",
        "unknown_sender_nofallback": "Este número no está registrado para reportar "
        "incidentes.",
        "ack_ok": "Usted atiende el incidente número {n}. Se detuvieron los avisos y se "
        "informó a quien reportó. Envíe RESOLVE {n} por texto al terminar.",
        "ack_ok_untold": "Usted atiende el incidente número {n}. Se detuvieron los avisos. "
        "Envíe RESOLVE {n} por texto al terminar.",
        "ack_already": "El incidente número {n} ya fue atendido por {name}.",
        "console_page_acked": "Gracias. Su aviso del incidente número {n} quedó respondido "
        "y detenido. {name} dirige la respuesta.",
        "ack_none": "Ningún incidente abierto le está avisando.",
        "away_ok": "Usted está ausente hasta {until}. No recibe avisos mientras otros de "
        "su paso puedan recibirlos. Envíe DE VUELTA por texto al volver.",
        "away_unreadable": "No entendí cuándo vuelve. Envíe AUSENTE 3d, AUSENTE hasta "
        "mañana, o AUSENTE hasta el viernes.",
        "away_ambiguous": "No cambió nada. Envíe el día en que vuelve: AUSENTE hasta el "
        "viernes, o AUSENTE 3d por tres días.",
        "away_too_long": "La ausencia dura como máximo {days} días.",
        "away_past": "Ese día ya pasó.",
        "back_ok": "Bienvenido de vuelta. Recibe avisos de nuevo.",
        "back_not_away": "Usted no estaba ausente. Recibe avisos como siempre.",
        "away_not_paged": "Ausente y de vuelta son para quienes alertbot avisa. Usted no "
        "está en ningún paso de avisos, así que nada cambió.",
        "ack_which": "Hay varios incidentes abiertos: {numbers}.",
        "resolve_ok": "El incidente número {n} está cerrado. Gracias.",
        "resolve_ok_drill": "El incidente número {n} está cerrado: el simulacro terminó. Los "
        "administradores reciben su informe.",
        "resolve_already": "El incidente número {n} ya fue cerrado por {name}.",
        "resolve_which": "Hay varios incidentes abiertos: {numbers}.",
        "status": "Incidentes abiertos. {lines}",
        "status_line": "Número {n}, {school}: {who}.",
        "status_more": "Y {count} más en la consola.",
        "status_acked": "lo atiende {name}",
        "status_unacked": "sin atender",
        "no_school": "escuela sin indicar",
        "status_none": "No hay incidentes abiertos.",
        "more_items": "{items}, y {count} más",
        "confirm_call": "Para confirmar que es usted, alertbot le devuelve la llamada ahora "
        "a su propio número. Cuelgue, conteste esa llamada y oprima 1 para confirmar el "
        "incidente número {n}.",
        "confirm_impossible": "alertbot no puede confirmar que es usted para el incidente "
        "número {n}: no hay un teléfono registrado. Envíe ACK {n} por texto.",
        "bridge_ok": "Llamando a {names} a una sola llamada sobre el incidente número {n}, "
        "desde el número del distrito.",
        "bridge_not_acked": "Nadie ha atendido todavía el incidente número {n}. Atiéndalo "
        "primero.",
        "bridge_already": "La llamada del incidente número {n} ya se está haciendo.",
        "bridge_nobody": "Nadie a quien llamar por el incidente número {n} tiene un teléfono "
        "registrado.",
        "bridge_which": "Hay varios incidentes abiertos: {numbers}.",
        "bridge_join": "Le comunico a la llamada del equipo del incidente número {n}.",
        "bridge_callback": "Para confirmar que es usted, alertbot le devuelve la llamada ahora "
        "a su propio número, para unirle a la llamada del equipo del incidente número {n}. "
        "Cuelgue y conteste.",
        "intake_error": "Lo siento, el sistema de alertas no pudo recibir su reporte. "
        "Llame ya {fallback}.",
        "intake_error_nofallback": "Lo siento, el sistema de alertas no pudo recibir su "
        "reporte. Intente de nuevo, o pida ayuda ya.",
    },
}

NUMBER_WORD = {"en": "number", "es": "número"}


@dataclass(frozen=True)
class Said:
    """One ``<Say>``: the words and the language (voice) to say them in."""

    text: str
    language: str


def spoken(key: str, language: str, **values: Any) -> str:
    """Spoken template ``key`` in ``language`` (English when it has no such key)."""
    table = REPLIES[language_of(language)]
    return (table.get(key) or REPLIES["en"][key]).format(**values)


def _user(text: object) -> str:
    """A name or school, fit to say: one line, no markup a speech engine would read."""
    cleaned = clean_text(str(text or ""), limit=200)
    return " ".join(cleaned.replace("<", " ").replace(">", " ").replace("#", " ").split())


def _listed(items: Sequence[str], language: str) -> str:
    """A few items, then "and N more"."""
    shown = ", ".join(items[:VOICE_LIST_MAX])
    if len(items) <= VOICE_LIST_MAX:
        return shown
    return spoken("more_items", language, items=shown, count=len(items) - VOICE_LIST_MAX)


def _numbers(ids: Sequence[int], language: str) -> str:
    word = NUMBER_WORD[language_of(language)]
    return _listed([f"{word} {i}" for i in ids], language)


def _status(incidents: Sequence[Mapping[str, Any]], language: str) -> str:
    lines = []
    for item in incidents:
        acked = item.get("acked_by")
        who = (spoken("status_acked", language, name=_user(acked)) if acked
               else spoken("status_unacked", language))
        school = _user(item.get("school")) or spoken("no_school", language)
        mark = SPOKEN_MARK[language_of(language)] if item.get("drill") else ""
        lines.append(mark + spoken("status_line", language, n=int(item["n"]), school=school,
                                   who=who))
    rest = len(lines) - VOICE_LIST_MAX
    more = [spoken("status_more", language, count=rest)] if rest > 0 else []
    return spoken("status", language, lines=" ".join(lines[:VOICE_LIST_MAX] + more))


def render_voice(reply: Reply, language: str | None = None) -> list[Said]:
    """What to say for ``reply`` on a call in ``language`` (default: the reply's);
    [] when there is nothing to say. About a drill, the first words say DRILL."""
    said = _render_voice(reply, language)
    if said and reply.drill and "DRILL" not in said[0].text:
        first = said[0]
        said[0] = Said((SPOKEN_MARK.get(first.language) or SPOKEN_MARK["en"]) + first.text,
                       first.language)
    return said


def _render_voice(reply: Reply, language: str | None = None) -> list[Said]:
    lang = language_of(language or reply.language)
    key, values = reply.key, dict(reply.values)
    if key is ReplyKey.NONE:
        return []
    if key is ReplyKey.VERBATIM:
        return [Said(_user(values["text"]), lang)]
    for name in ("name", "school"):
        if name in values:
            values[name] = _user(values[name])
    if "names" in values:  # people's names, a list
        values["names"] = _listed([_user(v) for v in values["names"] or []], lang)
    if "fallback" in values:
        values["fallback"] = spoken_fallback(str(values["fallback"] or ""), lang)
    if key in WHICH:
        values["numbers"] = _numbers(ids_of(values), lang)
    elif key is ReplyKey.STATUS:
        return [Said(_status(values["incidents"], lang), lang)]
    elif key is ReplyKey.HELP:
        keywords = keywords_of(values) or ["ICE"]
        values["keywords"] = f" {spoken('or', lang)} ".join(_user(k) for k in keywords)
    said = spoken(key, lang, **values)
    if key not in RECEIPTS:
        return [Said(said, lang)]
    if values.get("school") in (None, ""):
        said += " " + spoken("receipt_ask_school", lang, fallback=values["fallback"])
    guidance, guidance_lang = localized(reply.values["guidance"], lang)
    return [Said(said, lang)] + ([Said(_user(guidance), guidance_lang)] if guidance else [])


def voice_text(reply: Reply, language: str | None = None) -> str:
    """All of ``render_voice`` as one string (logs, tests)."""
    return " ".join(part.text for part in render_voice(reply, language))
