"""Talking to the reporter, and the incident's conference (issue 13): TwiML and callbacks.

    POST /twilio/voice/connect?n=N&lang=L    after "1" on a page: 3 connects to the reporter
    POST /twilio/voice/dialed?n=N&lang=L     <Dial callerId=district> ended: DialCallStatus
    POST /twilio/voice/leg?n=N&p=SID         the dialed reporter's call status (statusCallback)
    POST /twilio/voice/conference?n=N        <Conference statusCallback>: join, leave, end
    POST /twilio/voice/wait?n=N              after the recording: wait on the line
    POST /twilio/voice/hold?n=N&s=SID        waitUrl of the reporter waiting on the line
    POST /twilio/voice/bridge?t=T            phone tree, star: key in an incident number
    POST /twilio/voice/bridgepin?n=N&t=T     … and the personal PIN when caller ID is not
                                             verified (pound alone: called back instead)

Pressing 3 acknowledges (the receiver's ``Ack``, same rules and outcomes as pressing 1)
and connects: into the incident's conference when the reporter waits there, else by
dialing the reporter from the district number (``<Dial callerId>``), so neither sees
the other's number. Every event goes to the receiver as a ``CallEvent`` (the timeline;
service/calls.py). Only translation here.
"""

from __future__ import annotations

import logging

from aiohttp import web
from twilio.twiml.voice_response import VoiceResponse

from alertbot.core import commands as cmd
from alertbot.core.actors import Outcome, Proof
from alertbot.core.model import Channel
from alertbot.notify.base import ChannelError
from alertbot.service import calls
from alertbot.service.pin_attempts import PERSONAL
from alertbot.service.receiver import Reply
from alertbot.text.reply import ReplyKey
from alertbot.twilio.voice_call import MAX_TRIES, Call, VoiceRoutes
from alertbot.twilio.voice_sender import (
    CONFERENCE_EVENTS,
    CONFERENCE_PATH,
    TwilioVoice,
    conference_room,
    say,
)

log = logging.getLogger("alertbot.twilio")

CONNECT = "/twilio/voice/connect"
DIALED = "/twilio/voice/dialed"
LEG = "/twilio/voice/leg"
HOLD = "/twilio/voice/hold"
WAIT = "/twilio/voice/wait"
BRIDGE_IN = "/twilio/voice/bridge"
BRIDGE_PIN = "/twilio/voice/bridgepin"
CONNECT_KEY = "3"
CONNECTED = (Outcome.ACKNOWLEDGED, Outcome.ALREADY_ACKNOWLEDGED)
DIAL_TIMEOUT = 30  # seconds the reporter's phone rings
HOLD_PAUSE = 20  # seconds of quiet between the hold message's repeats
_EVENTS = {"participant-join": "join", "participant-leave": "leave",
           "conference-start": "start", "conference-end": "end"}


async def line(call: Call, number: int) -> calls.Line | None:
    config = call.config
    return await call.routes.store().read(
        lambda tx: calls.line(tx, config, number))


def _voice(call: Call) -> TwilioVoice | None:
    sender = call.engine.senders.get(Channel.VOICE)
    return sender if isinstance(sender, TwilioVoice) else None


async def offer(call: Call, response: VoiceResponse, number: int) -> None:
    """After an acknowledgement on a page: offer 3, in words that say where it leads."""
    state = await line(call, number)
    if state is None:
        return
    if state.caller_on_line and state.joined:
        key, values = "connect_offer_joined", {"names": ", ".join(state.joined)}
    elif state.caller_on_line:
        key, values = "connect_offer_line", {}
    elif state.reporter_phone:
        key, values = "connect_offer_dial", {}
    else:
        return
    gather = response.gather(num_digits=1, timeout=6, action=call.url(CONNECT, n=number),
                             method="POST")
    call.say(gather, key, **values)


def join_conference(call: Call, response: VoiceResponse, number: int, *,
                    caller: bool = False) -> None:
    """``<Dial><Conference>`` of incident ``number``: a responder starts it; the caller
    waits (``startConferenceOnEnter=false``) hearing ``HOLD`` until one joins."""
    dial = response.dial()
    wait = call.url(HOLD, n=number, s=call.sid) if caller else None
    dial.conference(conference_room(number), start_conference_on_enter=not caller,
                    end_conference_on_exit=False, beep="onEnter",
                    wait_url=wait, wait_method="POST" if wait else None,
                    status_callback=call.url(CONFERENCE_PATH, n=number),
                    status_callback_event=CONFERENCE_EVENTS, status_callback_method="POST")
    call.say(response, "line_ended")
    response.hangup()


async def connect(call: Call, number: int, reply: Reply, *,
                  heard: bool = False) -> VoiceResponse:
    """Press 3: ``reply`` is the acknowledgement's; connect if it made or found the
    incident acknowledged, else say why not. ``heard``: the caller heard that reply
    already (they pressed 1 first), so it is not said again when connecting."""
    response = VoiceResponse()
    connecting = reply.outcome in CONNECTED
    if not (heard and connecting):
        call.say_reply(response, reply)
    state = await line(call, number) if connecting else None
    if state is None:
        call.say(response, "goodbye")
        response.hangup()
        return response
    if state.caller_on_line:
        if state.joined:
            call.say(response, "connect_joined_already", names=", ".join(state.joined))
        call.say(response, "connect_joining")
        join_conference(call, response, number)
        return response
    voice = _voice(call)
    if not state.reporter_phone or voice is None:
        call.say(response, "connect_no_phone")
        response.hangup()
        return response
    await call.receiver.handle(call.actor, cmd.CallEvent(number, "dial", call.sid), "voice",
                               dedup_key=call.dedup("dial"))
    call.say(response, "connect_dialing")
    dial = response.dial(caller_id=voice.from_number, timeout=DIAL_TIMEOUT,
                         action=call.url(DIALED, n=number), method="POST")
    dial.number(state.reporter_phone, status_callback=call.url(LEG, n=number, p=call.sid),
                status_callback_event="answered completed", status_callback_method="POST")
    return response


async def connect_step(call: Call) -> VoiceResponse:
    number = call.qint("n")
    if call.digits != CONNECT_KEY or not number:
        return call.goodbye("goodbye")
    reply = await call.receiver.handle(call.actor, cmd.Ack(number), "voice",
                                       dedup_key=call.dedup("ack"))
    return await connect(call, number, reply, heard=True)


async def dialed_step(call: Call) -> VoiceResponse:
    """The responder's ``<Dial>`` to the reporter ended: tell them how."""
    number, status = call.qint("n"), call.form.get("DialCallStatus", "")
    if number and status:
        seconds = cmd.whole_number(call.form.get("DialCallDuration"))
        await call.receiver.handle(call.actor, cmd.CallEvent(number, status, call.sid,
                                                             seconds), "voice")
    return call.goodbye("dial_done" if status == "completed" else "dial_no_answer")


async def leg_step(call: Call) -> VoiceResponse:
    """The dialed reporter's call status (``<Number statusCallback>``)."""
    number, parent = call.qint("n"), call.q("p")
    status = call.form.get("CallStatus", "")
    if number and parent and status:
        seconds = cmd.whole_number(call.form.get("CallDuration"))
        await call.receiver.handle(call.actor, cmd.CallEvent(number, status, parent, seconds),
                                   "voice")
    return VoiceResponse()


async def conference_step(call: Call) -> VoiceResponse:
    """``<Conference statusCallback>``: a participant joined or left (its ``CallSid``),
    or the conference started or ended (no CallSid: its ``ConferenceSid``)."""
    number = call.qint("n")
    event = _EVENTS.get(call.form.get("StatusCallbackEvent", ""))
    sid = call.form.get("ConferenceSid", "") if event in ("start", "end") else call.sid
    if number and event and sid:
        sequence = cmd.whole_number(call.form.get("SequenceNumber")) or 0
        await call.receiver.handle(call.actor, cmd.CallEvent(number, event, sid),
                                   "voice", dedup_key=f"voice:{sid}:conf-{event}-{sequence}")
    return VoiceResponse()


async def hold_step(call: Call) -> VoiceResponse:
    """The waiting caller's ``waitUrl`` (Twilio requests it again when it ends): the hold
    message, then quiet; past ``caller_wait`` with nobody joined, the caller's call is
    given the guidance again and ends (``calls(sid).update``), and paging goes on."""
    number, sid = call.qint("n"), call.q("s")
    response = VoiceResponse()
    state = await line(call, number) if number and sid else None
    if state is None or state.caller_since is None:
        return response  # not waiting (any more)
    if call.receiver.clock.now() - state.caller_since < call.config.caller_wait:
        call.say(response, "hold")
        response.pause(length=HOLD_PAUSE)
        return response
    reply = await call.receiver.handle(call.actor, cmd.CallEvent(number, "timeout", sid),
                                       "voice")
    voice = _voice(call)
    if reply.outcome is Outcome.ADDED and voice is not None:
        try:
            await voice.update_call(sid, _timeout_twiml(call, state))
        except ChannelError as exc:  # the caller hung up meanwhile
            log.info("could not end the wait of call %s: %s", sid, exc)
    return response


def _timeout_twiml(call: Call, state: calls.Line) -> str:
    """Nobody joined in time: the guidance again, paging goes on, goodbye."""
    twiml = VoiceResponse()
    call.say(twiml, "hold_timeout")
    itype = call.config.incidents.get(state.incident.type)
    if itype is not None:
        lang = call.lang if call.lang in itype.guidance else "en"
        say(twiml, itype.guidance.get(lang, ""), lang)
    call.say(twiml, "goodbye")
    twiml.hangup()
    return str(twiml)


async def wait_on_line(call: Call, number: int, response: VoiceResponse) -> VoiceResponse:
    """The caller stays on the line in the incident's conference until a responder
    joins, or ``caller_wait`` passes (twilio/calls.py ``hold_step``)."""
    reply = await call.receiver.handle(call.actor, cmd.CallEvent(number, "wait", call.sid),
                                       "voice", dedup_key=call.dedup("wait"))
    if reply.outcome not in (Outcome.ADDED, Outcome.NONE):
        call.say(response, "help_coming")
        response.hangup()
        return response
    call.say(response, "wait_offer")
    join_conference(call, response, number, caller=True)
    return response


async def wait_step(call: Call) -> VoiceResponse:
    number = call.qint("n")
    if not number:
        return call.goodbye("help_coming")
    return await wait_on_line(call, number, VoiceResponse())


# --- dialing in to the team call (phone tree, star) -------------------------------------


async def bridge_in_step(call: Call) -> VoiceResponse:
    number = cmd.whole_number(call.digits)
    if number is None:
        tries = call.qint("t")
        if tries + 1 >= MAX_TRIES:
            return call.goodbye("gave_up", fallback=call.fallback)
        return call.ask(BRIDGE_IN, "bridge_ask_number",
                        "ack_bad_number" if call.digits else "no_input", t=tries + 1)
    if call.receiver.questions.asks_personal_pin(call.actor):
        return call.ask(BRIDGE_PIN, "personal_pin_ask", n=number, t=0)
    return await _dial_in(call, number)


async def bridge_pin_step(call: Call) -> VoiceResponse:
    number, digits, tries = call.qint("n"), call.digits, call.qint("t")
    right = call.receiver.questions.personal_pin_ok(call.actor, digits)
    if (refused := await call.pin_refused(right, PERSONAL)) is not None:
        return refused  # too many wrong PINs from this number (core/pin_limits.py)
    if right:
        return await _dial_in(call.proven(Proof.PIN), number)
    if digits == "" or tries + 1 >= MAX_TRIES:  # pound alone, or out of tries: call back
        return await _dial_in(call, number)
    return call.ask(BRIDGE_PIN, "personal_pin_ask", "pin_wrong" if digits else "no_input",
                    n=number, t=tries + 1)


async def _dial_in(call: Call, number: int) -> VoiceResponse:
    """Join the team call now (a proven caller), or be called into it (caller ID only:
    ``who.joins_call``); the receiver decides and says which."""
    reply = await call.receiver.handle(call.actor, cmd.CallEvent(number, "dialin", call.sid),
                                       "voice", dedup_key=call.dedup(f"dialin{number}"))
    response = VoiceResponse()
    call.say_reply(response, reply)
    if reply.key is ReplyKey.BRIDGE_JOIN:
        join_conference(call, response, number)
        return response
    if reply.key is not ReplyKey.BRIDGE_CALLBACK:
        call.say(response, "goodbye")
    response.hangup()
    return response


def add_routes(app: web.Application, voice: VoiceRoutes) -> None:
    app.router.add_post(CONNECT, voice.route("voice_connect", connect_step, caller_field="To"))
    app.router.add_post(DIALED, voice.route("voice_dialed", dialed_step, caller_field="To"))
    app.router.add_post(LEG, voice.route("voice_leg", leg_step))
    app.router.add_post(CONFERENCE_PATH, voice.route("voice_conference", conference_step))
    app.router.add_post(WAIT, voice.route("voice_wait", wait_step))
    app.router.add_post(HOLD, voice.route("voice_hold", hold_step))
    app.router.add_post(BRIDGE_IN, voice.route("voice_bridge", bridge_in_step))
    app.router.add_post(BRIDGE_PIN, voice.route("voice_bridge_pin", bridge_pin_step))
