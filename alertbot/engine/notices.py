"""Building outbox messages: pages from decisions, notices to people."""

from __future__ import annotations

from alertbot.clock import local_time
from alertbot.domain.incident import Incident
from alertbot.domain.messages import render, to_gsm7
from alertbot.domain.model import Channel, Config, Contact
from alertbot.domain.policy import Decision
from alertbot.domain.records import NewMessage, OutboxKind
from alertbot.domain.voice_text import page_speech


def sms_text(text: str) -> str:
    """Texts we compose are folded to GSM-7 where possible: fewer segments, same meaning."""
    return to_gsm7(text)


def page_body(incident: Incident, language: str, timezone: str) -> str:
    title = incident.title
    if incident.drill and "DRILL" not in title.upper():
        title = f"DRILL - {title}"
    return render(
        "page", language, n=incident.id, title=title,
        time=local_time(incident.created_at, timezone), reporter=incident.reporter_name,
        unverified=render("unverified", language) if incident.unverified else "",
    )


def voice_page_body(incident: Incident, language: str, timezone: str) -> str:
    """The page a voice call says: the same message as ``page_body``, from the voice
    prompt of the callee's language (accents kept, no "Reply ACK")."""
    title = incident.title
    if incident.drill and "DRILL" not in title.upper():
        title = f"DRILL - {title}"
    return page_speech(language, n=incident.id, title=title,
                       time=local_time(incident.created_at, timezone),
                       reporter=incident.reporter_name, unverified=incident.unverified)


def page_body_for(channel: Channel, incident: Incident, language: str, timezone: str) -> str:
    """A page's body on ``channel``: folded to GSM-7 for SMS, worded for the ear by voice."""
    if channel is Channel.VOICE:
        return voice_page_body(incident, language, timezone)
    body = page_body(incident, language, timezone)
    return sms_text(body) if channel is Channel.SMS else body


def pages_for(incident: Incident, decision: Decision, timezone: str) -> list[NewMessage]:
    out: list[NewMessage] = []
    for page in decision.pages:
        body = page_body_for(page.channel, incident, page.language, timezone)
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
    body = render(text_key, contact.language, **values)
    if contact.phone:
        return NewMessage(OutboxKind.NOTICE, Channel.SMS, contact.phone, sms_text(body),
                          contact.language, incident_id, contact.id, reason=reason)
    if contact.slack:
        return NewMessage(OutboxKind.NOTICE, Channel.SLACK, contact.slack, body,
                          contact.language, incident_id, contact.id, reason=reason)
    return None


def notice_to_phone(phone: str, language: str, text_key: str, incident_id: int | None,
                    reason: str, **values: object) -> NewMessage:
    body = sms_text(render(text_key, language, **values))
    return NewMessage(OutboxKind.NOTICE, Channel.SMS, phone, body, language, incident_id,
                      reason=reason)


def notify_admins(config: Config, text_key: str, incident_id: int | None, reason: str,
                  skip_address: str | None = None, **values: object) -> list[NewMessage]:
    out: list[NewMessage] = []
    for admin in config.admin_contacts():
        msg = notice_to_contact(admin, text_key, incident_id, reason, **values)
        if msg is not None and msg.address != skip_address:
            out.append(msg)
    return out
