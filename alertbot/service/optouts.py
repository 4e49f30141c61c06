"""Opt-outs alertbot sees: STOP / START texted to it, and Twilio's 21610 refusals.

Twilio acts on the reserved words itself (support.twilio.com, "Twilio support for
opt-out keywords"): after STOP every text to that number fails with error 21610 until
START. alertbot records each per contact and channel (store/reachability.py) so
``alertbot readiness`` can name who will not get a page and how to fix it.
"""

from __future__ import annotations

import logging

from alertbot.core.actors import Actor, Outcome
from alertbot.core.commands import OPT_OUT_WORDS
from alertbot.core.model import Channel, Config, Contact
from alertbot.service import notices
from alertbot.store.sql import Tx
from alertbot.text.reply import Reply, ReplyKey

log = logging.getLogger("alertbot.receiver")

OPT_IN_WORDS = frozenset({"START", "YES", "UNSTOP", "OPTIN"})
REFUSED_OPTED_OUT = "21610"  # Twilio: "Attempt to send to unsubscribed recipient"


def reserved_word(tx: Tx, contact: Contact | None, phone: str | None, word: str,
                  now: float) -> None:
    """A reserved word texted by ``contact`` from ``phone``: STOP & co. record an SMS
    opt-out (the first time is kept); START & co. clear it. Others (HELP) do nothing."""
    if contact is None or not phone:
        return
    if word in OPT_OUT_WORDS:
        tx.set_opt_out(contact.id, Channel.SMS, phone, now, f"texted {word}")
    elif word in OPT_IN_WORDS:
        tx.clear_opt_out(contact.id, Channel.SMS)


def reserved(tx: Tx, config: Config, actor: Actor, word: str, now: float) -> Reply:
    """The receiver's answer to a reserved word: Twilio answers STOP/HELP/START itself
    (so the reply is ``NONE``); we record an opt-out or opt-in and tell the admins of an
    opt-out by a contact (texts to them fail with 21610 until START)."""
    reserved_word(tx, actor.contact, actor.phone, word, now)
    if word in OPT_OUT_WORDS and actor.contact is not None:
        log.warning("%s texted %s: texts to them will fail until START", actor.masked, word)
        tx.enqueue(notices.notify_admins(
            config, "opted_out", None, f"{actor.contact.id} opted out",
            skip_address=actor.phone, name=actor.contact.name, word=word), now)
    return Reply(ReplyKey.NONE, {}, actor.language, outcome=Outcome.NONE)
