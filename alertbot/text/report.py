"""The after-action report's words (PDF and CSV headings), per language. Pure."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

# Weekday abbreviations (Monday first), so the PDF does not depend on the OS locale.
WEEKDAYS = {"en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
            "es": ("lun", "mar", "mié", "jue", "vie", "sáb", "dom")}

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "After-action report: #{n} {title}",
        "redacted": "Redacted for sharing: without the reporter's words and without "
                    "people's names (roles instead).",
        "generated": "Generated {when} ({timezone}).",
        "summary": "Summary",
        "school": "School", "type": "Incident type", "state": "State", "source": "Reported via",
        "reporter": "Reporter", "acknowledged_by": "Acknowledged by",
        "resolved_by": "Resolved by", "details": "Reporter's words",
        "timings": "Timings", "milestone": "Milestone", "time": "Time",
        "from_trigger": "From trigger",
        "triggered": "Trigger", "first_page": "First page", "acknowledged": "Acknowledgement",
        "on_site": "Designee on site", "resolved": "Resolved", "not_reached": "not reached",
        "pages": "Who was paged, when, how, with what result", "to": "To",
        "channel": "Channel", "step": "Step / round", "result": "Result", "no_pages":
        "No pages.",
        "procedure": "Checklist", "encounter": "Encounter log",
        "warrant_reviews": "Warrant reviews", "records_requests": "Records requests",
        "documents": "Documents (listed, not shown)", "no_documents": "No documents.",
        "doc_type": "Type", "doc_size": "Size (bytes)", "doc_from": "From", "doc_added":
        "Added",
        "timeline": "Timeline", "kind": "Entry", "actor": "By", "text": "What",
        "audit": "Who viewed this incident", "who": "Who", "action": "What",
        "no_audit": "No views recorded.", "none": "None recorded.",
        "page": "Page {n}",
        "before_trigger": "arrival recorded before the trigger: check the checklist",
        "done_by": "done by {who}, {when}", "not_done": "not done",
        "overdue": "overdue (due by {when})",
        "reviewed_by": "reviewed by {who}, {when}",
    },
    "es": {
        "title": "Informe posterior: #{n} {title}",
        "redacted": "Versión para compartir: sin las palabras de quien reportó y sin "
                    "nombres de personas (solo cargos).",
        "generated": "Generado el {when} ({timezone}).",
        "summary": "Resumen",
        "school": "Escuela", "type": "Tipo de incidente", "state": "Estado",
        "source": "Reportado por", "reporter": "Reportó",
        "acknowledged_by": "Atendido por", "resolved_by": "Cerrado por",
        "details": "Palabras de quien reportó",
        "timings": "Tiempos", "milestone": "Hito", "time": "Hora",
        "from_trigger": "Desde el aviso",
        "triggered": "Aviso", "first_page": "Primer aviso al equipo",
        "acknowledged": "Atención", "on_site": "Designado en la escuela",
        "resolved": "Cierre", "not_reached": "no ocurrió",
        "pages": "A quién se avisó, cuándo, cómo y con qué resultado", "to": "A",
        "channel": "Canal", "step": "Paso / ronda", "result": "Resultado",
        "no_pages": "Sin avisos.",
        "procedure": "Lista de pasos", "encounter": "Registro del encuentro",
        "warrant_reviews": "Revisión de órdenes", "records_requests": "Solicitudes de "
        "expedientes",
        "documents": "Documentos (listados, no mostrados)", "no_documents": "Sin documentos.",
        "doc_type": "Tipo", "doc_size": "Tamaño (bytes)", "doc_from": "De",
        "doc_added": "Agregado",
        "timeline": "Cronología", "kind": "Entrada", "actor": "Por", "text": "Qué",
        "audit": "Quién vio este incidente", "who": "Quién", "action": "Qué",
        "no_audit": "No hay vistas registradas.", "none": "Nada registrado.",
        "page": "Página {n}",
        "before_trigger": "llegada anotada antes del aviso: revise la lista de pasos",
        "done_by": "hecho por {who}, {when}", "not_done": "sin hacer",
        "overdue": "atrasado (era para antes de {when})",
        "reviewed_by": "revisado por {who}, {when}",
    },
}


def report_label(language: str, key: str, **values: object) -> str:
    """The report word ``key`` in ``language`` (else English), filled with ``values``."""
    table = LABELS.get(language) or LABELS["en"]
    return (table.get(key) or LABELS["en"][key]).format(**values)


def minutes_seconds(seconds: float | None) -> str:
    """``+4:05`` (minutes:seconds from the trigger), ``+1:02:03`` past an hour; "" for None."""
    if seconds is None:
        return ""
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"+{hours}:{minutes:02d}:{secs:02d}" if hours else f"+{minutes}:{secs:02d}"


def readable(iso: object, timezone: str, language: str, seconds: bool = False) -> str:
    """An ISO 8601 time as people read it in the district's time zone: ``Mon 11/30 09:40``
    (en, month/day) or ``lun 30/11 09:40`` (es, day/month); ``seconds`` adds ``:05`` and
    the zone (``EST``). A value that is not an ISO time is returned as written ("" for
    None)."""
    if iso is None:
        return ""
    try:
        at = datetime.fromisoformat(str(iso)).astimezone(ZoneInfo(timezone))
    except ValueError:
        return str(iso)
    day = WEEKDAYS.get(language, WEEKDAYS["en"])[at.weekday()]
    date = at.strftime("%d/%m") if language == "es" else at.strftime("%m/%d")
    clock = at.strftime("%H:%M:%S %Z") if seconds else at.strftime("%H:%M")
    return f"{day} {date} {clock}"
