"""Building outbox messages: pages from decisions, notices to people."""

from __future__ import annotations

from alertbot.clock import local_time
from alertbot.core.incident import Incident
from alertbot.core.model import Channel, Config, Contact
from alertbot.core.policy import Decision
from alertbot.core.records import CONSOLE_PAGE_REASON, NewMessage, OutboxKind, OutboxStatus
from alertbot.store.sql import Tx
from alertbot.text.messages import fit_sms, render
from alertbot.text.voice_text import page_speech

__all__ = ["CONSOLE_PAGE_REASON"]  # the reason of the console's "page now" pages (and of
# the "join the response" notices it queued after an acknowledgement before trial 2)


def everyone_paged(tx: Tx, incident_id: int) -> list[str]:
    """Contact ids of everyone paged for the incident, first paged first, each once:
    whoever a page went (or was going) out to (an escalation step's or the console's
    "page now"), and whoever the console's "page now" reached with a "join the response"
    notice in place of a page (after an acknowledgement). A message cancelled before it
    went out reached nobody. Who hears that the incident was resolved (and merged, or
    given its school) is this list (CONTRACT "Text messages")."""
    people = dict.fromkeys(tx.paged_contacts(incident_id))
    for item in tx.messages_for(incident_id):
        if (item.kind is OutboxKind.NOTICE and item.contact_id
                and item.reason.startswith(CONSOLE_PAGE_REASON)
                and item.status is not OutboxStatus.CANCELLED):
            people.setdefault(item.contact_id)
    return list(people)


def sms_text(text: str) -> str:
    """Texts we compose are folded to GSM-7 where possible (fewer segments, same meaning)
    and fit one SMS message (``fit_sms``: a forwarded update may be long)."""
    return fit_sms(text)


def incident_title(config: Config | None, incident: Incident, language: str) -> str:
    """The incident's title in ``language``: its type's title for that language with the
    school filled in (``incidents.X.title`` may be per language); else the stored title."""
    itype = config.incidents.get(incident.type) if config is not None else None
    if itype is None or language not in itype.titles:
        return incident.title
    school = incident.school_name or render("no_school", language)
    return itype.titles[language].format(school=school)


def ordinal(count: int, language: str) -> str:
    """``2nd``, ``3rd``, ``11th`` (English); ``2.º`` style is spelled ``2`` in Spanish."""
    if language != "en":
        return str(count)
    suffix = "th" if 10 <= count % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(
        count % 10, "th")
    return f"{count}{suffix}"


def page_body(incident: Incident, language: str, timezone: str, title: str | None = None,
              repeat: int = 1) -> str:
    """A page in ``language``; ``repeat`` > 1 marks it as that person's nth page of it
    (the mark rides in the body, so SMS, voice and Slack all carry it)."""
    return render(
        "page", language, n=incident.id, title=_decorated_title(incident, language, title,
                                                                repeat),
        time=local_time(incident.created_at, timezone), reporter=incident.reporter_name,
        unverified=render("unverified", language) if incident.unverified else "",
    )


def _decorated_title(incident: Incident, language: str, title: str | None,
                     repeat: int) -> str:
    """The title a page shows: DRILL-marked for a drill, and "(2nd page)" from the
    second round on (the mark rides in the body, so SMS, voice and Slack all carry it)."""
    title = title or incident.title
    if incident.drill and "DRILL" not in title.upper():
        title = f"DRILL - {title}"
    if repeat > 1:
        title += render("repeat_mark", language, ordinal=ordinal(repeat, language))
    return title


def voice_page_body(incident: Incident, language: str, timezone: str, title: str | None = None,
                    repeat: int = 1) -> str:
    """The page a voice call says: the same message as ``page_body``, from the voice
    prompt of the callee's language (accents kept, no "Reply ACK")."""
    return page_speech(language, n=incident.id,
                       title=_decorated_title(incident, language, title, repeat),
                       time=local_time(incident.created_at, timezone),
                       reporter=incident.reporter_name, unverified=incident.unverified)


def page_body_for(channel: Channel, incident: Incident, language: str, timezone: str,
                  title: str | None = None, repeat: int = 1) -> str:
    """A page's body on ``channel``: folded to GSM-7 for SMS, worded for the ear by voice."""
    if channel is Channel.VOICE:
        return voice_page_body(incident, language, timezone, title, repeat)
    body = page_body(incident, language, timezone, title, repeat)
    return sms_text(body) if channel is Channel.SMS else body


def pages_for(incident: Incident, decision: Decision, timezone: str,
              config: Config | None = None, repeat: int | None = None) -> list[NewMessage]:
    """The decision's pages, each in its recipient's language and medium (title
    included); a page of a later round is marked as a repeat ("2nd page"; ``repeat``
    overrides the round's count: the console's "page now" is a first page). A body
    depends only on the medium and the language here, so it is rendered once per
    (channel, language) and shared by every page with those (the opening unit's path,
    decision 0048)."""
    out: list[NewMessage] = []
    bodies: dict[tuple[Channel, str], str] = {}
    for page in decision.pages:
        shape = (page.channel, page.language)
        body = bodies.get(shape)
        if body is None:
            body = bodies[shape] = page_body_for(
                page.channel, incident, page.language, timezone,
                incident_title(config, incident, page.language),
                repeat=decision.round + 1 if repeat is None else repeat)
        out.append(NewMessage(
            kind=OutboxKind.PAGE, channel=page.channel, address=page.address, body=body,
            language=page.language, incident_id=incident.id, contact_id=page.contact_id,
            step=decision.step, round=decision.round, reason=decision.reason,
            opened_at=incident.created_at, delay=page.delay,
        ))
    return out


def notice_to_contact(contact: Contact, text_key: str, incident_id: int | None,
                      reason: str, **values: object) -> NewMessage | None:
    """A notice by SMS if the contact has a phone, else by Slack DM; None if neither."""
    return _notice(contact, text_key, incident_id, reason, values)


def _notice(contact: Contact, text_key: str, incident_id: int | None, reason: str,
            values: dict[str, object]) -> NewMessage | None:
    body = render(text_key, contact.language, **values)
    if contact.phone:
        return NewMessage(OutboxKind.NOTICE, Channel.SMS, contact.phone, sms_text(body),
                          contact.language, incident_id, contact.id, reason=reason)
    if contact.slack:
        return NewMessage(OutboxKind.NOTICE, Channel.SLACK, contact.slack, body,
                          contact.language, incident_id, contact.id, reason=reason)
    return None


def console_url(public_url: str | None, incident_id: int) -> str | None:
    """The console page of incident ``incident_id`` (``<public_url>/incidents/N``), behind
    sign-in; None without ``ALERTBOT_PUBLIC_URL``."""
    if not public_url:
        return None
    return f"{public_url.rstrip('/')}/incidents/{incident_id}"


def in_console(public_url: str | None, incident_id: int, language: str) -> str:
    """The end of a notice that points to the console instead of carrying people's words
    (decision 0043): ": <url>" with a public URL, else "."."""
    url = console_url(public_url, incident_id)
    return render("in_console_url", language, url=url) if url else render("in_console",
                                                                            language)


def notice_to_phone(phone: str, language: str, text_key: str, incident_id: int | None,
                    reason: str, **values: object) -> NewMessage:
    body = sms_text(render(text_key, language, **values))
    return NewMessage(OutboxKind.NOTICE, Channel.SMS, phone, body, language, incident_id,
                      reason=reason)


def notice_to_reporter(config: Config, key: str, language: str, text_key: str,
                       incident_id: int | None, reason: str,
                       **values: object) -> NewMessage | None:
    """A notice to one who reported into an incident, by reporter key: ``contact:<id>``
    (their own channels), ``phone:<E.164>`` (SMS) or ``slack:<member id>`` (a DM)."""
    kind, _, ident = key.partition(":")
    if kind == "contact":
        contact = config.contacts.get(ident)
        if contact is None:
            return None
        return notice_to_contact(contact, text_key, incident_id, reason, **values)
    if kind == "phone" and ident:
        return notice_to_phone(ident, language, text_key, incident_id, reason, **values)
    if kind == "slack" and ident:
        body = render(text_key, language, **values)
        return NewMessage(OutboxKind.NOTICE, Channel.SLACK, ident, body, language,
                          incident_id, reason=reason)
    return None


def notify_admins(config: Config, text_key: str, incident_id: int | None, reason: str,
                  skip_address: str | None = None, **values: object) -> list[NewMessage]:
    out: list[NewMessage] = []
    for admin in config.admin_contacts():
        msg = notice_to_contact(admin, text_key, incident_id, reason, **values)
        if msg is not None and msg.address != skip_address:
            out.append(msg)
    return out
