"""Callbacks of voice pages (calls alertbot places): a key press, and the AMD verdict.

    POST /twilio/voice/page?outbox=ID&n=N&lang=L&r=R   Digits: 1 acknowledges, 2 repeats,
                                                        3 acknowledges and connects to the
                                                        reporter (twilio/calls.py)
    POST /twilio/voice/amd?outbox=ID&n=N&lang=L        AnsweredBy: human | machine_* | fax
    POST /twilio/voice/confirm?outbox=ID&n=N&lang=L&r=R  a confirmation call: 1 confirms

A call alertbot placed reached the person's own number, so a key pressed on it proves
who they are (``Proof.OUTBOUND_CALL``, decision 0014): the page's 1 acknowledges, and
the confirmation call's 1 does what a caller-ID-only call asked for.

Only a key press acknowledges. A machine never does: the page is recorded as *not
reached* (timeline, via the engine's status handling) and the live call is switched
to a short voicemail saying how to respond; the next round pages again.
"""

from __future__ import annotations

import logging

from aiohttp import web
from twilio.twiml.voice_response import VoiceResponse

from alertbot.core import commands as cmd
from alertbot.core.model import Channel
from alertbot.core.records import OutboxKind
from alertbot.notify.base import ChannelError
from alertbot.service.receiver import Actor
from alertbot.text.reply import Reply, ReplyKey
from alertbot.text.voice_text import prompt
from alertbot.twilio.calls import CONNECT_KEY, CONNECTED, connect, line, offer
from alertbot.twilio.voice_call import Call, VoiceRoutes
from alertbot.twilio.voice_sender import (
    AMD_PATH,
    CONFIRM_PATH,
    MAX_REPLAYS,
    PAGE_PATH,
    TwilioVoice,
    confirm_twiml,
    hangup_twiml,
    page_twiml,
    repeats_unanswered,
    voicemail_twiml,
)

log = logging.getLogger("alertbot.twilio")

ACK_KEY = "1"
REPEAT_KEY = "2"


async def page_step(call: Call) -> VoiceResponse | str:
    number, replay = call.qint("n"), call.qint("r")
    item = await call.outbox_item(number, call.qint("outbox"))
    digits = call.digits or ""
    if digits in (ACK_KEY, CONNECT_KEY) and number:
        actor = call.actor
        if item is not None:  # the person this page was for, whoever's phone shows up
            contact = call.config.contacts.get(item.contact_id or "") or actor.contact
            actor = Actor(contact, phone=item.address, proof=actor.proof)
        if digits == CONNECT_KEY:  # joining (or calling) the reporter acknowledges
            reply = await call.receiver.handle(actor, cmd.Ack(number), "voice",
                                               dedup_key=call.dedup("ack"))
            return await connect(call, number, reply)
        return await _act(call, actor, cmd.Ack(number), "ack", offer_connect=True)
    if item is None or not number:
        return call.goodbye("page_lost", n=number)
    state = await line(call, number)
    if state is not None and state.incident.acknowledged_by_name:  # taken while it rang
        response = VoiceResponse()
        call.say_reply(response, Reply(ReplyKey.ACK_ALREADY, {
            "n": number, "name": state.incident.acknowledged_by_name}, call.lang, number))
        await offer(call, response, number)
        call.say(response, "goodbye")
        response.hangup()
        return response
    if replay + 1 >= MAX_REPLAYS:
        return call.goodbye("page_unanswered", n=number)
    prefix = "" if digits == REPEAT_KEY else prompt("page_invalid", call.lang)
    return page_twiml(call.public_url, item.id, number, call.lang, item.body,
                      replay=replay + 1, prefix=prefix, again=repeats_unanswered(item.reason))


async def _act(call: Call, actor: Actor, command: cmd.Ack | cmd.Resolve,
               what: str, offer_connect: bool = False) -> VoiceResponse:
    """Apply the key press's command once per call, say what happened (and, after an
    acknowledgement, offer 3: talk with the reporter), hang up."""
    reply = await call.receiver.handle(actor, command, "voice", dedup_key=call.dedup(what))
    response = VoiceResponse()
    call.say_reply(response, reply)
    if offer_connect and reply.outcome in CONNECTED and reply.incident_id:
        await offer(call, response, reply.incident_id)
    call.say(response, "goodbye")
    response.hangup()
    return response


async def amd_step(call: Call) -> VoiceResponse:
    answered = call.form.get("AnsweredBy", "")
    machine = answered.startswith("machine")
    if not (machine or answered == "fax") or not call.sid:
        return VoiceResponse()  # human or unknown: the page goes on; only a key counts
    engine = call.engine
    await engine.provider_status(call.sid, "voicemail" if machine else "fax", None)
    sender = engine.senders.get(Channel.VOICE)
    if isinstance(sender, TwilioVoice):
        number = call.qint("n")
        item = await call.outbox_item(number, call.qint("outbox"))
        again = item is None or repeats_unanswered(item.reason)
        twiml = (voicemail_twiml(call.lang, item.body if item else "", number or None, again)
                 if machine else hangup_twiml())
        try:
            await sender.update_call(call.sid, twiml)
        except ChannelError as exc:  # the call may have ended meanwhile
            log.warning("could not switch call %s to voicemail: %s", call.sid, exc)
    return VoiceResponse()


_CONFIRMS: dict[OutboxKind, type[cmd.Ack] | type[cmd.Resolve]] = {
    OutboxKind.CONFIRM_ACK: cmd.Ack, OutboxKind.CONFIRM_RESOLVE: cmd.Resolve}


async def confirm_step(call: Call) -> VoiceResponse | str:
    """A key on a confirmation call: 1 does what the caller-ID-only call asked for."""
    number, replay = call.qint("n"), call.qint("r")
    item = await call.outbox_item(number, call.qint("outbox"))
    command = _CONFIRMS.get(item.kind) if item is not None else None
    contact = call.config.contacts.get(item.contact_id or "") if item is not None else None
    if item is None or command is None or contact is None or not number:
        return call.goodbye("confirm_lost")
    digits = call.digits or ""
    if digits == ACK_KEY:
        actor = Actor(contact, phone=item.address, proof=call.actor.proof)
        return await _act(call, actor, command(number), "confirm")
    if replay + 1 >= MAX_REPLAYS:
        return call.goodbye("confirm_unanswered")
    return confirm_twiml(call.public_url, item.id, number, call.lang, item.body,
                         replay=replay + 1, prefix=prompt("page_invalid", call.lang))


def add_routes(app: web.Application, voice: VoiceRoutes) -> None:
    app.router.add_post(PAGE_PATH, voice.route("voice_page", page_step, caller_field="To"))
    app.router.add_post(AMD_PATH, voice.route("voice_amd", amd_step, caller_field="To"))
    app.router.add_post(CONFIRM_PATH, voice.route("voice_confirm", confirm_step,
                                                  caller_field="To"))
