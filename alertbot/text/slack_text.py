"""Every Slack text and Block Kit structure alertbot sends, per language (en, es). Pure.

User text (details, names, timeline entries) is mrkdwn-escaped (``&``, ``<``, ``>``)
wherever it lands in mrkdwn, so nobody can smuggle ``<!channel>`` or a link into a
post. Buttons carry the incident number as their ``value``; their ``action_id`` starts
with ``ack`` or ``resolve`` (CONTRACT.md, "Slack").
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from alertbot.core.model import School

Block = dict[str, Any]
OPEN_CALLBACK = "alertbot_open"  # callback_id of the school-picker modal
MAX_OPTIONS = 100  # Slack's limit per static_select (and per option group)

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "ack": "Acknowledge",
        "resolve": "Resolve",
        "resolve_confirm_title": "Resolve #{n}?",
        "resolve_confirm": "Paging stops and the incident is closed for everyone.",
        "resolve_confirm_yes": "Resolve",
        "cancel": "Cancel",
        "stranger": "Your Slack account is not in alertbot's contacts, so nothing was paged.",
        "stranger_call": " If this is an emergency, call {fallback} now.",
        "stranger_button": "Your Slack account is not in alertbot's contacts, "
        "so it cannot act on incidents.",
        "receipt": "*#{n} opened{school}:* the district team is being paged now.",
        "receipt_joined": "*#{n} was already open{school}:* the district team is being paged "
        "now. Your report was added.",
        "receipt_joined_acked": "*#{n} was already open{school}:* {name} is responding. "
        "Your report was added.",
        "receipt_updates": "Add updates in the incident's thread in Slack "
        "or by text message (no student names).",
        "working": "Opening your incident. The number follows in a moment.",
        "unknown_command": "alertbot does not know the command {command}.",
        "modal_title": "Report an incident",
        "modal_submit": "Page the team",
        "modal_close": "Close",
        "modal_school": "School",
        "modal_school_placeholder": "Choose the school",
        "modal_details": "What is happening?",
        "modal_details_hint": "No student names: Slack is not private.",
        "modal_unknown_school": "Choose a school from the list.",
        "your_schools": "Your schools",
        "all_schools": "Schools",
        "school": "School",
        "reporter": "Reported by",
        "opened": "Opened",
        "state": "State",
        "details": "Details",
        "paging": "Escalation",
        "no_pages": "Nobody paged yet.",
        "triggered": ":red_circle: *NOT acknowledged*",
        "acknowledged": ":large_yellow_circle: Acknowledged by *{name}* at {time}",
        "resolved": ":white_check_mark: Resolved at {time}",
        "next_step": "Next escalation at {time} if nobody acknowledges.",
        "exhausted": ":warning: Paging has stopped: nobody acknowledged. Call the team.",
        "unverified": ":warning: UNVERIFIED reporter",
        "no_school": "school not named",
        "no_details": "none given",
        "details_in_console": "in the console (a reporter's words are not posted to Slack)",
        "footer": "alertbot · incident #{n} · updated {time}",
        "page_hint": "Press *Acknowledge* to respond, or text ACK {n}.",
        "page_sent": "sent",
        "page_pending": "sending",
        "page_failed": "FAILED",
        "page_cancelled": "cancelled",
        "step": "step {step}",
        "repeat": "round {round}",
        "earlier": "({count} earlier lines in the console)",
        "more": "+{count} more: see the console",
    },
    "es": {
        "ack": "Atender",
        "resolve": "Cerrar",
        "resolve_confirm_title": "¿Cerrar #{n}?",
        "resolve_confirm": "Se detienen los avisos y el incidente se cierra para todos.",
        "resolve_confirm_yes": "Cerrar",
        "cancel": "Cancelar",
        "stranger": "Su cuenta de Slack no está en los contactos de alertbot; no se avisó a nadie.",
        "stranger_call": " Si es una emergencia, llame al {fallback} ya.",
        "stranger_button": "Su cuenta de Slack no está en los contactos de alertbot; "
        "no puede actuar sobre incidentes.",
        "receipt": "*#{n} abierto{school}:* se está avisando al equipo del distrito.",
        "receipt_joined": "*#{n} ya estaba abierto{school}:* se está avisando al equipo del "
        "distrito. Se agregó su reporte.",
        "receipt_joined_acked": "*#{n} ya estaba abierto{school}:* {name} está atendiendo. "
        "Se agregó su reporte.",
        "receipt_updates": "Agregue novedades en el hilo del incidente en Slack "
        "o por mensaje de texto (sin nombres de estudiantes).",
        "working": "Abriendo su incidente. El número llega en un momento.",
        "unknown_command": "alertbot no conoce el comando {command}.",
        "modal_title": "Reportar un incidente",
        "modal_submit": "Avisar al equipo",
        "modal_close": "Cerrar",
        "modal_school": "Escuela",
        "modal_school_placeholder": "Elija la escuela",
        "modal_details": "¿Qué está pasando?",
        "modal_details_hint": "Sin nombres de estudiantes: Slack no es privado.",
        "modal_unknown_school": "Elija una escuela de la lista.",
        "your_schools": "Sus escuelas",
        "all_schools": "Escuelas",
        "school": "Escuela",
        "reporter": "Reportado por",
        "opened": "Abierto",
        "state": "Estado",
        "details": "Detalles",
        "paging": "Escalamiento",
        "no_pages": "Aún no se avisó a nadie.",
        "triggered": ":red_circle: *SIN atender*",
        "acknowledged": ":large_yellow_circle: Atendido por *{name}* a las {time}",
        "resolved": ":white_check_mark: Cerrado a las {time}",
        "next_step": "Siguiente escalamiento a las {time} si nadie atiende.",
        "exhausted": ":warning: Avisos detenidos: nadie atendió. Llame al equipo.",
        "unverified": ":warning: Informante NO VERIFICADO",
        "no_school": "escuela sin indicar",
        "no_details": "sin detalles",
        "details_in_console": "en la consola (las palabras del informante no se publican en "
        "Slack)",
        "footer": "alertbot · incidente #{n} · actualizado {time}",
        "page_hint": "Pulse *Atender* para responder, o envíe ACK {n} por texto.",
        "page_sent": "enviado",
        "page_pending": "enviando",
        "page_failed": "FALLÓ",
        "page_cancelled": "cancelado",
        "step": "paso {step}",
        "repeat": "ronda {round}",
        "earlier": "({count} líneas anteriores en la consola)",
        "more": "+{count} más: vea la consola",
    },
}


def t(key: str, language: str, **values: Any) -> str:
    table = TEXTS.get(language) or TEXTS["en"]
    return (table.get(key) or TEXTS["en"][key]).format(**values)


def escape(text: str) -> str:
    """mrkdwn-escape user text: no mentions, links or markup can be injected.

    Slack's rule ("Escaping text", api.slack.com/reference/surfaces/formatting): replace
    ``&``, ``<`` and ``>`` with ``&amp;``, ``&lt;``, ``&gt;``. Everything live in Slack
    text (``<!channel>``, ``<!here>``, ``<@U…>``, ``<#C…>``, ``<url|label>``) needs ``<``,
    so escaped text stays inert; a bare "@channel" is not a mention in text posted by the
    API (no ``link_names``).
    """
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# mrkdwn markers a name could use to close ours ("*{name}*"): shown as look-alikes.
_MARKERS = str.maketrans({"*": "\u2217", "_": "\uff3f", "~": "\u223c", "`": "\u02cb"})


def escape_inline(text: str) -> str:
    """``escape`` plus mrkdwn's formatting markers (``* _ ~ ` ``) replaced by look-alikes:
    for user text set inside our own markers (``*{name}*``), where a marker in it would
    end our bold early and format what follows."""
    return escape(text).translate(_MARKERS)


def clip(text: str, limit: int) -> str:
    """``text`` of at most ``limit`` characters, "…" marking a cut; never cuts an
    escaped entity (``&amp;``, ``&lt;``, ``&gt;``) in half."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    amp = cut.rfind("&", max(0, len(cut) - 5))
    if amp >= 0 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "…"


# --- Slack's limits (api.slack.com/reference/block-kit/blocks, …/composition-objects) ---

MAX_BLOCKS = 50  # blocks in one message
SECTION_TEXT = 3000  # section text
FIELD_TEXT = 2000  # each section field
MAX_FIELDS = 10  # fields in a section
HEADER_TEXT = 150  # header (plain_text)
BUTTON_TEXT = 75  # button label (plain_text)
CONTEXT_ELEMENTS = 10  # elements in a context block
ACTIONS_ELEMENTS = 25  # elements in an actions block
FALLBACK_TEXT = 3000  # the message's top-level ``text``: Slack truncates far later
#                      (40,000) but notifications and clients show a short one


def fallback(text: str, limit: int = FALLBACK_TEXT) -> str:
    """The top-level ``text`` of a message from raw (unescaped) text: escaped (the
    ``text`` field is mrkdwn too, and a mention there notifies) and clipped."""
    return clip(escape(text), limit)


def _fit_text(obj: dict[str, Any], limit: int) -> dict[str, Any]:
    if isinstance(obj.get("text"), str) and len(obj["text"]) > limit:
        return {**obj, "text": clip(obj["text"], limit)}
    return obj


def _fit_block(block: Block) -> Block:
    kind = block.get("type")
    if kind == "header" and isinstance(block.get("text"), dict):
        return {**block, "text": _fit_text(block["text"], HEADER_TEXT)}
    if kind == "section":
        block = dict(block)
        if isinstance(block.get("text"), dict):
            block["text"] = _fit_text(block["text"], SECTION_TEXT)
        if isinstance(block.get("fields"), list):
            block["fields"] = [_fit_text(f, FIELD_TEXT) for f in block["fields"][:MAX_FIELDS]]
        return block
    if kind == "context" and isinstance(block.get("elements"), list):
        return {**block, "elements": [_fit_text(e, SECTION_TEXT)
                                      for e in block["elements"][:CONTEXT_ELEMENTS]]}
    if kind == "actions" and isinstance(block.get("elements"), list):
        return {**block, "elements": [
            {**e, "text": _fit_text(e["text"], BUTTON_TEXT)} if isinstance(e.get("text"), dict)
            else e for e in block["elements"][:ACTIONS_ELEMENTS]]}
    return block


def fit_blocks(blocks: Sequence[Block], language: str = "en") -> list[Block]:
    """``blocks`` within Slack's Block Kit limits for one message: at most ``MAX_BLOCKS``
    (the last one then says "+N more: see the console"), texts clipped to each
    block's limit, fields/elements cut to their counts. Pure; input is not changed."""
    fitted = [_fit_block(b) for b in blocks]
    if len(fitted) > MAX_BLOCKS:
        rest = len(fitted) - (MAX_BLOCKS - 1)
        fitted = [*fitted[: MAX_BLOCKS - 1], {"type": "context", "elements": [
            {"type": "mrkdwn", "text": t("more", language, count=rest)}]}]
    return fitted


def hhmm(epoch: float, timezone: str) -> str:
    return datetime.fromtimestamp(epoch, ZoneInfo(timezone)).strftime("%H:%M")


def plain(text: str, limit: int = 75) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit), "emoji": True}


def mrkdwn_section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": clip(text, 3000)}}


# --- buttons, pages, replies ----------------------------------------------------------


def buttons(incident_id: int, language: str, ack: bool = True, resolve: bool = True) -> Block:
    elements: list[dict[str, Any]] = []
    if ack:
        elements.append({"type": "button", "action_id": "ack", "style": "danger",
                         "text": plain(t("ack", language)), "value": str(incident_id)})
    if resolve:
        elements.append({
            "type": "button", "action_id": "resolve", "value": str(incident_id),
            "text": plain(t("resolve", language)),
            "confirm": {"title": plain(t("resolve_confirm_title", language, n=incident_id)),
                        "text": plain(t("resolve_confirm", language), 300),
                        "confirm": plain(t("resolve_confirm_yes", language)),
                        "deny": plain(t("cancel", language))}})
    return {"type": "actions", "block_id": f"incident-{incident_id}", "elements": elements}


def page_blocks(body: str, incident_id: int | None, language: str,
                page: bool = True) -> list[Block]:
    """A Slack DM: the page text, and for a page the Acknowledge/Resolve buttons."""
    blocks = [mrkdwn_section(escape(body))]
    if page and incident_id is not None:
        blocks.append({"type": "context", "elements": [
            {"type": "mrkdwn", "text": t("page_hint", language, n=incident_id)}]})
        blocks.append(buttons(incident_id, language))
    return fit_blocks(blocks, language)


def stranger_text(language: str, fallback: str | None) -> str:
    text = t("stranger", language)
    return text + (t("stranger_call", language, fallback=fallback) if fallback else "")


# --- the school-picker modal ----------------------------------------------------------


def _option(school: School) -> dict[str, Any]:
    return {"text": plain(f"{school.name} ({school.code})"), "value": school.id}


def school_select(schools: Sequence[School], mine: Sequence[str],
                  language: str) -> dict[str, Any]:
    """A static_select; the user's own schools first. Over 100 schools: option groups."""
    first = [s for s in schools if s.id in mine]
    rest = [s for s in schools if s.id not in mine]
    select: dict[str, Any] = {"type": "static_select", "action_id": "school",
                              "placeholder": plain(t("modal_school_placeholder", language))}
    if not first and len(rest) <= MAX_OPTIONS:
        select["options"] = [_option(s) for s in rest]
        return select
    groups: list[dict[str, Any]] = []
    if first:
        groups.append({"label": plain(t("your_schools", language)),
                       "options": [_option(s) for s in first[:MAX_OPTIONS]]})
    for i in range(0, len(rest), MAX_OPTIONS):
        groups.append({"label": plain(t("all_schools", language)),
                       "options": [_option(s) for s in rest[i:i + MAX_OPTIONS]]})
    select["option_groups"] = groups[:MAX_OPTIONS]
    return select


def open_modal(schools: Sequence[School], mine: Sequence[str], details: str, language: str,
               metadata: Mapping[str, str]) -> dict[str, Any]:
    """The modal asking for the school (and details) when the slash command had none."""
    details_input: dict[str, Any] = {"type": "plain_text_input", "action_id": "details",
                                     "multiline": True, "max_length": 600}
    if details:
        details_input["initial_value"] = clip(details, 600)
    return {
        "type": "modal", "callback_id": OPEN_CALLBACK,
        "title": plain(t("modal_title", language), 24),
        "submit": plain(t("modal_submit", language), 24),
        "close": plain(t("cancel", language), 24),
        "private_metadata": json.dumps(dict(metadata))[:3000],
        "blocks": [
            {"type": "input", "block_id": "school", "label": plain(t("modal_school", language)),
             "element": school_select(schools, mine, language)},
            {"type": "input", "block_id": "details", "optional": True,
             "label": plain(t("modal_details", language)), "element": details_input,
             "hint": plain(t("modal_details_hint", language), 150)},
        ],
    }


def receipt_modal(blocks: list[Block], language: str) -> dict[str, Any]:
    return {"type": "modal", "title": plain(t("modal_title", language), 24),
            "close": plain(t("modal_close", language), 24), "blocks": blocks}
