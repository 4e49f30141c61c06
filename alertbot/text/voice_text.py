"""Every spoken prompt: the phone tree that opens incidents, and voice pages. Pure.

Like ``messages.py`` for texts: one table per language, rendered by key. Spoken text
keeps its accents (they help the speech engine; SMS folding does not apply). No
student names or immigration facts are spoken except what the page itself carries.
docs/phone-tree.md shows these prompts in the order a caller hears them.
What the receiver answered is said in ``text/voice.py`` (its own table, per reply key).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from alertbot.text.messages import clean_text

# language -> (<Say language=…>, <Say voice=…>): Amazon Polly voices through Twilio.
VOICES: dict[str, tuple[str, str]] = {
    "en": ("en-US", "Polly.Joanna"),
    "es": ("es-US", "Polly.Lupe"),
}
SWITCH_DIGIT = "9"  # the menu digit that switches English <-> Spanish
ACK_DIGIT = "0"  # the menu digit for a responder calling back to acknowledge
BRIDGE_DIGIT = "*"  # the menu key for a responder joining an incident's team call

PROMPTS: dict[str, dict[str, str]] = {
    "en": {
        "welcome": "{organization} emergency line.",
        "menu_item": "To report {label}, press {digit}.",
        "menu_ack": "If you are responding to a page, press 0.",
        "switch": "For English, press 9.",
        "your_school": "your school",
        "no_input": "I did not hear a choice.",
        "invalid": "Sorry, that is not one of the choices.",
        "gave_up": "I could not get a choice. Please call {fallback}. Goodbye.",
        "pin_ask": "Please enter the district PIN, then press pound.",
        "pin_wrong": "That PIN is not correct.",
        "pin_failed": "I could not verify the PIN. Please call {fallback}. Goodbye.",
        "pin_locked": "Too many wrong PINs were keyed in from this number, so PINs are not "
        "accepted from it for a while. Please call {fallback}. Goodbye.",
        "school_ask": "Enter your school's code, then press pound.",
        "school_wrong": "I did not recognize that school code.",
        "record_ask": "After the tone, you may describe what is happening, for up to one "
        "minute. Do not say student names. Press pound when you are done.",
        "no_recording": "No message was recorded.",
        "help_coming": "Help is being paged. Goodbye.",
        "ack_ask_number": "To acknowledge an incident by its number, enter the number, "
        "then press pound.",
        "ack_bad_number": "That is not an incident number.",
        "goodbye": "Goodbye.",
        "call_number": "{digits}",  # whom to call, as {fallback} is said: see spoken_fallback
        "call_office": "the district office",
        "number": "number",
        # voice pages
        "page_intro": "Urgent page from alertbot.",
        "page_prompt": "Press 1 to acknowledge and stop the paging. "
        "Press 2 to hear this again. Press 3 to acknowledge and talk with the reporter.",
        "page_invalid": "Sorry, that key is not a choice.",
        "page_unanswered": "No key was pressed, so this page is not acknowledged. "
        "You will be paged again. To respond, text ACK {n}.",
        # the console's page: it is not paged again by itself (service/console_actions.py)
        "page_unanswered_once": "No key was pressed, so this page is not acknowledged. "
        "To respond, text ACK {n}.",
        "voicemail_once": "Urgent page from alertbot. {page} To respond, text ACK {n} to "
        "this number, or call it back and press 0.",
        "page_lost": "To respond to incident number {n}, text ACK {n}. Goodbye.",
        "voicemail": "Urgent page from alertbot. {page} To respond, text ACK {n} to this "
        "number, or call it back and press 0. You will be paged again until someone "
        "responds.",
        # the page itself (the SMS page's message, in words for the ear)
        "page": "ALERT number {n}: {title}. Reported at {time} by {reporter}.{unverified}",
        "page_unverified": " The reporter is not verified.",
        # caller ID is not identity (decision 0014)
        "personal_pin_ask": "Enter your personal PIN, then press pound. Without one, just "
        "press pound, and alertbot will call you back to confirm.",
        "confirm_acknowledge": "alertbot, calling back to confirm. Press 1 to confirm you are "
        "taking incident number {n} and stop the paging. If you did not just call about "
        "it, hang up.",
        "confirm_resolve": "alertbot, calling back to confirm. Press 1 to confirm you are "
        "resolving incident number {n}. If you did not just call about it, hang up.",
        "confirm_unanswered": "Nothing was confirmed. Goodbye.",
        "confirm_lost": "This confirmation has expired. Goodbye.",
        # talking with the reporter, the team call (issue 13)
        "menu_bridge": "To join a team call about an incident, press star.",
        "bridge_ask_number": "To join the team call, enter the incident number, then press "
        "pound.",
        "bridge_call": "alertbot. {name} is calling you into the team call about incident "
        "number {n}. Connecting you now.",
        "connect_offer_line": "The reporter is on the line now, waiting for a responder. "
        "Press 3 to join them.",
        "connect_offer_joined": "{names} joined the reporter on the line. Press 3 to join "
        "them too.",
        "connect_offer_dial": "To be connected to the reporter now, press 3.",
        "connect_joining": "Connecting you to the reporter now.",
        "connect_joined_already": "{names} already joined.",
        "connect_dialing": "Calling the reporter now. They will see the district's number, "
        "not yours.",
        "connect_no_phone": "There is no phone number on file for the reporter, so alertbot "
        "cannot connect you. Goodbye.",
        "dial_no_answer": "The reporter did not answer. This is noted on the incident. "
        "Goodbye.",
        "dial_done": "The call with the reporter ended. Goodbye.",
        "wait_offer": "Stay on the line, and you will be connected to the first responder "
        "who answers. Or hang up at any time.",
        "hold": "Please stay on the line. alertbot is paging the team, and you will be "
        "connected as soon as someone answers.",
        "hold_timeout": "Nobody could join the call yet. The team is still being paged, and "
        "you will get a text when someone responds.",
        "line_ended": "The call has ended. Goodbye.",
    },
    "es": {
        "welcome": "Línea de emergencia de {organization}.",
        "menu_item": "Para reportar {label}, oprima {digit}.",
        "menu_ack": "Si responde a un aviso, oprima 0.",
        "switch": "Para español, oprima 9.",
        "your_school": "su escuela",
        "no_input": "No escuché ninguna opción.",
        "invalid": "Lo siento, esa no es una de las opciones.",
        "gave_up": "No pude recibir una opción. Por favor llame {fallback}. Adiós.",
        "pin_ask": "Por favor marque el PIN del distrito y luego la tecla numeral.",
        "pin_wrong": "Ese PIN no es correcto.",
        "pin_failed": "No pude verificar el PIN. Por favor llame {fallback}. Adiós.",
        "pin_locked": "Se marcaron demasiados PIN equivocados desde este número; por un "
        "tiempo no se aceptan PIN desde él. Por favor llame {fallback}. Adiós.",
        "school_ask": "Marque el código de su escuela y luego la tecla numeral.",
        "school_wrong": "No reconocí ese código de escuela.",
        "record_ask": "Después del tono, puede describir lo que está pasando, hasta un "
        "minuto. No diga nombres de estudiantes. Oprima numeral al terminar.",
        "no_recording": "No se grabó ningún mensaje.",
        "help_coming": "Se está avisando al equipo. Adiós.",
        "ack_ask_number": "Para atender un incidente por su número, marque el número y "
        "luego la tecla numeral.",
        "ack_bad_number": "Ese no es un número de incidente.",
        "goodbye": "Adiós.",
        "call_number": "al {digits}",
        "call_office": "a la oficina del distrito",
        "number": "número",
        "page_intro": "Aviso urgente de alertbot.",
        "page_prompt": "Oprima 1 para atender y detener los avisos. "
        "Oprima 2 para escucharlo de nuevo. Oprima 3 para atender y hablar con quien "
        "reportó.",
        "page_invalid": "Lo siento, esa tecla no es una opción.",
        "page_unanswered": "No se oprimió ninguna tecla, así que este aviso no está atendido. "
        "Recibirá otro aviso. Para responder, envíe ACK {n} por texto.",
        "page_unanswered_once": "No se oprimió ninguna tecla, así que este aviso no está "
        "atendido. Para responder, envíe ACK {n} por texto.",
        "voicemail_once": "Aviso urgente de alertbot. {page} Para responder, envíe ACK {n} "
        "por texto a este número, o devuelva la llamada y oprima 0.",
        "page_lost": "Para responder al incidente número {n}, envíe ACK {n} por texto. Adiós.",
        "voicemail": "Aviso urgente de alertbot. {page} Para responder, envíe ACK {n} por "
        "texto a este número, o devuelva la llamada y oprima 0. Recibirá más avisos hasta "
        "que alguien responda.",
        "page": "ALERTA número {n}: {title}. Reportado a las {time} por {reporter}."
        "{unverified}",
        "page_unverified": " La persona que reportó no está verificada.",
        "personal_pin_ask": "Marque su PIN personal y luego la tecla numeral. Si no lo "
        "tiene, oprima numeral y alertbot le devolverá la llamada para confirmar.",
        "confirm_acknowledge": "Le llama alertbot para confirmar. Oprima 1 para confirmar "
        "que usted atiende el incidente número {n} y detener los avisos. Si no acaba de "
        "llamar por esto, cuelgue.",
        "confirm_resolve": "Le llama alertbot para confirmar. Oprima 1 para confirmar que "
        "usted cierra el incidente número {n}. Si no acaba de llamar por esto, cuelgue.",
        "confirm_unanswered": "No se confirmó nada. Adiós.",
        "confirm_lost": "Esta confirmación ya no es válida. Adiós.",
        "menu_bridge": "Para unirse a una llamada del equipo sobre un incidente, oprima "
        "asterisco.",
        "bridge_ask_number": "Para unirse a la llamada del equipo, marque el número del "
        "incidente y luego la tecla numeral.",
        "bridge_call": "alertbot. {name} le llama a la llamada del equipo sobre el incidente "
        "número {n}. Le comunico ahora.",
        "connect_offer_line": "Quien reportó está en la línea, esperando a alguien del "
        "equipo. Oprima 3 para unirse a la llamada.",
        "connect_offer_joined": "{names} ya está en la línea con quien reportó. Oprima 3 "
        "para unirse también.",
        "connect_offer_dial": "Para hablar ahora con quien reportó, oprima 3.",
        "connect_joining": "Le comunico ahora con quien reportó.",
        "connect_joined_already": "{names} ya está en la llamada.",
        "connect_dialing": "Llamando ahora a quien reportó. Verá el número del distrito, "
        "no el suyo.",
        "connect_no_phone": "No hay un teléfono registrado de quien reportó, así que "
        "alertbot no puede comunicarle. Adiós.",
        "dial_no_answer": "Quien reportó no contestó. Quedó anotado en el incidente. Adiós.",
        "dial_done": "Terminó la llamada con quien reportó. Adiós.",
        "wait_offer": "Permanezca en la línea y le comunicaremos con la primera persona "
        "del equipo que conteste. O cuelgue cuando quiera.",
        "hold": "Por favor permanezca en la línea. alertbot está avisando al equipo, y le "
        "comunicaremos en cuanto alguien conteste.",
        "hold_timeout": "Nadie pudo unirse a la llamada todavía. Seguimos avisando al "
        "equipo, y recibirá un texto cuando alguien responda.",
        "line_ended": "Terminó la llamada. Adiós.",
    },
}


def language_of(language: str | None) -> str:
    return language if language in PROMPTS else "en"


def other_language(language: str) -> str:
    return "es" if language_of(language) == "en" else "en"


def prompt(key: str, language: str, **values: Any) -> str:
    table = PROMPTS[language_of(language)]
    return (table.get(key) or PROMPTS["en"][key]).format(**values)


def voice_for(language: str) -> tuple[str, str]:
    """(``language`` attribute, ``voice`` attribute) for ``<Say>``."""
    return VOICES[language_of(language)]


def spoken_phone(phone: str | None, language: str) -> str:
    """``+18605550199`` → ``8 6 0, 5 5 5, 0 1 9 9``: read digit by digit, not as a sum;
    "" without digits (``spoken_fallback`` says whom to call then)."""
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    if not digits:
        return ""
    if phone and phone.startswith("+1") and len(digits) == 11:
        digits = digits[1:]
        groups = [digits[:3], digits[3:6], digits[6:]]
    else:
        groups = [digits[i:i + 3] for i in range(0, len(digits), 3)]
    return ", ".join(" ".join(group) for group in groups)


def spoken_fallback(phone: str | None, language: str) -> str:
    """Whom to call, as ``{fallback}`` is said in every prompt: the number digit by digit,
    else the district office, with the preposition Spanish needs ("llame al 8 6 0, …",
    "llame a la oficina del distrito"; never "al la oficina")."""
    if not any(ch.isdigit() for ch in phone or ""):
        return prompt("call_office", language)
    return prompt("call_number", language, digits=spoken_phone(phone, language))


_HASH_NUMBER = re.compile(r"#(\d+)")


def speakable(text: str, language: str) -> str:
    """A text reply made fit to speak: ``#12`` is "number 12"; no markup, no control chars."""
    word = prompt("number", language)
    text = _HASH_NUMBER.sub(lambda m: f"{word} {m.group(1)}", clean_text(text, limit=1000))
    return text.replace("<", "").replace(">", "")


def spoken_page(body: str, language: str) -> str:
    """A voice page's body (``page_speech``, stored in the outbox) as it is spoken."""
    return speakable(body, language)


def page_speech(language: str, *, n: int, title: str, time: str, reporter: str,
                unverified: bool) -> str:
    """The page, worded for the ear in ``language`` (the SMS page's message, not its text:
    no GSM-7 folding, no "Reply ACK"; the call asks for a key press instead)."""
    return prompt("page", language, n=n, title=clean_text(title, limit=200), time=time,
                  reporter=clean_text(reporter, limit=120),
                  unverified=prompt("page_unverified", language) if unverified else "")


def incident_label(title: str, labels: Mapping[str, str], language: str) -> str:
    """What the menu calls an incident type: its ``phone_label``, else its title."""
    language = language_of(language)
    label = labels.get(language) or labels.get("en")
    if label:
        return clean_text(label, limit=200)
    return clean_text(title.replace("{school}", prompt("your_school", language)), limit=200)


def menu(organization: str, options: Sequence[tuple[int, str]], language: str,
         responder: bool) -> str:
    """The incident menu: one sentence per (digit, label), then the responders' options
    (acknowledge with 0, join a team call with star)."""
    parts = [prompt("welcome", language, organization=clean_text(organization, limit=120))]
    parts += [prompt("menu_item", language, label=label, digit=digit)
              for digit, label in options]
    if responder:
        parts += [prompt("menu_ack", language), prompt("menu_bridge", language)]
    return " ".join(parts)


# --- call outcomes, as the incident timeline records them (English, like the timeline) ---

NOT_REACHED: dict[str, str] = {
    "busy": "line busy",
    "no-answer": "no answer",
    "canceled": "call canceled",
    "voicemail": "voicemail answered (left a message to call back or text ACK)",
}


def call_note(name: str, status: str, previous: str | None, unacknowledged: bool) -> str | None:
    """The timeline entry for a voice page's status, or None when there is nothing to say.

    Busy, no answer and voicemail are *not reached*: the page is not a failure of the
    person's number (they are called again at the next round), but it must be visible.
    A call that ended with no key pressed while the incident is still unacknowledged is
    said too, so nobody mistakes "answered" for "reached".
    """
    if status in NOT_REACHED:
        return f"call to {name}: {NOT_REACHED[status]}; not counted as reached"
    if status == "completed" and unacknowledged and previous not in NOT_REACHED:
        return f"call to {name} ended with no key pressed; not acknowledged"
    return None
