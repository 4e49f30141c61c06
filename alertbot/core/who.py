"""Who may do what: every "who may" rule of alertbot in one place (decision 0020). Pure.

Each function takes frozen values (the ``Config``, a ``Contact`` or None for someone
not in contacts, an ``Incident``, a ``Proof``, and ``now`` in epoch seconds where time
matters) and returns a small frozen decision carrying a ``reason`` in English for the
incident timeline and the log. Nothing here does I/O, logs or reads the clock, and
nothing raises: every input has an answer.

The receiver is the only caller. Inbound adapters (SMS, voice, Slack, console) translate a
request into an ``Actor`` and a ``Command`` and render the reply they get back; they never
decide who may do what, so a stranger gets the same answer on every channel. How many
incidents one sender may open (the page-storm limits) is ``core/limits.py``.

A refusal carries the reply ``key`` (and its template ``values``) every channel renders
in its own medium: ``unknown_sender`` for anyone not in contacts, ``not_allowed`` for a
contact off an incident's team. Where a reply sends someone to a phone number, that is
the configured ``fallback_phone`` and nothing else; without one the key becomes
``<key>_nofallback`` on every channel (``Fallback.key``).
"""

from __future__ import annotations

import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from alertbot.core.incident import Incident, State
from alertbot.core.model import Config, Contact, School
from alertbot.core.readiness import on_paths

# One confirmation call per person, incident and verb within this many seconds, so a
# forged caller ID cannot make alertbot ring a responder over and over (decision 0014).
CONFIRM_AGAIN_AFTER = 120.0


class Proof(StrEnum):
    """How the sender of a command was shown to be who they are (decision 0014).

    Only ``CALLER_ID`` is not enough to stop paging (acknowledge or resolve): caller ID
    on an inbound call is whatever the calling network says, and anyone can set it.
    """

    PROVIDER = "provider"  # the provider authenticated the sender: a text Twilio
    #   delivered from the number, a signed Slack user id, a console session or API
    #   bearer token, the sandbox operator
    OUTBOUND_CALL = "outbound_call"  # a call alertbot placed to the contact's own number
    ATTESTED_CALL = "attested_call"  # an inbound call whose number the carrier verified
    #   (STIR/SHAKEN attestation A: Twilio's StirVerstat = TN-Validation-Passed-A)
    PIN = "pin"  # an inbound call on which the contact keyed in their personal PIN
    CALLER_ID = "caller_id"  # an inbound call's caller ID alone

    @property
    def may_stop_paging(self) -> bool:
        return self is not Proof.CALLER_ID


@dataclass(frozen=True)
class Verdict:
    """Yes or no, and why. ``key`` and ``values``: the reply a refusal is told (empty
    when allowed); every medium renders that key in its own words."""

    allowed: bool
    reason: str
    key: str = ""
    values: Mapping[str, object] = field(default_factory=dict)


def _yes(reason: str) -> Verdict:
    return Verdict(True, reason)


# --- where to send someone alertbot cannot help ---------------------------------------


@dataclass(frozen=True)
class Fallback:
    """The number a refused or failed sender is told to call: ``fallback_phone`` (E.164)
    or None. Rendered per medium (digits in a text, digit by digit in speech)."""

    phone: str | None

    def key(self, base: str) -> str:
        """``base`` when there is a number to give, else ``base + "_nofallback"``."""
        return base if self.phone else f"{base}_nofallback"

    @property
    def values(self) -> dict[str, object]:
        """The template values: ``{"fallback": phone}``, or none without a number."""
        return {"fallback": self.phone} if self.phone else {}


def fallback(config: Config) -> Fallback:
    """One rule on every channel: the configured ``fallback_phone``; no guessed "911"
    nor "the district office" when there is none."""
    return Fallback(config.fallback_phone or None)


# --- reporting ------------------------------------------------------------------------


def stranger(config: Config, reason: str) -> Verdict:
    """The one refusal for someone not in contacts, on every channel."""
    fb = fallback(config)
    return Verdict(False, reason, fb.key("unknown_sender"), fb.values)


def may_report(config: Config, contact: Contact | None, phone: str | None) -> Verdict:
    """May this sender open (or join) an incident?

    A contact may. Someone not in contacts may only with ``unknown_reporters: accept``
    and a phone number responders can call back (their report is marked unverified);
    a Slack member not in contacts has none, so is refused like any stranger.
    """
    if contact is not None:
        return _yes(f"{contact.id} is in contacts")
    if config.unknown_reporters != "accept":
        return stranger(config, "not in contacts (unknown_reporters: reject)")
    if not phone:
        return stranger(config, "not in contacts and no phone number to call back "
                                "(unknown_reporters: accept takes callers and texters)")
    return _yes("not in contacts; accepted as an unverified reporter "
                "(unknown_reporters: accept)")


def is_unverified(contact: Contact | None) -> bool:
    """A report from someone not in contacts is marked unverified on the incident."""
    return contact is None


def needs_district_pin(config: Config, contact: Contact | None) -> bool:
    """A caller not in contacts keys in the district ``pin`` (if one is set) before the
    phone tree opens anything for them."""
    return contact is None and config.pin is not None


def pin_matches(expected: str | None, digits: str | None) -> bool:
    """``digits`` equal ``expected`` (compared in constant time); never with no PIN set
    or no digits."""
    return bool(expected) and bool(digits) and hmac.compare_digest(
        (digits or "").encode(), (expected or "").encode())


def district_pin_ok(config: Config, digits: str | None) -> bool:
    """A caller not in contacts keyed in the district PIN (or none is set)."""
    return config.pin is None or pin_matches(config.pin, digits)


def personal_pin_ok(contact: Contact | None, digits: str | None) -> bool:
    """A contact keyed in their own PIN (proof ``PIN``); never without one on file."""
    return contact is not None and pin_matches(contact.pin, digits)


# --- which school ---------------------------------------------------------------------


@dataclass(frozen=True)
class SchoolChoice:
    """The school a report goes to (None: not known yet) and why. ``ask``: a channel
    that can ask (the phone tree, the Slack modal) asks before opening; a text opens
    without a school and the receipt asks for it."""

    school: School | None
    reason: str

    @property
    def ask(self) -> bool:
        return self.school is None


def school_for_report(config: Config, contact: Contact | None,
                      named: School | None) -> SchoolChoice:
    """The school named in the report; else a contact's only school (if the config
    knows it); else none."""
    if named is not None:
        return SchoolChoice(named, f"school {named.id} named in the report")
    if contact is not None and len(contact.schools) == 1:
        school = config.schools.get(contact.schools[0])
        if school is not None:
            return SchoolChoice(school, f"school {school.id}: {contact.id}'s only school")
        return SchoolChoice(None, f"{contact.id}'s school {contact.schools[0]} is not "
                                  "in the config")
    if contact is not None and contact.schools:
        return SchoolChoice(None, f"no school named; {contact.id} has "
                                  f"{len(contact.schools)} schools")
    return SchoolChoice(None, "no school named")


def asks_school_first(config: Config, contact: Contact | None, phone: str | None,
                      named: School | None) -> bool:
    """Does a channel that can ask (the phone tree, the Slack picker) ask the school
    before reporting? Only when the sender may report and no school is known: a
    stranger is refused first, never asked."""
    return (may_report(config, contact, phone).allowed
            and school_for_report(config, contact, named).ask)


# --- commands other than a report -----------------------------------------------------


def may_command(config: Config, contact: Contact | None) -> Verdict:
    """ACK, RESOLVE, STATUS and free text: contacts only (a stranger hears the same
    refusal as for a report)."""
    if contact is None:
        return stranger(config, "not in contacts")
    return _yes(f"{contact.id} is in contacts")


def sees_every_open_incident(config: Config, contact: Contact) -> bool:
    """An admin picks (ACK without a number, "which one?") among every open incident;
    anyone else among those paging them."""
    return config.is_admin(contact.id)


# --- responding: acknowledge, resolve -------------------------------------------------


def may_respond(config: Config, contact: Contact | None, incident: Incident) -> Verdict:
    """May this person acknowledge or resolve ``incident``? Admins, and the contacts its
    escalation plan pages (frozen at opening, decision 0003)."""
    if contact is None:
        return stranger(config, "not in contacts")
    if config.is_admin(contact.id):
        return _yes(f"{contact.id} is an admin")
    if contact.id in incident.plan.contact_ids():
        return _yes(f"{contact.id} is paged by #{incident.id}'s escalation")
    return Verdict(False, f"{contact.id} is not on #{incident.id}'s response team",
                   "not_allowed", {"n": incident.id})


class Stop(StrEnum):
    """How an acknowledgement or resolve from a permitted responder takes effect."""

    NOW = "now"  # the proof suffices: the state changes and paging stops
    CONFIRM_BY_CALL = "confirm_by_call"  # caller ID only: call them back to confirm
    IMPOSSIBLE = "impossible"  # caller ID only, and no number on file to call back


@dataclass(frozen=True)
class StopDecision:
    how: Stop
    reason: str

    @property
    def key(self) -> str:
        """The reply key when nothing happens yet ("" for ``Stop.NOW``)."""
        return {Stop.NOW: "", Stop.CONFIRM_BY_CALL: "confirm_call",
                Stop.IMPOSSIBLE: "confirm_impossible"}[self.how]


def stop_paging(contact: Contact, proof: Proof, incident: Incident | None = None,
                acknowledge: bool = True) -> StopDecision:
    """Does ``proof`` suffice to stop paging, or must a call back confirm (decision 0014)?

    An acknowledgement of an incident someone already took needs no proof: nothing
    would change, and the reply says who has it.
    """
    if proof.may_stop_paging:
        return StopDecision(Stop.NOW, f"identity proven ({proof})")
    if acknowledge and incident is not None and incident.state is not State.TRIGGERED:
        return StopDecision(Stop.NOW, f"#{incident.id} is {incident.state} already")
    if not contact.phone:
        return StopDecision(Stop.IMPOSSIBLE, f"caller ID only, and {contact.id} has no "
                                             "phone number to call back")
    return StopDecision(Stop.CONFIRM_BY_CALL, f"caller ID only: calling {contact.id} back "
                                              "at their own number to confirm")


def call_back_again(previous: Iterable[float], now: float) -> bool:
    """Place a confirmation call, given when earlier ones (same person, incident and
    verb) were placed? Not within ``CONFIRM_AGAIN_AFTER`` seconds of the last."""
    return all(at <= now - CONFIRM_AGAIN_AFTER for at in previous)


def asks_personal_pin(contact: Contact | None, proof: Proof) -> bool:
    """On the phone tree, a contact whose caller ID is not verified and who has a
    personal PIN keys it in before acknowledging (else the call back confirms)."""
    return contact is not None and bool(contact.pin) and not proof.may_stop_paging


def offers_ack_digit(config: Config, contact: Contact | None) -> Verdict:
    """Does the phone tree offer "press 0 to acknowledge a page" (and take a 0)?

    To admins and to anyone some escalation pages; not to strangers nor to reporters
    no escalation pages (a 0 from them is an invalid choice)."""
    if contact is None:
        return Verdict(False, "not in contacts")
    if config.is_admin(contact.id):
        return _yes(f"{contact.id} is an admin")
    for policy in config.escalations.values():
        for step in policy.steps:
            if contact in config.resolve_targets(step.targets):
                return _yes(f"{contact.id} is paged by escalation '{policy.name}'")
    return Verdict(False, f"{contact.id} is paged by no escalation")


def takes_ack_digit(contact: Contact | None) -> bool:
    """A 0 on the phone tree goes to the receiver from any contact (it refuses per
    incident: a plan frozen at opening may page someone today's escalations do not
    name, who is then not offered 0); from a stranger it is an invalid choice."""
    return contact is not None


# --- adding to an incident ------------------------------------------------------------


def opened_it(contact: Contact | None, phone: str | None, incident: Incident) -> bool:
    """Is this sender the incident's opener (recorded on the incident row)?"""
    if contact is not None:
        return contact.id == incident.reporter_id
    return phone is not None and phone == incident.reporter_phone


def may_add(config: Config, contact: Contact | None, incident: Incident,
            reported: bool) -> Verdict:
    """May this sender add words (an update, a recording) to ``incident``? Whoever
    reported into it (``reported``: its opener or anyone who joined it, decision 0013),
    a responder it pages, or an admin. A stranger who did not report into it hears the
    stranger's refusal; a contact off its team hears ``not_allowed``."""
    if reported:
        return _yes(f"reported into #{incident.id}")
    return may_respond(config, contact, incident)


# --- documents (issue 12) -------------------------------------------------------------


def may_attach(config: Config, contact: Contact | None, incident: Incident,
               reported: bool) -> Verdict:
    """May this sender attach a document (an MMS photo of the paper agents show) to
    ``incident``? The same people who may add words (``may_add``): whoever reported into
    it, a responder it pages, an admin. Documents are then seen only in the console by
    those allowed to see the incident, never forwarded by SMS or Slack (issue 12)."""
    return may_add(config, contact, incident, reported)


def attach_candidates(reported: list[Incident], responding: list[Incident]
                      ) -> list[Incident]:
    """The incidents a document sent without a number may be for: the sender's own open
    reports, else the open incidents they respond to (paging them, or taken by them).
    One: it goes there; several: the sender is asked which (a number in the text picks
    one); none: the reply says how to report first. Ordered by number, no repeats."""
    chosen = reported or responding
    return sorted({i.id: i for i in chosen}.values(), key=lambda i: i.id)
# --- the console: who sees what (issue 11) --------------------------------------------


def sees_all(config: Config, contact: Contact) -> bool:
    """Admins and the contacts (ids or roles) named in ``console.see_all``."""
    return config.is_admin(contact.id) or any(
        c.id == contact.id for c in config.resolve_targets(config.see_all))


def may_see_readiness(config: Config, contact: Contact) -> Verdict:
    """May this signed-in person read the reachability of every responder (issue 14:
    who opted out, landlines, away)? Admins and ``console.see_all``: it names people and
    their phone states, which only those who run the response need."""
    if sees_all(config, contact):
        return _yes(f"{contact.id} sees every incident (admin or console.see_all)")
    return Verdict(False, f"{contact.id} is not an admin or in console.see_all")


def is_paged(config: Config, contact: Contact) -> bool:
    """Whether some page could go to ``contact``: an escalation step names them (by id
    or role), or they are the ``backup`` of someone a step names (core/readiness.py
    ``on_paths``). Drill participants are people of the policies, so they are included."""
    return any(c.id == contact.id for c in on_paths(config))


def may_be_away(config: Config, contact: Contact) -> Verdict:
    """May ``contact`` be marked AWAY (or BACK)? Only someone who is paged (``is_paged``):
    AWAY changes whom a step pages (decision 0040), so for a reporter-only contact (a
    principal who reports but is on no step) it would change nothing while telling them
    it did. Refused with ``away_not_paged`` on every medium (SMS, Slack, voice, console)."""
    if is_paged(config, contact):
        return _yes(f"{contact.id} is on an escalation step or a backup")
    return Verdict(False, f"{contact.id} is on no escalation step and nobody's backup: "
                          "AWAY changes nothing for them", "away_not_paged")


def may_set_away(config: Config, actor: Contact, target: Contact) -> Verdict:
    """May ``actor`` mark ``target`` away or back from the console? Themselves (as by
    texting AWAY), or an admin (someone on leave who cannot text); and then only someone
    who is paged (``may_be_away``: refused with key ``away_not_paged``). Whether the
    target is paged is told only to who may set their availability at all."""
    if actor.id == target.id:
        allowed = _yes(f"{actor.id} sets their own availability")
    elif config.is_admin(actor.id):
        allowed = _yes(f"{actor.id} is an admin")
    else:
        return Verdict(False, f"{actor.id} may not set {target.id} away")
    paged = may_be_away(config, target)
    return allowed if paged.allowed else paged


def may_view(config: Config, contact: Contact | None, incident: Incident) -> Verdict:
    """May this person see ``incident`` in the console (its reporter's words, timeline,
    notes, documents)? The one rule for every page and API answer (CONTRACT "HTTP"):

    * admins and ``console.see_all`` see every incident;
    * the contacts its escalation plan pages (frozen at opening) see it;
    * a holder of a ``console.school_roles`` role (default: principal) sees the
      incidents of their own ``schools``;
    * anyone else sees nothing: the console answers as if it did not exist.
    """
    if contact is None:
        return Verdict(False, "not signed in as a contact")
    if config.is_admin(contact.id):
        return _yes(f"{contact.id} is an admin")
    if sees_all(config, contact):
        return _yes(f"{contact.id} sees every incident (console.see_all)")
    if contact.id in incident.plan.contact_ids():
        return _yes(f"{contact.id} is paged by #{incident.id}'s escalation")
    if (incident.school_id is not None and incident.school_id in contact.schools
            and any(role in config.school_roles for role in contact.roles)):
        return _yes(f"{contact.id} is a {'/'.join(contact.roles)} of {incident.school_id}")
    return Verdict(False, f"{contact.id} may not see #{incident.id}")


def may_be_paged_now(config: Config, person: Contact, incident: Incident) -> Verdict:
    """May the console's "page now" page ``person`` for ``incident``? A page links to
    the incident and asks for an ACK: only someone who may open it (``may_view``) and
    may answer it (``may_respond``: its escalation plan's people and the admins). A
    principal may see their school's incident but not answer a page for it (new-user
    trial 3: the page said "Reply ACK 3" and their ACK was refused)."""
    if not may_view(config, person, incident).allowed:
        return Verdict(False, f"{person.id} may not open #{incident.id}",
                       "console_cannot_see", {"n": incident.id})
    if not may_respond(config, person, incident).allowed:
        return Verdict(False, f"{person.id} may not answer a page for #{incident.id}",
                       "console_cannot_answer", {"n": incident.id})
    return _yes(f"{person.id} may open and answer #{incident.id}")


def may_know_of(config: Config, contact: Contact | None, number: int,
                incident: Incident | None, reported: bool = False) -> Verdict:
    """May this sender be told anything about incident ``number`` (``incident``: None when
    there is none), even that it exists? Whoever reported into it (``reported``) and
    whoever ``may_view`` it. Anyone else hears the very reply a number with no incident
    gets (``no_such``; a stranger: the stranger's refusal), on every channel and for every
    command that names a number (ACK, RESOLVE, NOTE, BRIDGE, a photo's number, a dial-in,
    the console's actions): a different answer would tell them that it exists (the
    console's 404, decision 0025). Who may *act* on it is asked after this
    (``may_respond``, ``may_note``…): a principal who sees their school's incident is
    told they are not on its team."""
    if incident is not None and (reported or may_view(config, contact, incident).allowed):
        return _yes(f"#{number} exists and {contact.id if contact else 'the sender'} "
                    "may see it")
    if contact is None:
        return stranger(config, f"not in contacts; #{number} unknown or not theirs")
    why = "does not exist" if incident is None else f"is not visible to {contact.id}"
    return Verdict(False, f"#{number} {why}", "no_such", {"n": number})


def may_note(config: Config, contact: Contact | None, incident: Incident) -> Verdict:
    """May this person add a note (``NOTE 12 …``, the console's note) to ``incident``?
    The responders its escalation pages and admins, as for acknowledging; a note on a
    resolved incident is still allowed (after-action)."""
    return may_respond(config, contact, incident)
# --- calls: the reporter on the line, the team bridge (issue 13) ----------------------


def reporter_phone(config: Config, incident: Incident) -> str | None:
    """The number a responder's "press 3" dials: the reporter's phone in contacts (a
    Slack or text reporter's too), else the number they reported from; None: none."""
    contact = config.contacts.get(incident.reporter_id or "")
    if contact is not None and contact.phone:
        return contact.phone
    return incident.reporter_phone


def bridge_callees(config: Config, incident: Incident, joined: Iterable[str],
                   requester: Contact) -> list[Contact]:
    """Whom ``BRIDGE n`` calls into the incident's conference: who acknowledged it, every
    contact who joined one of its calls (``joined``: contact ids), and the requester
    (already allowed to respond: ``may_respond``); only those with a phone number, each
    once, in that order."""
    ids = [incident.acknowledged_by or "", *joined, requester.id]
    out: list[Contact] = []
    for cid in ids:
        contact = config.contacts.get(cid)
        if contact is not None and contact.phone and contact not in out:
            out.append(contact)
    return out


def joins_call(contact: Contact, proof: Proof) -> StopDecision:
    """May a caller who keyed in an incident number on the phone tree join its team call
    now? The acknowledgement rule (decision 0014, ``stop_paging``): a verified caller ID
    or the personal PIN joins at once; caller ID alone is called back at the contact's
    own number, into the call; with no number on file it cannot join."""
    return stop_paging(contact, proof, None, acknowledge=False)


# --- the procedure: checklist, encounter log, warrant aid, records (issue 12) ---------

# Who signs off a records request for counsel (the district letter: "in consultation
# with district legal counsel"; CONTRACT's sample contacts name the Staff Attorney).
COUNSEL_ROLES = ("staff_attorney",)


def _involved(contact: Contact, incident: Incident, reported: bool) -> bool:
    return (reported or contact.id in incident.plan.contact_ids()
            or (incident.school_id is not None and incident.school_id in contact.schools))


def may_complete_step(config: Config, contact: Contact | None, incident: Incident,
                      step_roles: Iterable[str], reported: bool) -> Verdict:
    """May this person tick off (or undo) a procedure step? Admins; and anyone holding one
    of the step's roles (or named by id) who is involved in the incident: on its plan,
    reported into it, or a leader of its school. ``reported``: they reported into it."""
    if contact is None:
        return stranger(config, "not in contacts")
    if config.is_admin(contact.id):
        return _yes(f"{contact.id} is an admin")
    roles = set(step_roles)
    if contact.id not in roles and not roles & set(contact.roles):
        return Verdict(False, f"{contact.id} has none of the step's roles "
                              f"({', '.join(sorted(roles))})", "step_not_yours",
                       {"n": incident.id})
    if not _involved(contact, incident, reported):
        return Verdict(False, f"{contact.id} is not on #{incident.id}'s response team",
                       "not_allowed", {"n": incident.id})
    return _yes(f"{contact.id} holds a role of the step and is on #{incident.id}")


def may_log(config: Config, contact: Contact | None, incident: Incident,
            reported: bool) -> Verdict:
    """May this person write the encounter log, a warrant-aid review or a records request
    of ``incident``? Admins, its responders, whoever reported into it, and leaders of
    its school (the designee and the principal both keep the log)."""
    if contact is None:
        return stranger(config, "not in contacts")
    if config.is_admin(contact.id):
        return _yes(f"{contact.id} is an admin")
    if _involved(contact, incident, reported):
        return _yes(f"{contact.id} is on #{incident.id}")
    return Verdict(False, f"{contact.id} is not on #{incident.id}'s response team",
                   "not_allowed", {"n": incident.id})


def may_sign_off_for_counsel(config: Config, contact: Contact | None) -> Verdict:
    """Counsel's sign-off on a records request: the staff attorney role, or an admin."""
    if contact is None:
        return stranger(config, "not in contacts")
    if config.is_admin(contact.id) or set(COUNSEL_ROLES) & set(contact.roles):
        return _yes(f"{contact.id} may sign off for counsel")
    return Verdict(False, f"{contact.id} is not counsel ({', '.join(COUNSEL_ROLES)})",
                   "counsel_only")


def reminded_about_records(config: Config, incident: Incident) -> tuple[Contact, ...]:
    """Who is reminded of a records request's parent notice or deadline: whoever
    acknowledged the incident and every contact with a counsel role; with neither, the
    admins (someone must hear it). Each person once."""
    targets: list[str] = []
    if incident.acknowledged_by:
        targets.append(incident.acknowledged_by)
    targets += COUNSEL_ROLES
    people = config.resolve_targets(tuple(targets))
    return people or config.admin_contacts()


def reminded_about_step(config: Config, incident: Incident,
                        step_roles: Iterable[str]) -> tuple[Contact, ...]:
    """Who is texted when a checklist step with a ``due`` is not done in time: the people
    who would tick it off. Everyone holding one of the step's roles (or named by id) who
    is on the incident: whoever acknowledged it (first), the contacts its frozen plan
    pages, and (not for a drill, whose plan names its participants) the leaders of its
    school, as for ``may_complete_step`` but never an admin for being an admin. With none
    of them, whoever acknowledged it (they run the response); with nobody, the admins:
    someone always hears it. Each person once."""
    roles = set(step_roles)
    ack = config.contacts.get(incident.acknowledged_by or "")
    on_it = [c for c in config.contacts.values()
             if c.id in incident.plan.contact_ids()
             or (not incident.drill and incident.school_id is not None
                 and incident.school_id in c.schools)]
    people = [c for c in ([ack] if ack else []) + on_it
              if c.id in roles or roles & set(c.roles)]
    if not people:
        people = [ack] if ack else list(config.admin_contacts())
    return tuple({c.id: c for c in people}.values())


# --- the console's own actions (issue 11, branch console-board) -------------------------


def may_page_now(config: Config, contact: Contact | None, incident: Incident) -> Verdict:
    """May this person page someone now for ``incident`` from the console? Whoever may
    respond to it (admins and the contacts its frozen plan pages, ``may_respond``),
    while it is open: a closed incident pages nobody."""
    verdict = may_respond(config, contact, incident)
    if not verdict.allowed:
        return verdict
    if not incident.is_open:
        return Verdict(False, f"#{incident.id} is resolved: nobody is paged for it",
                       "console_closed", {"n": incident.id})
    return verdict


def may_message_reporter(config: Config, contact: Contact | None,
                         incident: Incident) -> Verdict:
    """May this person text the reporter of ``incident`` from the district number? The
    Superintendent's designees on its response team and admins (``may_respond``), open
    or resolved (an all-clear after the end is a designee's call: district letter, B-C)."""
    return may_respond(config, contact, incident)
