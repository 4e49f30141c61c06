"""The console's own commands: page someone now, text the reporter (issue 11).

Called by the receiver's ``_dispatch`` inside the command's one unit of work, after
``who.may_command`` let the person through; who may act on which incident is
``core/who.py`` (``may_page_now``, ``may_message_reporter``). Everything sent goes
through the outbox (``tx.enqueue``) with a reason, and the timeline says who did it.

* ``PageNow(number, target)``: ``target`` is a contact id or a role
  (``Config.resolve_targets``). Each person is paged the way an escalation step pages
  them (new-user trial 2: it sent one text, never a call): on each of their channels
  from contacts/ (SMS, a voice call whose key 1 acknowledges, Slack), in order and
  ``channel_delay`` apart, built by the engine's own path (``core.policy.summon`` and
  ``notices.pages_for``: same bodies, DRILL marks, outbox rows of kind ``page``).
  While nobody has acknowledged, the first acknowledgement cancels them as any page.
  After an acknowledgement they still go (``notify.claim.still_wanted``): a designee
  calls counsel in without restarting the ringing for everyone; the person's own ACK
  (text, Slack, or key 1 on the call) stops theirs (service/responding.py).
* ``MessageReporter(number, text)``: ``text`` is sent as typed (no folding: the district
  chose these words) to the number that opened the incident. Over ``MESSAGE_LIMIT``
  characters, Twilio's cap on one message body (error 21617), it is refused whole:
  ``TooLong`` (field ``text``) is raised, the unit of work is rolled back and nothing is
  sent; every entry point renders that refusal. People's words are never cut (0052).
"""

from __future__ import annotations

from alertbot.core import who
from alertbot.core.actors import Outcome
from alertbot.core.commands import MessageReporter, PageNow
from alertbot.core.incident import Incident, State
from alertbot.core.lengths import refuse_over
from alertbot.core.model import Channel, Config, Contact
from alertbot.core.plan import recipient
from alertbot.core.policy import summon
from alertbot.core.records import CONSOLE_PAGE_REASON, NewMessage, OutboxKind, OutboxStatus
from alertbot.service import notices
from alertbot.store.tx import Tx
from alertbot.text.messages import SMS_MAX_CHARS
from alertbot.text.reply import Reply, ReplyKey

MESSAGE_LIMIT = SMS_MAX_CHARS  # characters in a designee's text to the reporter


def apply(tx: Tx, config: Config, now: float, contact: Contact,
          command: PageNow | MessageReporter, public_url: str | None) -> Reply:
    """Apply a console command for ``contact`` at ``now`` (epoch seconds); the reply.
    ``public_url`` is not used by these commands (the receiver passes it)."""
    incident = tx.get_incident(command.number)
    lang = contact.language
    if incident is None:
        return Reply(ReplyKey.NO_SUCH, {"n": command.number}, lang, None, Outcome.NOT_FOUND)
    if isinstance(command, PageNow):
        return page_now(tx, config, now, contact, incident, command.target)
    return message_reporter(tx, config, now, contact, incident, command.text)


def _refused(verdict: who.Verdict, incident: Incident, language: str) -> Reply:
    return Reply(ReplyKey(verdict.key), dict(verdict.values), language, incident.id,
                 Outcome.REFUSED)


def page_now(tx: Tx, config: Config, now: float, contact: Contact, incident: Incident,
             target: str) -> Reply:
    """Page ``target`` (contact id or role) for ``incident`` now; see the module doc."""
    lang = contact.language
    verdict = who.may_page_now(config, contact, incident)
    if not verdict.allowed:
        return _refused(verdict, incident, lang)
    people = config.resolve_targets((target.strip(),)) if target.strip() else ()
    if not people:
        return Reply(ReplyKey.CONSOLE_NO_TARGET, {"n": incident.id}, lang, incident.id,
                     Outcome.NOT_FOUND)
    # A page links to the incident and asks for an ACK: page only people who may open
    # and answer it (who.may_be_paged_now; new-user trials: another school's principal
    # got a link that 404s, a principal's ACK to the page was refused).
    verdicts = [(p, who.may_be_paged_now(config, p, incident)) for p in people]
    people = tuple(p for p, v in verdicts if v.allowed)
    if not people:
        key = next(v.key for _p, v in verdicts if not v.allowed)
        return Reply(ReplyKey(key), {"n": incident.id, "names": [p.name for p, _v in verdicts]},
                     lang, incident.id, Outcome.REFUSED)
    reason = f"{notices.CONSOLE_PAGE_REASON}{contact.name}"
    found = [(person, *recipient(person)) for person in people]
    decision = summon(incident, [r for _p, r, _m in found if r is not None], reason)
    messages = notices.pages_for(incident, decision, config.timezone, config, repeat=1)
    reached: list[str] = []
    for person, _found, missing in found:
        channels = [str(m.channel) for m in messages if m.contact_id == person.id]
        if channels:
            reached.append(f"{person.name} by {', '.join(channels)}")
        elif missing:
            reached.append(f"{person.name}: no address for {', '.join(missing)}")
    tx.enqueue(messages, now)
    after = " (after the acknowledgement)" if incident.state is State.ACKNOWLEDGED else ""
    tx.add_timeline(incident.id, now, "paged",
                    f"{reason} (target {target.strip()}){after}: "
                    f"{'; '.join(reached) or 'nobody reachable'}", contact.name)
    names = [p.name for p in people]
    return Reply(ReplyKey.CONSOLE_PAGED, {"n": incident.id, "names": names}, lang,
                 incident.id, Outcome.PAGED)


def answered_page(tx: Tx, incident: Incident, contact: Contact, source: str,
                  now: float) -> Reply | None:
    """``contact`` acknowledged ``incident`` after someone else did. If the console paged
    them for it (a page of reason ``CONSOLE_PAGE_REASON`` that was not cancelled), that
    is their answer to it, as an ACK is to a step's page: their pending pages stop (a
    call ``channel_delay`` after the text is not placed), the timeline says so, and the
    reply says who leads the response. None: no console page of theirs (the caller says
    who acknowledged it, as before)."""
    if incident.state is not State.ACKNOWLEDGED or incident.acknowledged_by == contact.id:
        return None
    if not any(m.kind is OutboxKind.PAGE and m.contact_id == contact.id
               and m.reason.startswith(CONSOLE_PAGE_REASON)
               and m.status is not OutboxStatus.CANCELLED
               for m in tx.messages_for(incident.id)):
        return None
    cancelled = tx.cancel_pages_to(incident.id, contact.id)
    tx.add_timeline(incident.id, now, "paged",
                    f"{contact.name} answered the page from the console via {source}; "
                    f"their paging stopped ({cancelled} queued page(s) cancelled)",
                    contact.name)
    return Reply(ReplyKey.CONSOLE_PAGE_ACKED,
                 {"n": incident.id, "name": incident.acknowledged_by_name or "?"},
                 contact.language, incident.id, Outcome.ALREADY_ACKNOWLEDGED)


def reporter_phone(config: Config, incident: Incident) -> str | None:
    """The number that opened ``incident`` (E.164), else its reporter contact's phone."""
    if incident.reporter_phone:
        return incident.reporter_phone
    reporter = config.contacts.get(incident.reporter_id or "")
    return reporter.phone if reporter else None


def message_reporter(tx: Tx, config: Config, now: float, contact: Contact,
                     incident: Incident, text: str) -> Reply:
    """Text ``text`` (as typed, at most ``MESSAGE_LIMIT`` characters) to the reporter.

    Raises ``TooLong`` (field ``text``, limit ``MESSAGE_LIMIT``) for a longer text, once the
    person may send it: refused whole, never cut."""
    lang = contact.language
    verdict = who.may_message_reporter(config, contact, incident)
    if not verdict.allowed:
        return _refused(verdict, incident, lang)
    phone = reporter_phone(config, incident)
    if phone is None:
        return Reply(ReplyKey.CONSOLE_NO_PHONE, {"n": incident.id}, lang, incident.id,
                     Outcome.REFUSED)
    body = text.strip()
    refuse_over("text", body, MESSAGE_LIMIT)
    reason = f"message to the reporter from the console by {contact.name}"
    tx.enqueue([NewMessage(OutboxKind.NOTICE, Channel.SMS, phone, body, incident.language,
                           incident.id, incident.reporter_id, reason=reason)], now)
    tx.add_timeline(incident.id, now, "console_message",
                    f"texted the reporter from the console ({contact.name}): {body}",
                    contact.name)
    return Reply(ReplyKey.CONSOLE_MESSAGED, {"n": incident.id}, lang, incident.id,
                 Outcome.MESSAGED)
