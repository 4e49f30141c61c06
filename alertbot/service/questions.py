"""The receiver's answers that need no unit of work: refusals, and the questions an
adapter asks before it has a command to apply (the phone tree's PINs and menu, whether to
ask the school first, the fallback number).

Every answer is ``core/who.py``'s; adapters ask here (through the receiver) and never
decide themselves. Pure: reads only the config in force, through a getter, because a
reload (SIGHUP, ``POST /api/reload``) swaps the receiver's config.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping

from alertbot.core import who
from alertbot.core.actors import Actor, Outcome
from alertbot.core.model import Config, School
from alertbot.core.who import Verdict
from alertbot.text.reply import Reply, ReplyKey

log = logging.getLogger("alertbot.receiver")


class Questions:
    """``config``: returns the config in force (the receiver's, swapped on reload)."""

    def __init__(self, config: Callable[[], Config]) -> None:
        self._config = config

    @property
    def config(self) -> Config:
        return self._config()

    # --- refusing ----------------------------------------------------------------------

    def refuse(self, actor: Actor, verdict: Verdict) -> Reply:
        """The refusal ``verdict`` decided (``core/who.py``), the same on every channel."""
        log.info("refused %s: %s", actor.masked, verdict.reason)
        return keyed(Outcome.REFUSED, verdict.key, actor.language, None, verdict.values)

    def intake(self, actor: Actor) -> Reply:
        """Someone reached an intake that asks what to report (the phone tree): refused
        here if they may not report, before any question."""
        verdict = who.may_report(self.config, actor.contact, actor.phone)
        if not verdict.allowed:
            return self.refuse(actor, verdict)
        return Reply(ReplyKey.NONE, {}, actor.language, None, Outcome.INFO)

    # --- questions an adapter asks before it has a command (pure: no unit of work) ----

    def asks_school_first(self, actor: Actor, named: School | None) -> bool:
        """Should a channel that can ask (phone tree, Slack picker) ask the school before
        sending ``Open``? Never for a sender who may not report (they are refused)."""
        return who.asks_school_first(self.config, actor.contact, actor.phone, named)

    def needs_district_pin(self, actor: Actor) -> bool:
        return who.needs_district_pin(self.config, actor.contact)

    def district_pin_ok(self, digits: str | None) -> bool:
        """The district PIN was keyed in right (or none is set)."""
        return who.district_pin_ok(self.config, digits)

    def personal_pin_ok(self, actor: Actor, digits: str | None) -> bool:
        return who.personal_pin_ok(actor.contact, digits)

    def asks_personal_pin(self, actor: Actor) -> bool:
        return who.asks_personal_pin(actor.contact, actor.proof)

    def offers_ack_digit(self, actor: Actor) -> bool:
        """Does the phone tree's menu say "press 0" to this caller?"""
        return who.offers_ack_digit(self.config, actor.contact).allowed

    def takes_ack_digit(self, actor: Actor) -> bool:
        return who.takes_ack_digit(actor.contact)

    def school_for(self, actor: Actor, named: School | None) -> School | None:
        """The school an ``Open`` naming ``named`` goes to (for a receipt's wording)."""
        return who.school_for_report(self.config, actor.contact, named).school

    def fallback(self) -> who.Fallback:
        """The number a refused or failed sender is told to call (``fallback_phone``)."""
        return who.fallback(self.config)

    def fallback_reply(self, outcome: Outcome, base: ReplyKey, language: str,
                       incident_id: int | None = None, **values: object) -> Reply:
        """Reply ``base``, which sends the sender to the fallback number: the key and
        values ``who.Fallback`` decides (``base_nofallback`` without a number, a key
        of its own in every medium's table)."""
        fb = who.fallback(self.config)
        return keyed(outcome, fb.key(base), language, incident_id, {**values, **fb.values})


def keyed(outcome: Outcome, key: str, language: str, incident_id: int | None,
          values: Mapping[str, object]) -> Reply:
    """The reply ``key`` (a decision's key, ``core/who.py``) with ``values``, as data.
    Raises ``ValueError`` for a key no medium has (``text/reply.ReplyKey``)."""
    return Reply(ReplyKey(key), dict(values), language, incident_id, outcome)


def reply(outcome: Outcome, key: ReplyKey, language: str, incident_id: int | None = None,
          **values: object) -> Reply:
    """The answer ``key`` with its ``values`` (data: each medium renders it, ``text/``)."""
    return Reply(key, dict(values), language, incident_id, outcome)
