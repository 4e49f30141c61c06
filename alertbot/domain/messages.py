"""Every text a person reads, per language, kept short enough for one or two SMS segments.

No message built here carries a student name or an immigration fact: pages name the
incident number, the school, the reporter and how to respond. Free text from a reporter
is only forwarded to the responder who acknowledged (CONTRACT.md) and lives on the
authenticated dashboard.
"""

from __future__ import annotations

import unicodedata
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
        "ack_notice_reporter": "#{n}: {name} is on it and is responding.",
        "ack_notice_team": "#{n} acknowledged by {name}. Paging stopped.",
        "ack_already": "#{n} was already acknowledged by {name}.",
        "resolve_already": "#{n} was already resolved by {name}.",
        "ack_which": "Several incidents are open: {numbers}. Reply ACK <number>.",
        "ack_none": "No open incident is paging you.",
        "not_allowed": "You are not on the response team for #{n}.",
        "no_such": "There is no open incident #{n}.",
        "resolve_ok": "#{n} resolved. Thank you.",
        "resolve_notice": "#{n} resolved by {name}.",
        "resolve_which": "Reply RESOLVE <number>. Open: {numbers}.",
        "status_none": "No open incidents.",
        "status_line": "#{n} {school}: {who}",
        "status_unacked": "NOT acknowledged",
        "status_acked": "ack {name}",
        "unknown_sender": "This number is not set up to report incidents. Call {fallback}.",
        "unknown_sender_nofallback": "This number is not set up to report incidents.",
        "intake_error": "alertbot could not record your text. Call {fallback} now.",
        "help": "Text {keywords} to report (e.g. {example}). Responders: ACK, ACK <n>, "
        "RESOLVE <n>, STATUS.",
        "update_added": "Added to #{n}.",
        "update_forward": "#{n} update from {reporter}: {text}",
        "exhausted": "#{n} {title}: NOBODY acknowledged after {rounds} round(s). "
        "Paging stopped. Call the team now.",
        "page_failed": "#{n}: could not page {name} by {channel} ({why}). Other channels tried.",
        "opted_out": "{name} texted {word} and gets no more texts from the district number "
        "until they text START.",
    },
    "es": {
        "receipt": "#{n} abierto: se esta avisando al equipo del distrito. {guidance}",
        "receipt_tail": " Envie novedades aqui (sin nombres de estudiantes).",
        "receipt_ask_school": " Cual escuela? Responda con su codigo.",
        "school_set": "#{n}: escuela {school}.",
        "page": "ALERTA #{n}: {title}. Aviso {time} de {reporter}.{unverified} "
        "Responda ACK {n} para atender.",
        "unverified": " Informante NO VERIFICADO.",
        "no_school": "escuela sin indicar",
        "ack_ok": "Usted atiende #{n}; se detuvieron los avisos y se informo a quien reporto. "
        "Responda RESOLVE {n} al terminar.",
        "ack_notice_reporter": "#{n}: {name} esta atendiendo y va en camino.",
        "ack_notice_team": "#{n} atendido por {name}. Avisos detenidos.",
        "ack_already": "#{n} ya fue atendido por {name}.",
        "resolve_already": "#{n} ya fue cerrado por {name}.",
        "ack_which": "Hay varios incidentes abiertos: {numbers}. Responda ACK <numero>.",
        "ack_none": "Ningun incidente abierto le esta avisando.",
        "not_allowed": "Usted no esta en el equipo de respuesta de #{n}.",
        "no_such": "No hay incidente abierto #{n}.",
        "resolve_ok": "#{n} cerrado. Gracias.",
        "resolve_notice": "#{n} cerrado por {name}.",
        "resolve_which": "Responda RESOLVE <numero>. Abiertos: {numbers}.",
        "status_none": "No hay incidentes abiertos.",
        "status_line": "#{n} {school}: {who}",
        "status_unacked": "SIN atender",
        "status_acked": "atiende {name}",
        "unknown_sender": "Este numero no esta registrado para reportar. Llame al {fallback}.",
        "unknown_sender_nofallback": "Este numero no esta registrado para reportar.",
        "intake_error": "alertbot no pudo registrar su texto. Llame al {fallback} ya.",
        "help": "Envie {keywords} para reportar (ej. {example}). Equipo: ACK, ACK <n>, "
        "RESOLVE <n>, STATUS.",
        "update_added": "Agregado a #{n}.",
        "update_forward": "#{n} novedad de {reporter}: {text}",
        "exhausted": "#{n} {title}: NADIE atendio tras {rounds} ronda(s). "
        "Avisos detenidos. Llame al equipo ya.",
        "page_failed": "#{n}: no se pudo avisar a {name} por {channel} ({why}). "
        "Se usan otros canales.",
        "opted_out": "{name} envio {word} y no recibe mas textos del numero del distrito "
        "hasta que envie START.",
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


def clean_text(text: str, limit: int = 600) -> str:
    """User text made safe to store and forward: no control characters, bounded length."""
    kept = "".join(
        ch if ch in "\n\t" or unicodedata.category(ch)[0] != "C" else " " for ch in text
    )
    kept = " ".join(kept.split())
    return kept[:limit]
