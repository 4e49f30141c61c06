"""What every /twilio/voice* handler shares: the signed request, the caller, the reply.

``voice_route(name, step)`` wraps a step function: it checks the Twilio signature
(403 and no effect otherwise), builds the ``Call`` (who is on the line, in which
language, the state carried in the query string), runs the step and renders its
TwiML. A step that raises still answers the caller: sorry, call the fallback number.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from aiohttp import web
from twilio.twiml.voice_response import Gather, VoiceResponse

from alertbot.config.loader import normalise_phone
from alertbot.core.actors import Proof
from alertbot.core.commands import whole_number
from alertbot.core.model import Config, Contact
from alertbot.core.records import OutboxItem
from alertbot.service.pin_attempts import pin_refused
from alertbot.service.receiver import Actor, Receiver, Reply
from alertbot.text.reply import ReplyKey
from alertbot.text.voice import render_voice
from alertbot.text.voice_text import (
    language_of,
    other_language,
    prompt,
    spoken_fallback,
)
from alertbot.twilio.signature import twilio_form
from alertbot.twilio.voice_sender import absolute, say

if TYPE_CHECKING:
    from alertbot.engine.loop import Engine
    from alertbot.metrics import Metrics
    from alertbot.settings import Settings
    from alertbot.store.sql import Store

log = logging.getLogger("alertbot.twilio")

MAX_TRIES = 3  # wrong or missing answers to one question before the call ends politely
ATTESTED = "TN-Validation-Passed-A"  # Twilio's StirVerstat for STIR/SHAKEN attestation A
# The proof established earlier in this call rides in the signed query as ``v``
# (Twilio need not repeat StirVerstat on later requests; a PIN is keyed in once).
_CARRIED = {Proof.ATTESTED_CALL: "a", Proof.PIN: "p"}
_FROM_QUERY = {v: k for k, v in _CARRIED.items()}
Step = Callable[["Call"], Awaitable[VoiceResponse | str]]


class VoiceRoutes:
    """What the /twilio/voice* steps may use, given by the composition root (decision
    0046): the receiver, store and engine as getters (they exist once the app has
    started), the settings (public URL, auth token) and the metrics."""

    def __init__(self, receiver: Callable[[], Receiver], store: Callable[[], Store],
                 engine: Callable[[], Engine], settings: Settings, metrics: Metrics) -> None:
        self.receiver, self.store, self.engine = receiver, store, engine
        self.settings, self.metrics = settings, metrics

    def route(self, name: str, step: Step, caller_field: str = "From"
              ) -> Callable[[web.Request], Awaitable[web.Response]]:
        """``voice_route`` with these collaborators."""
        return voice_route(self, name, step, caller_field)


@dataclass(frozen=True)
class Call:
    """One Twilio request within a call: who is on the line, in which language."""

    request: web.Request
    form: dict[str, str]
    actor: Actor
    lang: str
    routes: VoiceRoutes

    @property
    def receiver(self) -> Receiver:
        return self.routes.receiver()

    @property
    def engine(self) -> Engine:
        return self.routes.engine()

    @property
    def config(self) -> Config:
        return self.receiver.config

    @property
    def public_url(self) -> str:
        return self.routes.settings.public_url

    @property
    def sid(self) -> str:
        return self.form.get("CallSid", "")

    @property
    def digits(self) -> str | None:
        """The keys pressed; None when Twilio came by ``<Redirect>`` (no input)."""
        return self.form.get("Digits")

    def dedup(self, what: str) -> str | None:
        return f"voice:{self.sid}:{what}" if self.sid else None

    def q(self, name: str) -> str:
        return self.request.query.get(name, "")

    def qint(self, name: str) -> int:
        """A number carried in the query; 0 when absent or not a number (see ``whole_number``)."""
        return whole_number(self.q(name)) or 0

    def url(self, path: str, **params: object) -> str:
        """An absolute action URL carrying the call's language, the caller's proof of
        identity (when stronger than caller ID) and ``params``."""
        return absolute(self.public_url, path, lang=self.lang,
                        v=_CARRIED.get(self.actor.proof), **params)

    def proven(self, proof: Proof) -> Call:
        """This call once the caller has shown ``proof`` (a right personal PIN)."""
        return replace(self, actor=replace(self.actor, proof=proof))

    def say_reply(self, parent: VoiceResponse | Gather, reply: Reply) -> None:
        """The receiver's answer, in this call's language and words (not the SMS text);
        a part that exists only in English (guidance) in the English voice."""
        for part in render_voice(reply, self.lang):
            say(parent, part.text, part.language)

    def switched(self) -> Call:
        return replace(self, lang=other_language(self.lang))

    @property
    def fallback(self) -> str:
        return spoken_fallback(self.receiver.questions.fallback().phone, self.lang)

    def say(self, parent: VoiceResponse | Gather, key: str, **values: object) -> None:
        say(parent, prompt(key, self.lang, **values), self.lang)

    def ask(self, path: str, key: str, prefix: str | None = None,
            num_digits: int | None = None, **state: object) -> VoiceResponse:
        """A question answered by keys then pound; no answer comes back by Redirect."""
        response = VoiceResponse()
        if prefix:
            self.say(response, prefix)
        action = self.url(path, **state)
        gather = response.gather(action=action, method="POST", timeout=6, finish_on_key="#",
                                 num_digits=num_digits)
        self.say(gather, key)
        response.redirect(action, method="POST")
        return response

    async def pin_refused(self, right: bool, kind: str) -> VoiceResponse | None:
        """Goodbye, with the fallback number, when PINs from this caller are locked out
        (before or by this answer: service/pin_attempts.py); None: act on the answer."""
        r = self.receiver
        if not await pin_refused(r.store, r.config, r.clock.now(), self.actor.phone, self.sid,
                                 self.digits, right, kind):
            return None
        r.nudge()  # the admins' notice, when this answer locked it
        return self.goodbye("pin_locked", fallback=self.fallback)

    def goodbye(self, key: str, **values: object) -> VoiceResponse:
        response = VoiceResponse()
        self.say(response, key, **values)
        response.hangup()
        return response

    async def outbox_item(self, incident_id: int, outbox_id: int) -> OutboxItem | None:
        """The outbox row a voice page's callback is about (its text, its contact)."""
        if not incident_id or not outbox_id:
            return None
        items = await self.routes.store().read(
            lambda tx: tx.messages_for(incident_id))
        return next((m for m in items if m.id == outbox_id), None)


def _call(routes: VoiceRoutes, request: web.Request, form: dict[str, str],
          caller_field: str) -> Call:
    raw = form.get(caller_field, "")
    phone = normalise_phone(raw) or raw or None
    config = routes.receiver().config
    contact = config.contact_by_phone(phone) if phone else None
    lang = request.query.get("lang", "")
    if lang not in ("en", "es"):
        lang = language_of(contact.language if contact else None)
    return Call(request, form, Actor(contact, phone=phone,
                                     proof=_proof(request, form, caller_field, contact)), lang,
                routes)


def _proof(request: web.Request, form: dict[str, str], caller_field: str,
           contact: Contact | None) -> Proof:
    """How we know who is on the line (decision 0014); the rule of what is enough to
    stop paging is ``core/who.py``'s (``who.stop_paging``).

    A call alertbot placed (``To`` is the person) reached their own number. On an
    inbound call the caller ID alone proves nothing, unless the carrier attested it
    (STIR/SHAKEN A) or the caller keyed in their personal PIN earlier in the call.
    """
    if caller_field == "To":
        outbound = form.get("Direction", "").startswith("outbound")
        return Proof.OUTBOUND_CALL if outbound else Proof.CALLER_ID
    if form.get("StirVerstat") == ATTESTED:
        return Proof.ATTESTED_CALL
    carried = _FROM_QUERY.get(request.query.get("v", ""))
    if carried is Proof.PIN and (contact is None or not contact.pin):
        return Proof.CALLER_ID
    return carried or Proof.CALLER_ID


def voice_route(routes: VoiceRoutes, name: str, step: Step, caller_field: str = "From"
                ) -> Callable[[web.Request], Awaitable[web.Response]]:
    """An aiohttp handler running ``step`` for genuine Twilio requests only.

    ``caller_field`` names the person on the line: ``From`` on an inbound call,
    ``To`` on a call alertbot placed (a voice page).
    """

    async def handler(request: web.Request) -> web.Response:
        metrics = routes.metrics
        form = await twilio_form(request, name, routes.settings, metrics)
        call = _call(routes, request, form, caller_field)
        try:
            twiml = await step(call)
        except Exception:
            log.exception("voice step %s failed", name)
            metrics.inbound.labels(route=name, result="error").inc()
            twiml = VoiceResponse()
            call.say_reply(twiml, Reply(ReplyKey.INTAKE_ERROR,
                                        {"fallback": call.config.fallback_phone or ""}))
            twiml.hangup()
        else:
            metrics.inbound.labels(route=name, result="ok").inc()
        return web.Response(text=str(twiml), content_type="application/xml")

    return handler
