"""Opt-outs alertbot sees: STOP / START texted to it, and Twilio's 21610 refusals.

Twilio acts on the reserved words itself (support.twilio.com, "Twilio support for
opt-out keywords"): after STOP every text to that number fails with error 21610 until
START. alertbot records each per contact and channel (store/reachability.py) so
``alertbot readiness`` can name who will not get a page and how to fix it.
"""

from __future__ import annotations

from alertbot.core.commands import OPT_OUT_WORDS
from alertbot.core.model import Channel, Contact
from alertbot.store.sql import Tx

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
