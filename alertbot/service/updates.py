"""Additions to an incident: a reporter's further words, the school named later (and
the merge it may cause), a responder's own words that are not a command.

The receiver dispatches ``Text`` and ``Update`` here and the reporting part joins
reports through it, inside the command's one unit of work (``tx``: synchronous).
Collaborators are explicit: the config in force (a getter: a reload swaps it), the clock
and the console's address (a getter). Who may add is ``who.may_add``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from alertbot.clock import Clock
from alertbot.core import commands as cmd
from alertbot.core import who
from alertbot.core.actors import Actor, Outcome
from alertbot.core.incident import Incident, State
from alertbot.core.model import Config, Contact, School
from alertbot.core.records import NewMessage
from alertbot.service import notices
from alertbot.service.questions import keyed, reply
from alertbot.service.responding import incidents_for, take
from alertbot.store.sql import Tx
from alertbot.text.messages import WORDS_MAX, clean_text
from alertbot.text.reply import Reply, ReplyKey

log = logging.getLogger("alertbot.receiver")


class Updates:
    """``config`` and ``public_url`` are getters (the values in force now)."""

    def __init__(self, config: Callable[[], Config], clock: Clock,
                 public_url: Callable[[], str | None]) -> None:
        self._config = config
        self.clock = clock
        self._public_url = public_url

    @property
    def config(self) -> Config:
        return self._config()

    @property
    def public_url(self) -> str | None:
        return self._public_url()

    def merged_reply(self, number: int, target: Incident, language: str) -> Reply:
        """What the reporter hears when their school-less incident was merged into the
        school's open one: which incident goes on, and who is responding if anyone."""
        if target.acknowledged_by_name:
            return reply(Outcome.JOINED, ReplyKey.MERGED_ACKED, language, target.id, n=number,
                         target=target.id, school=target.school_name or "",
                         name=target.acknowledged_by_name)
        return reply(Outcome.JOINED, ReplyKey.MERGED, language, target.id, n=number,
                     target=target.id, school=target.school_name or "")

    def text(self, tx: Tx, contact: Contact, text: str, source: str) -> Reply:
        """Words that are no command: a reporter's update to their open incident, a
        responder's own words for a page (only ACK acknowledges), else the help."""
        lang = contact.language
        actor = Actor(contact, phone=contact.phone)
        mine = tx.open_incidents_reported_by_key(actor.sender_key or "")
        if mine and text.strip():
            return self.add_update(tx, mine[-1], actor, text, source)
        # A responder answering a page in their own words ("Acknowledged", "On it"):
        # only an explicit ACK acknowledges, so they hear that paging goes on.
        paging = incidents_for(tx, self.config, contact, (State.TRIGGERED,))
        if len(paging) == 1:
            return reply(Outcome.INFO, ReplyKey.NOT_ACKED, lang, n=paging[0].id)
        if paging:
            return reply(Outcome.INFO, ReplyKey.NOT_ACKED_WHICH, lang,
                         ids=[i.id for i in paging])
        return reply(Outcome.INFO, ReplyKey.HELP, lang,
                     keywords=[t.keyword for t in self.config.triggers if t.keyword])

    def reported(self, tx: Tx, incident: Incident, actor: Actor) -> bool:
        """Whoever reported into the incident: its opener or anyone who joined it."""
        key = actor.sender_key
        if key is not None and tx.is_reporter(incident.id, key):
            return True
        return who.opened_it(actor.contact, actor.phone, incident)

    def update(self, tx: Tx, actor: Actor, number: int, text: str,
                source: str) -> Reply:
        """An addition to incident ``number`` from whoever ``who.may_add`` allows. One that
        arrives after it was resolved (a recording, a transcript) is still evidence: it
        goes on the timeline and the sender is told."""
        incident = tx.get_incident(number)
        lang = actor.language
        if incident is None:
            return reply(Outcome.NOT_FOUND, ReplyKey.NO_SUCH, lang, n=number)
        verdict = who.may_add(self.config, actor.contact, incident,
                              self.reported(tx, incident, actor))
        if not verdict.allowed:
            log.info("refused an addition to #%d from %s: %s", number, actor.masked,
                     verdict.reason)
            return keyed(Outcome.REFUSED, verdict.key, lang, number, verdict.values)
        if not incident.is_open:
            tx.add_timeline(incident.id, self.clock.now(), "update",
                            f"(after resolution) {clean_text(text, WORDS_MAX)}",
                            actor.display)
            return reply(Outcome.ADDED_RESOLVED, ReplyKey.UPDATE_ADDED_RESOLVED, lang, incident.id,
                         n=incident.id)
        return self.add_update(tx, incident, actor, text, source)

    def add_update(self, tx: Tx, incident: Incident, actor: Actor, text: str,
                         source: str) -> Reply:
        """A further report: onto the timeline; whoever acknowledged is told one came (the
        console link, not the words: decision 0043)."""
        now = self.clock.now()
        lang = actor.language
        text = clean_text(text, WORDS_MAX)
        if incident.school_id is None:
            school, _rest = cmd.split_school(self.config, text)
            if school is not None:
                survivor = self.set_school(tx, incident, school, actor)
                if survivor.id != incident.id:  # that school's incident was already open
                    return self.merged_reply(incident.id, survivor, lang)
                return reply(Outcome.SCHOOL_SET, ReplyKey.SCHOOL_SET, lang, incident.id,
                             n=incident.id, school=school.name)
        tx.add_timeline(incident.id, now, "update", text, actor.display)
        if incident.acknowledged_by:
            responder = self.config.contacts.get(incident.acknowledged_by)
            if responder is not None and responder != actor.contact:
                # That something came, never its words (decision 0043): they may name
                # a student; the console shows them behind sign-in.
                msg = notices.notice_to_contact(
                    responder, "update_notice", incident.id, "reporter update",
                    n=incident.id, reporter=actor.display,
                    where=notices.in_console(self.public_url, incident.id,
                                             responder.language))
                if msg:
                    tx.enqueue([msg], now)
        return reply(Outcome.ADDED, ReplyKey.UPDATE_ADDED, lang, incident.id, n=incident.id)

    def set_school(self, tx: Tx, incident: Incident, school: School,
                         actor: Actor) -> Incident:
        """A school named after the incident opened: the title follows, and everyone
        already paged (and every other reporter) is told. The escalation plan stays as
        frozen at opening (decision 0003): re-routing mid-incident would page people
        who never heard of it and stop paging people who already have.

        When that school already has an open incident of the type, this one is merged
        into it (``_merge_into``) and that one is returned: one school, one response.
        """
        now = self.clock.now()
        existing = tx.open_incident_of(incident.type, school.id)
        if existing is not None and existing.id != incident.id:
            return self.merge_into(tx, incident, existing, actor, now)
        itype = self.config.incidents.get(incident.type)
        title = (itype.title_in("en").format(school=school.name) if itype is not None
                 else incident.title)
        # A conditional update (store/tx.py): the first school named stands, and it takes
        # the school's open-incident slot only if that is free.
        updated = tx.set_school(incident.id, school.id, school.name, title=title)
        if updated is None:  # named by someone else a moment ago, or closed
            return incident
        tx.add_timeline(incident.id, now, "school",
                              f"school set to {school.name} (escalation unchanged)",
                              actor.display)
        reason = f"school set to {school.name}"
        messages = self.tell_paged(
            tx, incident.id, actor, "school_notice", reason,
            lambda contact: {"n": incident.id, "title": notices.incident_title(
                self.config, updated, contact.language)})
        paged = {m.address for m in messages}
        for key, language in tx.reporters_of(incident.id):
            if key == actor.sender_key:
                continue
            msg = notices.notice_to_reporter(
                self.config, key, language, "school_notice", incident.id, reason,
                n=incident.id, title=notices.incident_title(self.config, updated, language))
            if msg is not None and msg.address not in paged:
                messages.append(msg)
        tx.enqueue(messages, now)
        return updated

    def tell_paged(self, tx: Tx, incident_id: int, actor: Actor, key: str, reason: str,
                          values: Callable[[Contact], dict[str, object]]) -> list[NewMessage]:
        """Notice ``key`` to everyone a page of the incident went to, but the actor (each
        in their language, ``values(contact)`` filling the template)."""
        messages: list[NewMessage] = []
        for cid in notices.everyone_paged(tx, incident_id):
            contact = self.config.contacts.get(cid)
            if contact is None or contact == actor.contact:
                continue
            msg = notices.notice_to_contact(contact, key, incident_id, reason,
                                            **values(contact))
            if msg:
                messages.append(msg)
        return messages

    def merge_into(self, tx: Tx, duplicate: Incident, target: Incident, actor: Actor,
                          now: float) -> Incident:
        """``duplicate`` (opened without a school) turns out to be at ``target``'s school:
        it is closed as merged, its paging stops, its reporters join ``target`` and its
        words go onto ``target``'s timeline; everyone paged for it is told which incident
        goes on. Returns ``target``; if someone closed ``duplicate`` meanwhile, nothing
        changes and ``duplicate`` (as it now is) is returned."""
        closer = actor.contact.id if actor.contact else (actor.sender_key or "unknown")
        taken = take(tx, duplicate, lambda i: i.resolve(closer, now))
        if isinstance(taken, Incident):
            return taken
        cancelled = tx.cancel_pages(duplicate.id)
        where = target.school_name or ""
        tx.add_timeline(duplicate.id, now, "merged",
                              f"merged into #{target.id}: the same school ({where}); paging "
                              f"stopped ({cancelled} queued page(s) cancelled)", actor.display)
        tx.add_timeline(target.id, now, "merged",
                              f"#{duplicate.id} (reported by {duplicate.reporter_name} via "
                              f"{duplicate.source}) merged into this incident: the same school",
                              actor.display)
        if duplicate.details:
            tx.add_timeline(target.id, now, "update", duplicate.details,
                                  duplicate.reporter_name)
        for key, language in tx.reporters_of(duplicate.id):
            tx.add_reporter(target.id, key, language, now)
        messages = self.tell_paged(
            tx, duplicate.id, actor, "merged_notice", f"#{duplicate.id} merged into "
            f"#{target.id}", lambda _contact: {"n": duplicate.id, "target": target.id,
                                               "school": where})
        tx.enqueue(messages, now)
        tx.also_changed.add(duplicate.id)  # its post and console view show it closed
        log.info("incident %d merged into %d (same school)", duplicate.id, target.id)
        return target
