"""Twilio voice pages: a call that says the page and counts only a key press.

The call is created with inline TwiML (``calls.create(twiml=…)``): the page is spoken
inside ``<Gather numDigits=1>`` (barge-in: 1 may be pressed during the message), three
times, then the call says it was not acknowledged and hangs up. Every ``action`` is an
absolute URL built from ``ALERTBOT_PUBLIC_URL``; the state a later step needs (outbox
id, incident number, language, replay count) rides in its query string, which Twilio
signs with the rest of the URL.

A *confirmation call* (outbox kinds ``confirm_ack`` / ``confirm_resolve``, decision 0014)
calls back a contact whose acknowledgement came with caller ID only: it asks them to
press 1 (action ``/twilio/voice/confirm``), and nothing else confirms.

Answering-machine detection runs in the background (``async_amd``, DetectMessageEnd):
the callee hears the page at once; when Twilio reports a machine, the inbound handler
replaces the call's TwiML with a short voicemail (``update_call``) and the page counts
as *not reached*. Call statuses go to ``/twilio/status`` like SMS statuses.
"""

from __future__ import annotations

from urllib.parse import urlencode

from twilio.rest import Client
from twilio.twiml.voice_response import Gather, VoiceResponse

from alertbot.core.model import Channel
from alertbot.core.records import CONSOLE_PAGE_REASON
from alertbot.notify.base import OutboundMessage, SendResult
from alertbot.text.messages import clean_text
from alertbot.text.voice_text import prompt, spoken_page, voice_for
from alertbot.twilio.placed import placed_already
from alertbot.twilio.sms_sender import create_resource

PAGE_REPEATS = 3  # times the page is said in one call before it hangs up
MAX_REPLAYS = 3  # "press 2 to hear it again" at most this many times
MAX_TWIML = 4000  # Twilio's limit for inline TwiML
CALL_EVENTS = ["answered", "completed"]
CALL_TIME_LIMIT = 300  # seconds: a page call never runs longer (a stuck voicemail box)

PAGE_PATH = "/twilio/voice/page"
AMD_PATH = "/twilio/voice/amd"
CONFIRM_PATH = "/twilio/voice/confirm"
CONFIRM_KINDS = ("confirm_ack", "confirm_resolve")  # OutboxKind values
STATUS_PATH = "/twilio/status"
CONFERENCE_PATH = "/twilio/voice/conference"  # <Conference statusCallback> (issue 13)
CONFERENCE_EVENTS = "start end join leave"
BRIDGE_KIND = "bridge"  # OutboxKind value: a call into the incident's conference


def absolute(public_url: str, path: str, **params: object) -> str:
    """``public_url + path`` with ``params`` as the query (values kept to [A-Za-z0-9_-])."""
    query = urlencode({k: str(v) for k, v in params.items() if v is not None})
    return public_url.rstrip("/") + path + (f"?{query}" if query else "")


def say(parent: VoiceResponse | Gather, text: str, language: str) -> None:
    """``<Say>`` in ``language``'s voice; the text stripped of control characters.

    The SDK escapes XML, so a reporter named ``<Ana & Co>`` cannot inject TwiML.
    """
    text = clean_text(text, limit=1500)
    if text:
        locale, voice = voice_for(language)
        parent.say(text, voice=voice, language=locale)


def page_text(body: str, language: str) -> str:
    return " ".join((prompt("page_intro", language), spoken_page(body, language)))


def page_twiml(public_url: str, outbox_id: int, incident_id: int | None, language: str,
               body: str, *, replay: int = 0, prefix: str = "", again: bool = True) -> str:
    """The TwiML of a voice page: the page in a Gather, a few times, then goodbye.
    ``again``: the goodbye says they will be paged again (False for the console's
    page, which the escalation does not repeat: ``repeats_unanswered``)."""
    text = page_text(body, language)
    for repeats in range(PAGE_REPEATS, 0, -1):
        twiml = _page_twiml(public_url, outbox_id, incident_id, language, text, replay,
                            prefix, repeats, again)
        if len(twiml) <= MAX_TWIML:
            return twiml
    return _page_twiml(public_url, outbox_id, incident_id, language, text[:1200], replay,
                       prefix, 1, again)


def repeats_unanswered(reason: str) -> bool:
    """Whether an unanswered page of this ``reason`` is paged again by the escalation:
    a step's page is (the next round); the console's "page now" is not."""
    return not reason.startswith(CONSOLE_PAGE_REASON)


def _page_twiml(public_url: str, outbox_id: int, incident_id: int | None, language: str,
                text: str, replay: int, prefix: str, repeats: int, again: bool) -> str:
    response = VoiceResponse()
    if prefix:
        say(response, prefix, language)
    if incident_id is None:  # not a page of an incident: nothing to acknowledge
        say(response, text, language)
        response.hangup()
        return str(response)
    action = absolute(public_url, PAGE_PATH, outbox=outbox_id, n=incident_id, lang=language,
                      r=replay)
    for _ in range(repeats):
        gather = response.gather(num_digits=1, timeout=6, action=action, method="POST")
        say(gather, f"{text} {prompt('page_prompt', language)}", language)
    say(response, prompt("page_unanswered" if again else "page_unanswered_once", language,
                         n=incident_id), language)
    response.hangup()
    return str(response)


def voicemail_twiml(language: str, body: str, incident_id: int | None,
                    again: bool = True) -> str:
    """What is left on a voicemail box: the page, and how to respond (it never acks);
    ``again`` as for ``page_twiml``."""
    response = VoiceResponse()
    page = spoken_page(body, language)
    say(response, prompt("voicemail" if again else "voicemail_once", language, page=page,
                         n=incident_id or ""), language)
    response.hangup()
    return str(response)


def confirm_twiml(public_url: str, outbox_id: int, incident_id: int, language: str,
                  body: str, *, replay: int = 0, prefix: str = "") -> str:
    """A confirmation call: the question (``body``) in a Gather, a few times; only 1 at
    ``CONFIRM_PATH`` confirms, and silence ends the call with nothing done."""
    response = VoiceResponse()
    if prefix:
        say(response, prefix, language)
    action = absolute(public_url, CONFIRM_PATH, outbox=outbox_id, n=incident_id,
                      lang=language, r=replay)
    for _ in range(PAGE_REPEATS):
        gather = response.gather(num_digits=1, timeout=6, action=action, method="POST")
        say(gather, body, language)
    say(response, prompt("confirm_unanswered", language), language)
    response.hangup()
    return str(response)


def conference_room(number: int) -> str:
    """The ``<Conference>`` name of incident ``number`` (one room per incident)."""
    return f"alertbot-incident-{number}"


def bridge_twiml(public_url: str, incident_id: int, language: str, body: str) -> str:
    """A team-bridge call (issue 13): who is calling and why (``body``), then the
    incident's conference; its events go to ``CONFERENCE_PATH``."""
    response = VoiceResponse()
    say(response, body, language)
    dial = response.dial()
    dial.conference(conference_room(incident_id), start_conference_on_enter=True,
                    end_conference_on_exit=False, beep="onEnter",
                    status_callback=absolute(public_url, CONFERENCE_PATH, n=incident_id),
                    status_callback_event=CONFERENCE_EVENTS, status_callback_method="POST")
    say(response, prompt("line_ended", language), language)
    response.hangup()
    return str(response)


def hangup_twiml() -> str:
    response = VoiceResponse()
    response.hangup()
    return str(response)


class TwilioVoice:
    """``Sender`` for voice pages through Twilio's Calls API."""

    channel = Channel.VOICE

    def __init__(self, client: Client, from_number: str, public_url: str, *,
                 owns_client: bool = True, machine_detection: str = "DetectMessageEnd") -> None:
        self._client = client
        _ = client.calls  # imported on first use by the SDK: at start-up, not mid-page
        self._from = from_number
        self._public_url = public_url.rstrip("/")
        self._owns_client = owns_client
        self._machine_detection = machine_detection

    async def send(self, message: OutboundMessage) -> SendResult:
        if message.kind in CONFIRM_KINDS and message.incident_id is not None:
            return await self._confirm(message, message.incident_id)
        if message.kind == BRIDGE_KIND and message.incident_id is not None:
            return await self._plain(message, bridge_twiml(
                self._public_url, message.incident_id, message.language, message.body))
        twiml = page_twiml(self._public_url, message.outbox_id, message.incident_id,
                           message.language, message.body, again=message.again)
        amd = absolute(self._public_url, AMD_PATH, outbox=message.outbox_id,
                       n=message.incident_id, lang=message.language)
        return await create_resource(self._client.calls.create_async(
            to=message.to, from_=self._from, twiml=twiml,
            status_callback=self._public_url + STATUS_PATH,
            status_callback_event=CALL_EVENTS, status_callback_method="POST",
            machine_detection=self._machine_detection, async_amd="true",
            async_amd_status_callback=amd, async_amd_status_callback_method="POST",
            time_limit=CALL_TIME_LIMIT,
        ))

    async def _confirm(self, message: OutboundMessage, incident_id: int) -> SendResult:
        """Call the contact back from the district voice number; no AMD: a machine cannot
        press 1, and the question is not worth leaving on a voicemail."""
        twiml = confirm_twiml(self._public_url, message.outbox_id, incident_id,
                              message.language, message.body)
        return await self._plain(message, twiml)

    async def _plain(self, message: OutboundMessage, twiml: str) -> SendResult:
        """A call without answering-machine detection (a confirmation, a bridge call);
        not placed again when an earlier try of its row did (twilio/placed.py)."""
        if message.tries_before:
            sid = await placed_already(self._client, message.to, self._from,
                                       message.queued_at)
            if sid is not None:
                return SendResult(provider_id=sid, detail="placed by an earlier try")
        return await create_resource(self._client.calls.create_async(
            to=message.to, from_=self._from, twiml=twiml,
            status_callback=self._public_url + STATUS_PATH,
            status_callback_event=CALL_EVENTS, status_callback_method="POST",
            time_limit=CALL_TIME_LIMIT,
        ))

    async def update_call(self, call_sid: str, twiml: str) -> None:
        """Replace what a live call is doing (a voicemail after AMD says "machine")."""
        await create_resource(self._client.calls(call_sid).update_async(twiml=twiml))

    async def cancel_call(self, call_sid: str) -> None:
        """Stop a call that is still queued or ringing (Twilio: ``Status=canceled``);
        raises ``PermanentFailure`` if it was answered or ended meanwhile (21220)."""
        await create_resource(self._client.calls(call_sid).update_async(status="canceled"))

    @property
    def from_number(self) -> str:
        """The district number calls come from (``<Dial callerId>``)."""
        return self._from

    async def close(self) -> None:
        if self._owns_client:
            await self._client.http_client.close()
