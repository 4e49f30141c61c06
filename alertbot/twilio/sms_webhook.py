"""POST /twilio/sms and POST /twilio/status: translate, call the receiver, reply TwiML."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from aiohttp import web
from twilio.twiml.messaging_response import MessagingResponse

from alertbot.config.loader import normalise_phone
from alertbot.core.actors import Outcome, Proof
from alertbot.core.commands import Attach, Command, Media, parse_sms, whole_number
from alertbot.core.model import Config
from alertbot.service.receiver import Actor
from alertbot.text.messages import fit_sms
from alertbot.text.reply import Reply, ReplyKey
from alertbot.text.sms import render_sms
from alertbot.twilio.signature import twilio_form

if TYPE_CHECKING:
    from alertbot.engine.loop import Engine
    from alertbot.metrics import Metrics
    from alertbot.service.receiver import Receiver
    from alertbot.settings import Settings

log = logging.getLogger("alertbot.twilio")


def twiml_message(text: str) -> web.Response:
    """A TwiML reply of one ``<Message>`` (none for ``""``). The final guard of every
    reply text: ``fit_sms`` keeps it within Twilio's 1,600 characters (error 21617) and
    ``SMS_MAX_SEGMENTS``, whatever built it."""
    response = MessagingResponse()
    if text:
        response.message(fit_sms(text))
    return web.Response(text=str(response), content_type="application/xml")


def actor_for_phone(config: Config, raw: str) -> Actor:
    """The sender of a text from the number Twilio gave (``From``, any format)."""
    phone = normalise_phone(raw) or raw
    contact = config.contact_by_phone(phone)
    # Twilio delivered it from that number: the provider vouches for the sender (0014).
    return Actor(contact, phone=phone, proof=Proof.PROVIDER)


MAX_MEDIA = 10  # Twilio: at most 10 files per MMS


def media_of(form: dict[str, str]) -> tuple[Media, ...]:
    """The files of an MMS: ``NumMedia`` (0-10) pairs of ``MediaUrlN`` and
    ``MediaContentTypeN`` (Twilio's webhook fields); a missing URL is skipped."""
    count = min(whole_number(form.get("NumMedia", "0").strip()) or 0, MAX_MEDIA)
    found = ((form.get(f"MediaUrl{i}", "").strip(), form.get(f"MediaContentType{i}", ""))
             for i in range(count))
    return tuple(Media(url, kind.strip()[:100]) for url, kind in found if url)


def sms_command(config: Config, form: dict[str, str]) -> Command:
    """What a text asks for: ``parse_sms`` of its body, wrapped in ``Attach`` when it
    came with files (MMS, issue 12)."""
    command = parse_sms(config, form.get("Body", ""))
    media = media_of(form)
    if not media:
        return command
    key = f"sms:{form.get('MessageSid') or uuid.uuid4().hex}"
    return Attach(media, key, command, form.get("Body", ""))


async def inbound_sms(receiver: Receiver, form: dict[str, str], source: str) -> Reply:
    """Apply one inbound text; the receiver's reply (data: the caller renders it for its
    medium). Shared by Twilio and the sandbox form."""
    actor = actor_for_phone(receiver.config, form.get("From", ""))
    command = sms_command(receiver.config, form)
    sid = form.get("MessageSid")
    return await receiver.handle(actor, command, source,
                                 dedup_key=f"sms:{sid}" if sid else None)


class SmsWebhook:
    """POST /twilio/sms and POST /twilio/status, with the collaborators they use
    (decision 0046): the receiver and engine as getters (they exist once the app has
    started), the settings (public URL, auth token: the signature) and the metrics."""

    def __init__(self, receiver: Callable[[], Receiver], engine: Callable[[], Engine],
                 settings: Settings, metrics: Metrics) -> None:
        self._receiver, self._engine = receiver, engine
        self._settings, self._metrics = settings, metrics

    async def inbound(self, request: web.Request) -> web.Response:
        """A text: 403 unless Twilio signed it; else the receiver's reply as TwiML."""
        metrics, receiver = self._metrics, self._receiver()
        form = await twilio_form(request, "sms", self._settings, metrics)
        try:
            reply = await inbound_sms(receiver, form, "sms")
        except Exception:
            log.exception("could not handle an inbound text")
            metrics.inbound.labels(route="sms", result="error").inc()
            language = actor_for_phone(receiver.config, form.get("From", "")).language
            failed = receiver.questions.fallback_reply(Outcome.INFO, ReplyKey.INTAKE_ERROR,
                                                       language)
            return twiml_message(render_sms(failed))
        metrics.inbound.labels(route="sms", result="ok").inc()
        return twiml_message(render_sms(reply))

    async def status(self, request: web.Request) -> web.Response:
        """Delivery and call status callbacks: record, and act on a failure."""
        form = await twilio_form(request, "status", self._settings, self._metrics)
        sid = form.get("MessageSid") or form.get("CallSid") or ""
        status = form.get("MessageStatus") or form.get("CallStatus") or ""
        code = form.get("ErrorCode") or None
        if sid and status:
            await self._engine().provider_status(sid, status, code)
        self._metrics.inbound.labels(route="status", result="ok").inc()
        return web.Response(status=204)
