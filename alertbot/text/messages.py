"""Every text a person reads, per language, kept short enough for one or two SMS segments.

No message built here carries a student name or an immigration fact: pages name the
incident number, the school, the reporter and how to respond. Free text from a reporter
lives on the authenticated console; the responder who acknowledged is told it exists and
given the console link, never the words (decision 0043).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

TEMPLATES: dict[str, dict[str, str]] = {
    "en": {
        "receipt": "#{n} opened: the district team is being paged now. {guidance}",
        "receipt_tail": " Text updates here (no student names).",
        "receipt_ask_school": " Which school? Reply with its code.",
        "school_set": "#{n}: school set to {school}.",
        "page": "ALERT #{n}: {title}. Reported {time} by {reporter}.{unverified} "
        "Reply ACK {n} to respond.",
        "unverified": " UNVERIFIED reporter.",
        "no_school": "school not named",
        "ack_ok": "You acknowledged #{n}; paging stopped and the reporter was told. "
        "Reply RESOLVE {n} when it is over.",
        "ack_ok_untold": "You acknowledged #{n}; paging stopped. Reply RESOLVE {n} when it "
        "is over.",
        "ack_notice_reporter": "#{n}: {name} is on it and is responding.",
        "ack_notice_team": "#{n} acknowledged by {name}. Paging stopped.",
        "ack_already": "#{n} was already acknowledged by {name}.",
        "console_page_acked": "#{n}: thank you, your page is answered and stopped. {name} "
        "leads the response; the details are in the console.",
        "resolve_already": "#{n} was already resolved by {name}.",
        "ack_which": "Several incidents are open: {numbers}. Reply ACK <number>.",
        "ack_none": "No open incident is paging you.",
        "not_acked": "Not acknowledged: paging goes on. Reply ACK {n} to take #{n}.",
        "not_acked_which": "Not acknowledged: paging goes on. Reply ACK <number> to take "
        "one of {numbers}.",
        "not_allowed": "You are not on the response team for #{n}.",
        "no_such": "There is no open incident #{n} that you can act on.",
        "resolve_ok": "#{n} resolved. Thank you.",
        "resolve_ok_drill": "#{n} resolved: the drill is over. The admins get its report.",
        "resolve_notice": "#{n} resolved by {name}.",
        "resolve_which": "Reply RESOLVE <number>. Open: {numbers}.",
        "status_none": "No open incidents.",
        "status_line": "#{n} {school}: {who}",
        "status_unacked": "NOT acknowledged",
        "status_acked": "ack {name}",
        "unknown_sender": "This number is not set up to report incidents. Call {fallback}.",
        "unknown_sender_nofallback": "This number is not set up to report incidents.",
        "intake_error": "alertbot could not record your text. Call {fallback} now.",
        "intake_error_nofallback": "alertbot could not record your text. Send it again, "
        "or call for help now.",
        "help": "Text {keywords} to report (e.g. {example}). Responders: ACK, ACK <n>, "
        "RESOLVE <n>, NOTE <n> <words>, BRIDGE <n>, STATUS, AWAY 3d, BACK.",
        "help_example": "{keyword} 2 agents at front desk",
        "update_added": "Added to #{n}.",
        "document_received": "Photo received for #{n}. Only district responders can see it, "
        "in the console.",
        "document_received_many": "{count} files received for #{n}. Only district responders "
        "can see them, in the console.",
        "document_which": "Which incident is this photo for? Send it again with the number "
        "first (e.g. 12). Open: {numbers}.",
        "document_none": "Photos go with an open incident, and you have none open. Report "
        "first, then send the photo.",
        "document_rejected_type": "#{n}: a file you sent was not kept: it is not a photo "
        "(JPEG, PNG, HEIC) or a PDF.",
        "document_rejected_size": "#{n}: a file you sent was not kept: it is larger than "
        "{mb} MB. Send a smaller photo.",
        "document_failed": "#{n}: a file you sent could not be received. Send it again.",
        "signin_code": "{code} is your alertbot sign-in code.",
        "note_ok": "Note added to #{n}.",
        "note_empty": "#{n}: put the note after the number: NOTE {n} <text>.",
        "note_how": "To add a note: NOTE <number> <text>.",
        "note_too_long": "#{n}: your note has {length} characters; the most is {max}. "
        "Nothing was added: shorten it and send it again.",
        "update_notice": "#{n}: {reporter} sent a new update. Read it in the console{where}",
        "exhausted": "#{n} {title}: NOBODY acknowledged after {rounds} round(s). "
        "Paging stopped. Call the team now.",
        "page_failed": "#{n}: could not page {name} by {channel} ({why}). Other channels tried.",
        "opted_out": "{name} texted {word} and gets no more texts from the district number "
        "until they text START.",
        "more": "+{count} more: see the console",
        "receipt_joined": "#{n} was already open: the district team is being paged now. "
        "Your report was added. {guidance}",
        "receipt_joined_acked": "#{n} was already open: {name} is responding. Your report "
        "was added. {guidance}",
        "school_notice": "#{n} update: {title}.",
        "unverified_flood_admin": "{count} reports without a school from numbers not in "
        "contacts within {minutes} min; further ones join {joined}. Check the console.",
        "merged": "#{n} is the same as #{target} at {school}: your report was added to "
        "#{target}; the district team is being paged for it.",
        "merged_acked": "#{n} is the same as #{target} at {school}: your report was added to "
        "#{target}. {name} is responding.",
        "merged_notice": "#{n} was the same as #{target} at {school}: paging for #{n} "
        "stopped; #{target} goes on.",
        "repeat_mark": " ({ordinal} page)",
        "still_paging": "#{n}: still paging. Just paged: {who}.",
        "still_paging_team": "#{n}: still paging the district team.",
        "ack_words": "#{n} reported by {reporter}. The report's words are in the console{where}",
        "ack_details_none": "#{n} was reported by {reporter} with no details yet. Updates will "
        "be in the console{where}",
        "in_console_url": ": {url}",
        "in_console": ".",
        "update_added_resolved": "Added to #{n}, which was already resolved. If you still "
        "need help, report again.",
        "sender_limited": "You opened {count} incidents in {minutes} minutes: this report was "
        "added to #{n}. For another emergency call {fallback}.",
        "sender_limited_nofallback": "You opened {count} incidents in {minutes} minutes: "
        "this report was added to #{n}. For another school, name it in your text.",
        "sender_many_admin": "{who} has opened {count} incidents within {minutes} min, each "
        "paging the team. Check on them.",
        "sender_limited_admin": "{who} opened {count} incidents within {minutes} min; their "
        "further reports join {joined}. Check on them.",
        "bridge_ok": "#{n}: calling {names} into one call now, from the district number.",
        "bridge_not_acked": "Nobody has acknowledged #{n} yet. Reply ACK {n} first.",
        "bridge_already": "#{n}: the call is being placed already.",
        "bridge_nobody": "#{n}: nobody to call has a phone number on file.",
        "bridge_which": "Reply BRIDGE <number>. Open: {numbers}.",
        "bridge_join": "#{n}: joining the team call.",
        "bridge_callback": "#{n}: alertbot is calling you into the team call now.",
        "confirm_call": "To confirm it is you, alertbot is calling you back now about #{n}: "
        "answer and press 1.",
        "confirm_impossible": "#{n}: alertbot cannot confirm it is you (no phone number on "
        "file). Text ACK {n} instead.",
        "away_ok": "You are away until {until}: you are not paged while others in your "
        "step can be (if nobody else can, you still are). Text BACK when you return.",
        "away_unreadable": "Could not read when you are back. Text AWAY, AWAY 3d, AWAY "
        "until tomorrow, AWAY until friday or AWAY until 12/24.",
        "away_ambiguous": "Nothing changed: alertbot needs the day you are back. Text "
        "AWAY until friday (back Friday from 00:00), or AWAY 3d for three days.",
        "away_too_long": "AWAY lasts at most {days} days. Text e.g. AWAY 7d, or AWAY again "
        "later.",
        "away_past": "That day has already passed. Text e.g. AWAY until friday or AWAY 3d.",
        "back_ok": "Welcome back: you are paged again as usual.",
        "back_not_away": "You were not away: you are paged as usual.",
        "away_not_paged": "AWAY and BACK are for people alertbot pages; you are on no "
        "paging step, so nothing changed. You can still report as usual.",
        "step_away_admin": "#{n}: everyone in step {step} is away ({names}); they were paged "
        "anyway. Check that someone responds.",
        "readiness_nobody": "alertbot weekly check: {steps} cannot reach anyone now. "
        "{attention} of {people} responders need attention. Details: {url}",
        "readiness_some": "alertbot weekly check: {attention} of {people} responders need "
        "attention; every step can reach someone. Details: {url}",
        "readiness_all": "alertbot weekly check: all {people} responders are reachable; every "
        "step can reach someone. Details: {url}",
        "console_paged": "#{n}: paged {names} now.",
        "console_messaged": "#{n}: your text to the reporter is on its way.",
        "console_no_target": "#{n}: no contact or role of that name.",
        "console_cannot_see": "#{n}: not paged: {names} cannot open this incident in the "
        "console. Page someone on its team.",
        "console_cannot_answer": "#{n}: not paged: {names} cannot answer a page for this "
        "incident (only its team and the admins can). Page someone on its team.",
        "console_no_phone": "#{n}: the reporter has no phone number to text.",
        "console_closed": "#{n} is resolved: nobody is paged for it.",
        "drill_summary": "{text}",  # composed by text/drill.py (issue 14)
        "pin_lockout": "alertbot: {count} wrong phone-tree PINs from {who} in {minutes} "
        "minutes. PINs from that number are refused for up to {minutes} minutes; the "
        "caller was told to call the fallback number. If it was not one of your people, "
        "someone may be guessing.",
    },
    "es": {
        "receipt": "#{n} abierto: se está avisando al equipo del distrito. {guidance}",
        "receipt_tail": " Envíe novedades aquí (sin nombres de estudiantes).",
        "receipt_ask_school": " ¿Cuál escuela? Responda con su código.",
        "school_set": "#{n}: escuela {school}.",
        "page": "ALERTA #{n}: {title}. Aviso {time} de {reporter}.{unverified} "
        "Responda ACK {n} para atender.",
        "unverified": " Informante NO VERIFICADO.",
        "no_school": "escuela sin indicar",
        "ack_ok": "Usted atiende #{n}; se detuvieron los avisos y se informó a quien reportó. "
        "Responda RESOLVE {n} al terminar.",
        "ack_ok_untold": "Usted atiende #{n}; se detuvieron los avisos. Responda RESOLVE {n} "
        "al terminar.",
        "ack_notice_reporter": "#{n}: {name} está atendiendo y va en camino.",
        "ack_notice_team": "#{n} atendido por {name}. Avisos detenidos.",
        "ack_already": "#{n} ya fue atendido por {name}.",
        "console_page_acked": "#{n}: gracias, su aviso quedó respondido y detenido. {name} "
        "dirige la respuesta; los detalles están en la consola.",
        "resolve_already": "#{n} ya fue cerrado por {name}.",
        "ack_which": "Hay varios incidentes abiertos: {numbers}. Responda ACK <número>.",
        "ack_none": "Ningún incidente abierto le está avisando.",
        "not_acked": "No atendido: seguimos avisando. Responda ACK {n} para atender #{n}.",
        "not_acked_which": "No atendido: seguimos avisando. Responda ACK <número> para "
        "atender uno de {numbers}.",
        "not_allowed": "Usted no está en el equipo de respuesta de #{n}.",
        "no_such": "No hay un incidente abierto #{n} que usted pueda atender.",
        "resolve_ok": "#{n} cerrado. Gracias.",
        "resolve_ok_drill": "#{n} cerrado: el simulacro terminó. Los administradores reciben "
        "su informe.",
        "resolve_notice": "#{n} cerrado por {name}.",
        "resolve_which": "Responda RESOLVE <número>. Abiertos: {numbers}.",
        "status_none": "No hay incidentes abiertos.",
        "status_line": "#{n} {school}: {who}",
        "status_unacked": "SIN atender",
        "status_acked": "atiende {name}",
        "unknown_sender": "Este número no está registrado para reportar. Llame al {fallback}.",
        "unknown_sender_nofallback": "Este número no está registrado para reportar.",
        "intake_error": "alertbot no pudo registrar su texto. Llame al {fallback} ya.",
        "intake_error_nofallback": "alertbot no pudo registrar su texto. Envíelo de nuevo "
        "o pida ayuda ya.",
        "help": "Envíe {keywords} para reportar (ej. {example}). Equipo: ACK, ACK <n>, "
        "RESOLVE <n>, NOTA <n> <texto>, BRIDGE <n>, ESTADO, AUSENTE 3d, DE VUELTA.",
        "help_example": "{keyword} 2 agentes en la entrada",
        "update_added": "Agregado a #{n}.",
        "document_received": "Foto recibida para #{n}. Solo el equipo del distrito puede "
        "verla, en la consola.",
        "document_received_many": "{count} archivos recibidos para #{n}. Solo el equipo del "
        "distrito puede verlos, en la consola.",
        "document_which": "¿Para qué incidente es esta foto? Envíela de nuevo con el número "
        "primero (ej. 12). Abiertos: {numbers}.",
        "document_none": "Las fotos van con un incidente abierto, y usted no tiene ninguno. "
        "Reporte primero y luego envíe la foto.",
        "document_rejected_type": "#{n}: un archivo que envió no se guardó: no es una foto "
        "(JPEG, PNG, HEIC) ni un PDF.",
        "document_rejected_size": "#{n}: un archivo que envió no se guardó: pasa de {mb} MB. "
        "Envíe una foto más pequeña.",
        "document_failed": "#{n}: no se pudo recibir un archivo que envió. Envíelo de nuevo.",
        "signin_code": "{code} es su código de alertbot sign-in.",
        "note_ok": "Nota agregada a #{n}.",
        "note_empty": "#{n}: escriba la nota después del número: NOTA {n} <texto>.",
        "note_how": "Para agregar una nota: NOTA <número> <texto>.",
        "note_too_long": "#{n}: su nota tiene {length} caracteres; el máximo es {max}. "
        "No se agregó nada: acórtela y envíela de nuevo.",
        "update_notice": "#{n}: {reporter} envió una novedad. Léala en la consola{where}",
        "exhausted": "#{n} {title}: NADIE atendió tras {rounds} ronda(s). "
        "Avisos detenidos. Llame al equipo ya.",
        "page_failed": "#{n}: no se pudo avisar a {name} por {channel} ({why}). "
        "Se usan otros canales.",
        "opted_out": "{name} envió {word} y no recibe más textos del número del distrito "
        "hasta que envíe START.",
        "more": "+{count} más: vea la consola",
        "receipt_joined": "#{n} ya estaba abierto: se está avisando al equipo del "
        "distrito. Se agregó su reporte. {guidance}",
        "receipt_joined_acked": "#{n} ya estaba abierto: {name} está atendiendo. Se agregó "
        "su reporte. {guidance}",
        "school_notice": "#{n} novedad: {title}.",
        "unverified_flood_admin": "{count} reportes sin escuela de números fuera de los "
        "contactos en {minutes} min; los siguientes se agregan a {joined}. Revise la consola.",
        "merged": "#{n} es el mismo que #{target} en {school}: su reporte se agregó a "
        "#{target}; se está avisando al equipo del distrito.",
        "merged_acked": "#{n} es el mismo que #{target} en {school}: su reporte se agregó a "
        "#{target}. {name} está atendiendo.",
        "merged_notice": "#{n} era el mismo que #{target} en {school}: se detuvieron los "
        "avisos de #{n}; #{target} sigue.",
        "repeat_mark": " (aviso {ordinal})",
        "still_paging": "#{n}: seguimos avisando. Acabamos de avisar a: {who}.",
        "still_paging_team": "#{n}: seguimos avisando al equipo del distrito.",
        "ack_words": "#{n} reportado por {reporter}. Las palabras del reporte están en la "
        "consola{where}",
        "ack_details_none": "#{n} fue reportado por {reporter} aún sin detalles. Las novedades "
        "estarán en la consola{where}",
        "in_console_url": ": {url}",
        "in_console": ".",
        "update_added_resolved": "Agregado a #{n}, que ya estaba cerrado. Si aún necesita "
        "ayuda, reporte de nuevo.",
        "sender_limited": "Usted abrió {count} incidentes en {minutes} minutos: este reporte "
        "se agregó a #{n}. Para otra emergencia llame al {fallback}.",
        "sender_limited_nofallback": "Usted abrió {count} incidentes en {minutes} minutos: "
        "este reporte se agregó a #{n}. Para otra escuela, nómbrela en su texto.",
        "sender_many_admin": "{who} ha abierto {count} incidentes en {minutes} min, cada uno "
        "avisando al equipo. Verifique.",
        "sender_limited_admin": "{who} abrió {count} incidentes en {minutes} min; sus "
        "reportes siguientes se agregan a {joined}. Verifique.",
        "bridge_ok": "#{n}: llamando a {names} a una sola llamada, desde el número del "
        "distrito.",
        "bridge_not_acked": "Nadie ha atendido #{n} todavía. Responda ACK {n} primero.",
        "bridge_already": "#{n}: la llamada ya se está haciendo.",
        "bridge_nobody": "#{n}: nadie a quien llamar tiene teléfono registrado.",
        "bridge_which": "Responda BRIDGE <número>. Abiertos: {numbers}.",
        "bridge_join": "#{n}: le unimos a la llamada del equipo.",
        "bridge_callback": "#{n}: alertbot le llama ahora a la llamada del equipo.",
        "confirm_call": "Para confirmar que es usted, alertbot le devuelve la llamada ahora "
        "sobre #{n}: conteste y oprima 1.",
        "confirm_impossible": "#{n}: alertbot no puede confirmar que es usted (no hay "
        "teléfono registrado). Envíe ACK {n} por texto.",
        "away_ok": "Usted está ausente hasta {until}: no recibe avisos mientras otros de su "
        "paso puedan recibirlos (si nadie más puede, sí los recibe). Envíe DE VUELTA al "
        "volver.",
        "away_unreadable": "No se entendió cuándo vuelve. Envíe AUSENTE, AUSENTE 3d, AUSENTE "
        "hasta mañana, AUSENTE hasta el viernes o AUSENTE hasta el 24/12.",
        "away_ambiguous": "No cambió nada: alertbot necesita el día en que vuelve. Envíe "
        "AUSENTE hasta el viernes (de vuelta el viernes desde las 00:00), o AUSENTE 3d "
        "por tres días.",
        "away_too_long": "AUSENTE dura como máximo {days} días. Envíe p. ej. AUSENTE 7d, o "
        "AUSENTE de nuevo más tarde.",
        "away_past": "Ese día ya pasó. Envíe p. ej. AUSENTE hasta el viernes o AUSENTE 3d.",
        "back_ok": "Bienvenido de vuelta: recibe avisos de nuevo.",
        "back_not_away": "Usted no estaba ausente: recibe avisos como siempre.",
        "away_not_paged": "AUSENTE y DE VUELTA son para quienes alertbot avisa; usted no "
        "está en ningún paso de avisos, así que nada cambió. Puede reportar como siempre.",
        "step_away_admin": "#{n}: todos en el paso {step} están ausentes ({names}); se les "
        "avisó igual. Verifique que alguien responda.",
        "readiness_nobody": "Revisión semanal de alertbot: {steps} no puede avisar a nadie "
        "ahora. {attention} de {people} personas requieren atención. Detalles: {url}",
        "readiness_some": "Revisión semanal de alertbot: {attention} de {people} personas "
        "requieren atención; cada paso puede avisar a alguien. Detalles: {url}",
        "readiness_all": "Revisión semanal de alertbot: las {people} personas están "
        "localizables; cada paso puede avisar a alguien. Detalles: {url}",
        "console_paged": "#{n}: se avisó ahora a {names}.",
        "console_messaged": "#{n}: su texto a quien reportó va en camino.",
        "console_no_target": "#{n}: no hay contacto ni función con ese nombre.",
        "console_cannot_see": "#{n}: sin aviso: {names} no puede abrir este incidente en la "
        "consola. Avise a alguien de su equipo.",
        "console_cannot_answer": "#{n}: sin aviso: {names} no puede responder a un aviso de "
        "este incidente (solo su equipo y los administradores). Avise a alguien de su "
        "equipo.",
        "console_no_phone": "#{n}: quien reportó no tiene número para textos.",
        "console_closed": "#{n} está cerrado: no se avisa a nadie.",
        "drill_summary": "{text}",  # composed by text/drill.py (issue 14)
        "pin_lockout": "alertbot: {count} PIN equivocados en el teléfono desde {who} en "
        "{minutes} minutos. Se rechazan los PIN de ese número hasta {minutes} minutos; se "
        "le dijo que llame al número de ayuda. Si no es alguien de su equipo, alguien "
        "puede estar adivinando.",
    },
}


def render(key: str, language: str, **values: Any) -> str:
    table = TEMPLATES.get(language) or TEMPLATES["en"]
    template = table.get(key) or TEMPLATES["en"][key]
    return template.format(**values)


# --- SMS encoding -----------------------------------------------------------------

_GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM7_EXTENDED = "^{}\\[~]|€\f"
GSM7 = frozenset(_GSM7_BASIC)
GSM7_EXT = frozenset(_GSM7_EXTENDED)


def is_gsm7(text: str) -> bool:
    return all(ch in GSM7 or ch in GSM7_EXT for ch in text)


def segments(text: str) -> tuple[str, int]:
    """(encoding, number of SMS segments) for ``text``."""
    if is_gsm7(text):
        units = sum(2 if ch in GSM7_EXT else 1 for ch in text)
        return "GSM-7", 1 if units <= 160 else -(-units // 153)
    units = sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)
    return "UCS-2", 1 if units <= 70 else -(-units // 67)


_REPLACEMENTS = {"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "…": "..."}


def to_gsm7(text: str) -> str:
    """Fold characters outside GSM-7 to their closest GSM-7 form where one exists.

    ``á`` becomes ``a`` (``é`` and ``ñ`` are GSM-7 and stay): one accent would
    otherwise switch a whole page to UCS-2 and more than double its segments.
    Characters with no GSM-7 form are kept; the text then goes out as UCS-2.
    """
    out: list[str] = []
    for ch in text:
        if ch in GSM7 or ch in GSM7_EXT:
            out.append(ch)
            continue
        if ch in _REPLACEMENTS:
            out.append(_REPLACEMENTS[ch])
            continue
        base = "".join(
            c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)
        )
        out.append(base if base and all(c in GSM7 for c in base) else ch)
    return "".join(out)


# Format characters (Unicode category Cf) that clean_text keeps: the zero-width
# non-joiner and joiner. Emoji sequences (Unicode TS #51, e.g. police officer + ZWJ +
# male sign) and Persian or Indic words need them; variation selectors (U+FE0F) are
# category Mn and kept anyway. Every other control or format character goes, above all
# the bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069),
# which can make a text read differently from what it says (CVE-2021-42574).
_KEPT_FORMAT = frozenset("\u200c\u200d")
ELLIPSIS_CHAR = "\u2026"  # "…"; folded to "..." by to_gsm7 for SMS


def _kept(ch: str) -> bool:
    category = unicodedata.category(ch)
    if category == "Cf":
        return ch in _KEPT_FORMAT
    # Cn (unassigned in this Python's Unicode tables) stays: emoji newer than them.
    return category == "Cn" or category[0] != "C"


def cut_at_word(text: str, limit: int, mark: str = ELLIPSIS_CHAR) -> str:
    """``text`` if it has at most ``limit`` characters, else its start cut at the last
    blank (a word boundary) and ended with ``mark``, ``limit`` characters at most in all.

    A single word longer than the limit is cut inside it; a cut never leaves a dangling
    joiner or variation selector. ``limit`` below ``len(mark)`` gives ``mark[:limit]``.
    """
    if len(text) <= limit:
        return text
    room = max(0, limit - len(mark))
    cut = text[:room]
    if not text[room:room + 1].isspace() and any(ch.isspace() for ch in cut):
        cut = cut[:max(i for i, ch in enumerate(cut) if ch.isspace())]
    cut = cut.rstrip().rstrip("\u200c\u200d\ufe0e\ufe0f").rstrip()
    return (cut + mark)[:limit] if cut else mark[:limit]


# Characters of a reporter's words kept (the report, later texts): every text message fits
# whole (Twilio delivers at most 1,600 characters), and so does a Slack command's text or
# a phone transcript of any plausible length; only beyond this is the end cut, marked "…".
WORDS_MAX = 4000


def clean_text(text: str, limit: int = 600) -> str:
    """User text made safe to store and forward: blanks collapsed to single spaces, no
    control or format characters but the joiners (see ``_KEPT_FORMAT``; a dropped one
    becomes a blank), no lone surrogates, at most ``limit`` characters (cut at a word
    and marked "…", ``cut_at_word``)."""
    kept = "".join(ch if ch in "\n\t" or _kept(ch) else " " for ch in text)
    kept = " ".join(kept.split())
    return cut_at_word(kept, limit)


# --- fitting a text to SMS ----------------------------------------------------------

SMS_MAX_CHARS = 1600  # Twilio refuses a Body / <Message> over 1,600 characters (error 21617)
SMS_MAX_SEGMENTS = 10  # Twilio: bodies of more segments are not reliably delivered
ELLIPSIS = "..."  # GSM-7, unlike "…"


def sms_length(text: str) -> int:
    """Characters as Twilio counts them against ``SMS_MAX_CHARS``: UTF-16 code units
    (an emoji counts two; error 21617 says characters outside GSM-7 may count more)."""
    return sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


def sms_fits(text: str, max_segments: int = SMS_MAX_SEGMENTS) -> bool:
    """True if ``text`` goes out as one Twilio message of at most ``max_segments``."""
    return sms_length(text) <= SMS_MAX_CHARS and segments(text)[1] <= max_segments


def _longest(count: int, fits: Callable[[int], bool]) -> int:
    """The largest k in 0..count with fits(k) (fits is monotone: true up to some k)."""
    low, high = 0, count
    while low < high:
        mid = (low + high + 1) // 2
        if fits(mid):
            low = mid
        else:
            high = mid - 1
    return low


def fit_sms(text: str, max_segments: int = SMS_MAX_SEGMENTS) -> str:
    """``text`` folded to GSM-7 (``to_gsm7``) and, if it is still too long for one SMS
    message (``SMS_MAX_CHARS``, ``max_segments``), cut at a word and ended with "...".

    Pure; the result always satisfies ``sms_fits``.
    """
    text = to_gsm7(text)
    if sms_fits(text, max_segments):
        return text
    keep = _longest(len(text), lambda k: sms_fits(text[:k] + ELLIPSIS, max_segments))
    cut = text[:keep]
    at_word = cut.rstrip().rsplit(None, 1)[0] if " " in cut[-40:] or "\n" in cut[-40:] else cut
    return (at_word if at_word else cut).rstrip() + ELLIPSIS


def fit_sms_lines(lines: Sequence[str], language: str, head: str = "",
                  max_segments: int = SMS_MAX_SEGMENTS) -> str:
    """One SMS of ``head`` and as many of ``lines`` (in order) as fit, then
    "+N more: see the console" for the rest (template ``more``). Folded to GSM-7."""
    lines = [to_gsm7(line) for line in lines]
    head = to_gsm7(head)

    def text(k: int) -> str:
        rest = len(lines) - k
        tail = [to_gsm7(render("more", language, count=rest))] if rest else []
        return "\n".join([*([head] if head else []), *lines[:k], *tail])

    if sms_fits(text(len(lines)), max_segments):
        return text(len(lines))
    keep = _longest(len(lines), lambda k: sms_fits(text(k), max_segments))
    return fit_sms(text(keep), max_segments)


def fit_sms_items(key: str, language: str, field: str, items: Sequence[str],
                  sep: str = ", ", max_segments: int = SMS_MAX_SEGMENTS,
                  **values: Any) -> str:
    """The value for template ``key``'s ``field`` listing as many ``items`` as let the
    rendered text fit one SMS, then "+N more: see the console" (template ``more``).

    E.g. ``fit_sms_items("ack_which", "en", "numbers", ["#1", …, "#331"])`` gives
    "#1, #2, …, #240 +91 more: see the console".
    """
    def value(k: int) -> str:
        listed = sep.join(items[:k])
        rest = len(items) - k
        if not rest:
            return listed
        more = render("more", language, count=rest)
        return f"{listed} {more}" if listed else more

    def fits(k: int) -> bool:
        return sms_fits(to_gsm7(render(key, language, **{field: value(k)}, **values)),
                        max_segments)

    if fits(len(items)):
        return value(len(items))
    return value(_longest(len(items), fits))
