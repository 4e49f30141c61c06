"""The console's own commands: page someone now, text the reporter (issue 11).

Called by the receiver's ``_dispatch`` inside the command's one unit of work, after
``who.may_command`` let the person through; who may act on which incident is
``core/who.py`` (``may_page_now``, ``may_message_reporter``). Everything sent goes
through the outbox (``tx.enqueue``) with a reason, and the timeline says who did it.

* ``PageNow(number, target)``: ``target`` is a contact id or a role
  (``Config.resolve_targets``). While nobody has acknowledged, each person is paged on
  each of their channels like an escalation step's page (kind ``page``: an
  acknowledgement cancels it). Once acknowledged, paging has stopped for everyone, so
  each person gets one notice by SMS (else Slack) asking them to join: a designee can
  still call in counsel without restarting the ringing.
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
from alertbot.core.records import NewMessage, OutboxKind
from alertbot.service import notices
from alertbot.store.tx import Tx
from alertbot.text.messages import SMS_MAX_CHARS
from alertbot.text.reply import Reply, ReplyKey

MESSAGE_LIMIT = SMS_MAX_CHARS  # characters in a designee's text to the reporter


def apply(tx: Tx, config: Config, now: float, contact: Contact,
          command: PageNow | MessageReporter, public_url: str | None) -> Reply:
    """Apply a console command for ``contact`` at ``now`` (epoch seconds); the reply."""
    incident = tx.get_incident(command.number)
    lang = contact.language
    if incident is None:
        return Reply(ReplyKey.NO_SUCH, {"n": command.number}, lang, None, Outcome.NOT_FOUND)
    if isinstance(command, PageNow):
        return page_now(tx, config, now, contact, incident, command.target, public_url)
    return message_reporter(tx, config, now, contact, incident, command.text)


def _refused(verdict: who.Verdict, incident: Incident, language: str) -> Reply:
    return Reply(ReplyKey(verdict.key), dict(verdict.values), language, incident.id,
                 Outcome.REFUSED)


def page_now(tx: Tx, config: Config, now: float, contact: Contact, incident: Incident,
             target: str, public_url: str | None) -> Reply:
    """Page ``target`` (contact id or role) for ``incident`` now; see the module doc."""
    lang = contact.language
    verdict = who.may_page_now(config, contact, incident)
    if not verdict.allowed:
        return _refused(verdict, incident, lang)
    people = config.resolve_targets((target.strip(),)) if target.strip() else ()
    if not people:
        return Reply(ReplyKey.CONSOLE_NO_TARGET, {"n": incident.id}, lang, incident.id,
                     Outcome.NOT_FOUND)
    # A page links to the incident in the console: page only people who may open it
    # (who.may_view; new-user trial: another school's principal got a link that 404s).
    outsiders = [p for p in people if not who.may_view(config, p, incident).allowed]
    people = tuple(p for p in people if p not in outsiders)
    if not people:
        return Reply(ReplyKey.CONSOLE_CANNOT_SEE,
                     {"n": incident.id, "names": [p.name for p in outsiders]}, lang,
                     incident.id, Outcome.REFUSED)
    reason = f"{notices.CONSOLE_PAGE_REASON}{contact.name}"
    messages: list[NewMessage] = []
    reached: list[str] = []
    for person in people:
        sent = (_pages(config, incident, person, reason)
                if incident.state is State.TRIGGERED
                else _join_notice(config, incident, person, contact, reason, public_url))
        if sent:
            messages += sent
            reached.append(f"{person.name} by {', '.join(str(m.channel) for m in sent)}")
    tx.enqueue(messages, now)
    tx.add_timeline(incident.id, now, "paged",
                    f"{reason} (target {target.strip()}): "
                    f"{'; '.join(reached) or 'nobody reachable'}", contact.name)
    names = [p.name for p in people]
    return Reply(ReplyKey.CONSOLE_PAGED, {"n": incident.id, "names": names}, lang,
                 incident.id, Outcome.PAGED)


def _pages(config: Config, incident: Incident, person: Contact,
           reason: str) -> list[NewMessage]:
    """A page on each of ``person``'s channels that has an address (kind ``page``)."""
    title = notices.incident_title(config, incident, person.language)
    out: list[NewMessage] = []
    for channel in person.channels:
        address = person.address(channel)
        if not address:
            continue
        body = notices.page_body_for(Channel(channel), incident, person.language,
                                     config.timezone, title)
        out.append(NewMessage(OutboxKind.PAGE, Channel(channel), address, body,
                              person.language, incident.id, person.id, reason=reason,
                              opened_at=incident.created_at))
    return out


def _join_notice(config: Config, incident: Incident, person: Contact, by: Contact,
                 reason: str, public_url: str | None) -> list[NewMessage]:
    url = (public_url or "").rstrip("/") + "/incidents/" + str(incident.id)
    msg = notices.notice_to_contact(
        person, "console_page", incident.id, reason, n=incident.id, name=by.name,
        title=notices.incident_title(config, incident, person.language), url=url)
    return [msg] if msg else []


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
