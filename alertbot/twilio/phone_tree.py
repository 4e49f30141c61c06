"""The phone tree: POST /twilio/voice and its later steps under /twilio/voice/….

    /twilio/voice               incident menu (9: other language, 0: acknowledge a page)
    /twilio/voice/menu          a menu key → PIN (unknown callers) → school → open
    /twilio/voice/pin           unknown callers, when unknown_reporters: accept
    /twilio/voice/school        callers without exactly one school key in its code
    /twilio/voice/recorded      <Record> ended: the recording is added to the incident
    /twilio/voice/transcription Twilio's transcript of it, added too
    /twilio/voice/ack           a responder calling back keys in an incident number
    /twilio/voice/ackpin        … and, when caller ID is not verified, their personal PIN
    /twilio/voice/confirm       the call back that confirms a caller-ID-only acknowledgement
    /twilio/voice/page, /amd    callbacks of voice pages (twilio/voice_page.py)
    /twilio/voice/bridge        a responder (star at the menu) keys in an incident number
                                to join its team call (twilio/calls.py)
    /twilio/voice/wait          after the recording: the caller waits on the line in the
                                incident's conference for a responder (twilio/calls.py)

The incident opens the moment its type and school are known, before the recording,
so the first page leaves while the caller is still on the line. State between steps
(language, chosen digit, tries) rides in the query string of absolute action URLs;
Twilio signs the URL with its query, so a verified request vouches for it too. Only
translation here: every rule is the receiver's (docs/phone-tree.md draws the flow).
"""

from __future__ import annotations

import logging

from aiohttp import web
from twilio.twiml.voice_response import VoiceResponse

from alertbot.core import commands as cmd
from alertbot.core.actors import Outcome, Proof
from alertbot.core.model import Config, School, Trigger
from alertbot.service.pin_attempts import DISTRICT, PERSONAL
from alertbot.text.voice import render_voice
from alertbot.text.voice_text import (
    ACK_DIGIT,
    BRIDGE_DIGIT,
    SWITCH_DIGIT,
    incident_label,
    menu,
    other_language,
    prompt,
)
from alertbot.twilio import calls as twilio_calls
from alertbot.twilio import voice_page as twilio_voice_page
from alertbot.twilio.calls import WAIT, wait_on_line
from alertbot.twilio.voice_call import MAX_TRIES, Call, VoiceRoutes
from alertbot.twilio.voice_sender import say

ENTRY = "/twilio/voice"
MENU = "/twilio/voice/menu"
PIN = "/twilio/voice/pin"
SCHOOL = "/twilio/voice/school"
RECORDED = "/twilio/voice/recorded"
TRANSCRIPTION = "/twilio/voice/transcription"
ACK = "/twilio/voice/ack"
ACK_PIN = "/twilio/voice/ackpin"
RECORD_SECONDS = 60

log = logging.getLogger("alertbot.twilio")


def _trigger(config: Config, digit: str | None) -> Trigger | None:
    for trigger in config.triggers:
        if trigger.phone_digit is not None and str(trigger.phone_digit) == digit:
            return trigger
    return None


def _school_by_code(config: Config, digits: str | None) -> School | None:
    return next((s for s in config.schools.values() if digits and s.code == digits), None)


def _code_length(config: Config) -> int | None:
    """Codes all of one length end the school question without pound."""
    lengths = {len(s.code) for s in config.schools.values()}
    return lengths.pop() if len(lengths) == 1 else None


# --- the menu ------------------------------------------------------------------------


async def entry(call: Call) -> VoiceResponse:
    """The receiver refuses a caller who may not report (the same refusal as a text's,
    said in both languages); anyone else hears the menu."""
    reply = await call.receiver.handle(call.actor, cmd.Intake(), "voice",
                                       dedup_key=call.dedup("intake"))
    if reply.outcome is Outcome.REFUSED:
        response = VoiceResponse()
        for lang in (call.lang, other_language(call.lang)):  # the refusal, in both
            for part in render_voice(reply, lang):
                say(response, part.text, part.language)
            say(response, prompt("goodbye", lang), lang)
        response.hangup()
        return response
    return _menu(call, 0)


def _menu(call: Call, tries: int, prefix: str | None = None) -> VoiceResponse:
    config = call.config
    options = []
    for trigger in sorted((t for t in config.triggers if t.phone_digit is not None),
                          key=lambda t: t.phone_digit or 0):
        itype = config.incidents[trigger.incident]
        options.append((trigger.phone_digit or 0,
                        incident_label(itype.title, itype.phone_label, call.lang)))
    responder = call.receiver.questions.offers_ack_digit(call.actor)
    response = VoiceResponse()
    if prefix:
        call.say(response, prefix)
    action = call.url(MENU, t=tries)
    gather = response.gather(num_digits=1, timeout=6, action=action, method="POST")
    say(gather, menu(config.organization, options, call.lang, responder), call.lang)
    other = other_language(call.lang)
    say(gather, prompt("switch", other), other)
    response.redirect(action, method="POST")
    return response


async def menu_step(call: Call) -> VoiceResponse:
    tries, digits = call.qint("t"), call.digits
    if digits == SWITCH_DIGIT:
        return _menu(call.switched(), tries)
    if digits == ACK_DIGIT and call.receiver.questions.takes_ack_digit(call.actor):
        return await _ack_or_pin(call, None)
    if digits == BRIDGE_DIGIT and call.receiver.questions.takes_ack_digit(call.actor):
        return call.ask(twilio_calls.BRIDGE_IN, "bridge_ask_number", t=0)
    trigger = _trigger(call.config, digits)
    if trigger is not None:
        return await _after_type(call, trigger)
    if tries + 1 >= MAX_TRIES:
        return call.goodbye("gave_up", fallback=call.fallback)
    return _menu(call, tries + 1, "invalid" if digits else "no_input")


async def _after_type(call: Call, trigger: Trigger, pin_ok: bool = False) -> VoiceResponse:
    receiver = call.receiver
    if receiver.questions.needs_district_pin(call.actor) and not pin_ok:
        return call.ask(PIN, "pin_ask", d=trigger.phone_digit, t=0)
    if receiver.questions.asks_school_first(call.actor, None):
        return call.ask(SCHOOL, "school_ask", num_digits=_code_length(call.config),
                        d=trigger.phone_digit, t=0)
    return await _open(call, trigger, None)  # the receiver knows the caller's school


# --- PIN and school ------------------------------------------------------------------


async def pin_step(call: Call) -> VoiceResponse:
    trigger = _trigger(call.config, call.q("d"))
    if trigger is None:
        return _menu(call, 0)
    digits, tries = call.digits, call.qint("t")
    right = call.receiver.questions.district_pin_ok(digits)
    if (refused := await call.pin_refused(right, DISTRICT)) is not None:
        return refused  # too many wrong PINs from this number (core/pin_limits.py)
    if right:
        return await _after_type(call, trigger, pin_ok=True)
    if tries + 1 >= MAX_TRIES:
        return call.goodbye("pin_failed", fallback=call.fallback)
    return call.ask(PIN, "pin_ask", "pin_wrong" if digits else "no_input",
                    d=trigger.phone_digit, t=tries + 1)


async def school_step(call: Call) -> VoiceResponse:
    trigger = _trigger(call.config, call.q("d"))
    if trigger is None:
        return _menu(call, 0)
    digits, tries = call.digits, call.qint("t")
    school = _school_by_code(call.config, digits)
    if school is not None:
        return await _open(call, trigger, school)
    if tries + 1 >= MAX_TRIES:
        # Nothing is lost: the report opens without a school, and the caller is told
        # to text the code or call the fallback number.
        return await _open(call, trigger, None)
    return call.ask(SCHOOL, "school_ask", "school_wrong" if digits else "no_input",
                    num_digits=_code_length(call.config), d=trigger.phone_digit, t=tries + 1)


# --- opening, then the caller's recorded message -----------------------------------


async def _open(call: Call, trigger: Trigger, school: School | None) -> VoiceResponse:
    """Open (or join) the incident; with no school the receipt asks for it."""
    reply = await call.receiver.handle(call.actor, cmd.Open(trigger, school, ""), "voice",
                                       dedup_key=call.dedup("open"))
    number = reply.incident_id
    response = VoiceResponse()
    call.say_reply(response, reply)  # a receipt: the number, the school asked, guidance
    if reply.outcome not in (Outcome.OPENED, Outcome.JOINED, Outcome.LIMITED) \
            or number is None:  # refused, or limited with nothing open to add to
        response.hangup()
        return response
    if reply.outcome is Outcome.LIMITED:  # joined the sender's incident: its guidance
        guidance = call.config.incidents[trigger.incident].guidance
        lang = call.lang if call.lang in guidance else "en"
        say(response, guidance[lang], lang)
    call.say(response, "record_ask")
    transcribe = {"transcribe": True, "transcribe_callback": call.url(TRANSCRIPTION, n=number)}
    response.record(action=call.url(RECORDED, n=number), method="POST",
                    max_length=RECORD_SECONDS, timeout=5, finish_on_key="#", play_beep=True,
                    **(transcribe if call.lang == "en" else {}))  # Twilio transcribes English
    call.say(response, "no_recording")  # reached only when nothing was recorded
    response.redirect(call.url(WAIT, n=number), method="POST")
    return response


async def recorded_step(call: Call) -> VoiceResponse:
    number = call.qint("n")
    url = call.form.get("RecordingUrl", "")
    seconds = call.form.get("RecordingDuration", "")
    if not (number and url and seconds not in ("", "0")):
        return _no_recording(call)
    reply = await call.receiver.handle(
        call.actor, cmd.Update(number, f"voice message ({seconds} s): {url}"), "voice",
        dedup_key=call.dedup("recording"))
    if not reply.outcome.reached_incident:
        return _no_recording(call)
    response = VoiceResponse()
    call.say_reply(response, reply)  # added; or on record, but it is over already
    if reply.outcome is not Outcome.ADDED_RESOLVED:
        return await wait_on_line(call, number, response)
    response.hangup()
    return response


def _no_recording(call: Call, response: VoiceResponse | None = None) -> VoiceResponse:
    """Nothing was recorded: help is coming anyway; the caller may wait on the line."""
    response = response or VoiceResponse()
    call.say(response, "no_recording")
    number = call.qint("n")
    if number:
        response.redirect(call.url(WAIT, n=number), method="POST")
        return response
    call.say(response, "help_coming")
    response.hangup()
    return response


async def transcription_step(call: Call) -> VoiceResponse:
    number = call.qint("n")
    text = call.form.get("TranscriptionText", "").strip()
    if number and text and call.form.get("TranscriptionStatus") == "completed":
        reply = await call.receiver.handle(
            call.actor, cmd.Update(number, f"voice message transcript: {text}"), "voice",
            dedup_key=call.dedup("transcript"))
        if not reply.outcome.reached_incident:
            log.warning("a transcript for #%d was not added: %s", number, reply.outcome)
    return VoiceResponse()


# --- a responder calling back to acknowledge -----------------------------------------


async def _ack_or_pin(call: Call, number: int | None) -> VoiceResponse:
    """Acknowledge; a caller whose number is not verified keys in their PIN first, if
    they have one (without it, the receiver has alertbot call them back to confirm)."""
    if call.receiver.questions.asks_personal_pin(call.actor):
        return call.ask(ACK_PIN, "personal_pin_ask", t=0, n=number)
    return await _ack(call, number)


async def ack_pin_step(call: Call) -> VoiceResponse:
    number = cmd.whole_number(call.q("n"))
    digits, tries = call.digits, call.qint("t")
    right = call.receiver.questions.personal_pin_ok(call.actor, digits)
    if (refused := await call.pin_refused(right, PERSONAL)) is not None:
        return refused
    if right:
        return await _ack(call.proven(Proof.PIN), number)
    if digits == "" or tries + 1 >= MAX_TRIES:  # pound alone, or out of tries: call back
        return await _ack(call, number)
    return call.ask(ACK_PIN, "personal_pin_ask", "pin_wrong" if digits else "no_input",
                    t=tries + 1, n=number)


async def _ack(call: Call, number: int | None) -> VoiceResponse:
    reply = await call.receiver.handle(call.actor, cmd.Ack(number), "voice",
                                       dedup_key=call.dedup(f"ack{number or ''}"))
    response = VoiceResponse()
    call.say_reply(response, reply)
    if reply.confirm_call:  # caller ID only: they hang up and answer our call
        response.hangup()
        return response
    if reply.outcome is Outcome.CHOOSE and number is None:  # several open: which one?
        action = call.url(ACK)
        gather = response.gather(action=action, method="POST", timeout=6, finish_on_key="#")
        call.say(gather, "ack_ask_number")
    call.say(response, "goodbye")
    response.hangup()
    return response


async def ack_step(call: Call) -> VoiceResponse:
    number = cmd.whole_number(call.digits)
    if number is None:  # nothing, or not an incident number: ask again, a few times
        tries = call.qint("t")
        if tries + 1 >= MAX_TRIES:
            return call.goodbye("gave_up", fallback=call.fallback)
        return call.ask(ACK, "ack_ask_number", "ack_bad_number" if call.digits else "no_input",
                        t=tries + 1)
    return await _ack(call, number)


def add_routes(app: web.Application, voice: VoiceRoutes) -> None:
    app.router.add_post(ENTRY, voice.route("voice", entry))
    app.router.add_post(MENU, voice.route("voice_menu", menu_step))
    app.router.add_post(PIN, voice.route("voice_pin", pin_step))
    app.router.add_post(SCHOOL, voice.route("voice_school", school_step))
    app.router.add_post(RECORDED, voice.route("voice_recorded", recorded_step))
    app.router.add_post(TRANSCRIPTION, voice.route("voice_transcription", transcription_step))
    app.router.add_post(ACK, voice.route("voice_ack", ack_step))
    app.router.add_post(ACK_PIN, voice.route("voice_ack_pin", ack_pin_step))
    twilio_calls.add_routes(app, voice)
    twilio_voice_page.add_routes(app, voice)
