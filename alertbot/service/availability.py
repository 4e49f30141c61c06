"""AWAY and BACK: a responder's availability, set by text or by the console (issue 14).

Called by the receiver (``_dispatch``) inside the command's unit of work, and by
``POST /api/contacts/{id}/away`` and ``…/back``. The AWAY is stored with its end
(store/reachability.py): it survives restarts, every instance sees it, and it ends by
itself. Whom a step pages while someone is away is decided in core/availability.py.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from alertbot.core import commands as cmd
from alertbot.core import who
from alertbot.core.actors import Outcome
from alertbot.core.availability import (
    MAX_AWAY,
    AwayAsk,
    AwayFor,
    AwayProblem,
    check_end,
    read_away,
)
from alertbot.core.model import Config, Contact
from alertbot.store.sql import Tx
from alertbot.text.dates import day_time
from alertbot.text.reply import Reply, ReplyKey

log = logging.getLogger("alertbot.availability")

_PROBLEMS = {AwayProblem.UNREADABLE: ReplyKey.AWAY_UNREADABLE,
             AwayProblem.AMBIGUOUS: ReplyKey.AWAY_AMBIGUOUS,
             AwayProblem.TOO_LONG: ReplyKey.AWAY_TOO_LONG,
             AwayProblem.PAST: ReplyKey.AWAY_PAST}


def by_text(tx: Tx, config: Config, contact: Contact, command: cmd.Away | cmd.Back,
            now: float, source: str = "sms") -> Reply:
    """Apply ``AWAY [when]`` or ``BACK`` from ``contact``; the reply (data)."""
    lang = contact.language
    verdict = who.may_be_away(config, contact)
    if not verdict.allowed:
        log.info("%s texted %s: %s", contact.id, type(command).__name__.upper(),
                 verdict.reason)
        return Reply(ReplyKey.AWAY_NOT_PAGED, {}, lang, outcome=Outcome.REFUSED)
    if isinstance(command, cmd.Back):
        return back(tx, contact, now)
    ask = read_away(command.spec, day_first=lang == "es")
    end = ask if isinstance(ask, AwayProblem) else away_end(ask, now, config.timezone)
    if isinstance(end, AwayProblem):
        values: dict[str, object] = {"days": int(MAX_AWAY // 86400)} if (
            end is AwayProblem.TOO_LONG) else {}
        return Reply(_PROBLEMS[end], values, lang, outcome=Outcome.REFUSED)
    return away(tx, config, contact, end, now, contact.id, source)


def away_end(ask: AwayAsk, now: float, timezone: str) -> float | AwayProblem:
    """When ``ask`` (sent at ``now``) ends, in epoch seconds; a weekday is the next one
    (never today), a month/day without a year this year's or, once past, next year's;
    either from 00:00 in ``timezone``. Beyond ``MAX_AWAY`` or already past: the problem."""
    if isinstance(ask, AwayFor):
        return check_end(now + (MAX_AWAY if ask.seconds is None else ask.seconds), now)
    zone = ZoneInfo(timezone)
    today = datetime.fromtimestamp(now, zone).date()
    try:
        if ask.days_ahead is not None:
            day = today + timedelta(days=ask.days_ahead)
        elif ask.weekday is not None:
            day = today + timedelta(days=(ask.weekday - today.weekday()) % 7 or 7)
        elif ask.year is not None:
            day = date(ask.year, ask.month or 0, ask.day or 0)
        else:
            day = date(today.year, ask.month or 0, ask.day or 0)
            if day < today:  # today's date is no end: PAST below, not next year
                day = date(today.year + 1, day.month, day.day)
    except ValueError:  # 2/30, 13/1
        return AwayProblem.UNREADABLE
    if day <= today:
        return AwayProblem.PAST
    return check_end(datetime.combine(day, time(0, 0), zone).timestamp(), now)


def away(tx: Tx, config: Config, contact: Contact, until: float, now: float, set_by: str,
         source: str) -> Reply:
    """Record ``contact`` away from ``now`` until ``until``; the reply to them."""
    tx.set_away(contact.id, now, until, set_by, source)
    until_text = day_time(until, config.timezone, contact.language)
    log.info("%s is away until %s (set by %s via %s)", contact.id, until_text, set_by,
             source)
    return Reply(ReplyKey.AWAY_OK, {"until": until_text}, contact.language,
                 outcome=Outcome.INFO)


def back(tx: Tx, contact: Contact, now: float) -> Reply:
    """End ``contact``'s AWAY; the reply says whether they were away."""
    was = tx.end_away(contact.id, now)
    if was:
        log.info("%s is back", contact.id)
    return Reply(ReplyKey.BACK_OK if was else ReplyKey.BACK_NOT_AWAY, {}, contact.language,
                 outcome=Outcome.INFO)
