"""Reporting: a report opens an incident, or joins the open one of its type and school;
the page-storm gates (``core/limits.py``) join or limit a sender's repeated reports; the
receipt says what happened.

The receiver dispatches ``Open`` here, inside the command's one unit of work (``tx``:
synchronous). The first step's pages are queued in the same unit (decision 0023).
Collaborators are explicit: the config in force (a getter: a reload swaps it), the clock,
the metrics, the questions (refusals, the fallback number) and the updates part (a
school named on joining).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

from alertbot.clock import Clock
from alertbot.core import commands as cmd
from alertbot.core import limits, who
from alertbot.core.actors import Actor, Outcome
from alertbot.core.incident import Incident
from alertbot.core.limits import SENDER_WINDOW, Gate
from alertbot.core.model import Config, School
from alertbot.core.plan import Plan, build_plan, select_policy
from alertbot.core.records import TimelineEntry
from alertbot.metrics import Metrics
from alertbot.service import drills, notices
from alertbot.service.escalation import escalate, first_step, page_step, stepped
from alertbot.service.questions import Questions, reply
from alertbot.service.updates import Updates
from alertbot.store.sql import Tx
from alertbot.text.messages import WORDS_MAX, clean_text, render
from alertbot.text.reply import Reply, ReplyKey

log = logging.getLogger("alertbot.receiver")

# The lock (PostgreSQL) that makes school-less unverified reports take turns: they are
# one crowd for ``limits.crowd_gate`` (alertbot/core/limits.py).
UNVERIFIED_KEY = "unverified:*"


class Reporting:
    """``config`` is a getter (the config in force now); ``clock`` gives ``now``."""

    def __init__(self, config: Callable[[], Config], clock: Clock, metrics: Metrics,
                 questions: Questions, updates: Updates) -> None:
        self._config = config
        self.clock = clock
        self.metrics = metrics
        self.questions = questions
        self.updates = updates
        self._plans: tuple[Config | None, dict[str, Plan]] = (None, {})

    @property
    def config(self) -> Config:
        return self._config()

    def open_incident(self, tx: Tx, actor: Actor, trigger_incident: str,
                            school: School | None, details: str, source: str,
                            unverified: bool = False,
                            school_reason: str | None = None) -> tuple[Incident, bool]:
        """Open (or join) an incident; returns it and whether it is new.

        A second report of the same type at the same school while one is open joins
        it as an update: a principal who texts twice must not split the response.
        """
        now = self.clock.now()
        details = clean_text(details, WORDS_MAX)
        itype = self.config.incidents[trigger_incident]
        policy_name = select_policy(itype.routes, school)
        assert policy_name is not None, "config check guarantees a catch-all route"
        plan = self._plan(policy_name)
        school_label = school.name if school else render("no_school", "en")
        incident = Incident(
            id=0, type=itype.id, title=itype.title_in("en").format(school=school_label),
            school_id=school.id if school else None, school_name=school.name if school else None,
            reporter_id=actor.contact.id if actor.contact else None,
            reporter_name=actor.display, reporter_phone=actor.phone, source=source,
            details=details, language=actor.language, created_at=now, plan=plan,
            due_at=now, unverified=unverified, drill=itype.drill,
        )
        # Its first step is decided before the insert, which writes the incident at that
        # step: no compare-and-set after it (nobody else can see the row yet).
        first = first_step(tx, incident, now)
        opening = incident
        if first is not None:
            incident = stepped(incident, first)
        # One open incident per (type, school) is the database's guarantee: of two
        # reports at the same instant one opens, the other joins (store/tx.py).
        incident, new = tx.open_or_join(incident)
        if not new:
            existing = incident
            tx.add_timeline(existing.id, now, "reported_again",
                                  f"reported again via {source} by {actor.display}",
                                  actor.display)
            if details:
                tx.add_timeline(existing.id, now, "update", details, actor.display)
            self._add_reporter(tx, existing.id, actor, now)
            return existing, False
        self._add_reporter(tx, incident.id, actor, now, opener=True)
        drills.track_keyword_drill(tx, incident, now)  # ends by itself, with a summary
        by = actor.display + (" (unverified reporter)" if unverified else "")
        # The details stay on the incident row (console), not in the timeline text,
        # which Slack threads and reports may carry.
        where = f"school {school.id}" if school else "no school named"
        entries = [
            TimelineEntry(incident.id, now, "opened", actor.display,
                          f"opened via {source} by {by}"),
            TimelineEntry(incident.id, now, "routed", None,
                          f"routed to escalation '{policy_name}' "
                          f"({school_reason or where})")]
        self.metrics.incidents_opened.labels(type=itype.id, source=source).inc()
        log.info("incident %d opened (%s, %s) via %s", incident.id, itype.id, where, source)
        # Its first pages go into the outbox in this same unit of work: never an incident
        # without them, and the first page waits for no engine pass.
        if first is None:  # a policy that pages nobody: escalate tells the admins
            tx.add_timelines(entries)
            return escalate(tx, incident, now, self.config, self.metrics) or incident, True
        self.metrics.page_lateness.observe(0.0)  # decided at its due time, as escalate
        page_step(tx, replace(opening, id=incident.id), first, now, self.config, entries)
        tx.add_timelines(entries)
        return incident, True

    def _plan(self, policy_name: str) -> Plan:
        """The escalation policy's plan under the config in force: built once per
        config (a reload brings a new one), as it depends on nothing else (≈ 0.1 ms a
        report on the first page's path, decision 0053)."""
        config = self.config
        if self._plans[0] is not config:
            self._plans = (config, {})
        plans = self._plans[1]
        if policy_name not in plans:
            plans[policy_name] = build_plan(config, config.escalations[policy_name])
        return plans[policy_name]

    def _add_reporter(self, tx: Tx, incident_id: int, actor: Actor, now: float,
                            opener: bool = False) -> None:
        key = actor.sender_key
        if key is not None:
            tx.add_reporter(incident_id, key, actor.language, now, opener=opener)

    def open(self, tx: Tx, actor: Actor, command: cmd.Open, source: str) -> Reply:
        config = self.config
        verdict = who.may_report(config, actor.contact, actor.phone)
        if not verdict.allowed:
            return self.questions.refuse(actor, verdict)
        choice = who.school_for_report(config, actor.contact, command.school)
        school = choice.school
        sender = actor.sender_key
        if sender is not None:
            tx.lock_sender(sender)  # one sender's reports take turns (PostgreSQL)
            gated = self._sender_gate(tx, actor, sender, command, school, source)
            if gated is not None:
                return gated
        if who.is_unverified(actor.contact) and school is None:
            crowded = self._unverified_gate(tx, actor, command, source)
            if crowded is not None:
                return crowded
        incident, new = self.open_incident(
            tx, actor, command.trigger.incident, school, command.details, source,
            unverified=who.is_unverified(actor.contact), school_reason=choice.reason)
        return self.receipt(incident, actor.language, new)

    def _sender_gate(self, tx: Tx, actor: Actor, sender: str, command: cmd.Open,
                     school: School | None, source: str) -> Reply | None:
        """Repeated reports from one sender join their open incident; past the cap they
        are limited (``limits.sender_gate``). None: go on and open (or join by school)."""
        now = self.clock.now()
        itype = command.trigger.incident
        facts = tx.sender_facts(sender, itype, school.id if school else None,
                                now - SENDER_WINDOW)
        mine, opened = facts.mine, facts.opened
        gate = limits.sender_gate(mine, school, facts.school_open, opened, now)
        if gate.gate is Gate.NAME_SCHOOL and gate.target is not None and school is not None:
            return self._name_school(tx, gate.target, actor, school, command, source, now)
        if gate.gate is Gate.JOIN and gate.target is not None:
            incident = gate.target
            self._join(tx, incident, actor, command.details, source, now)
            return self.receipt(incident, actor.language, False)
        if gate.gate is Gate.OPEN_TELL:
            # A school with no open incident, or nothing of theirs open: a genuine
            # report. It opens; the admins hear (once a window) how many this sender opened.
            self._tell_admins_of_sender(tx, actor, sender, "sender_many_admin",
                                        None, now, count=opened + 1)
        if gate.gate is Gate.LIMIT and gate.target is not None:
            return self._limited(tx, actor, sender, command, source, opened, gate.target)
        return None

    def _name_school(self, tx: Tx, pending: Incident, actor: Actor, school: School,
                     command: cmd.Open, source: str, now: float) -> Reply:
        """The sender's school-less ``pending`` incident gets the school their new report
        names, exactly as if they had answered "which school?" (``Updates.set_school``):
        if the school has an open incident of the type, ``pending`` is merged into it
        (paging stops, the timeline says why) and the report's words go there."""
        survivor = self.updates.set_school(tx, pending, school, actor)
        self._join(tx, survivor, actor, command.details, source, now,
                   f" (naming the school of #{pending.id})")
        if survivor.id != pending.id:  # that school's incident was already open
            return self.updates.merged_reply(pending.id, survivor, actor.language)
        if survivor.school_id is None:  # named by someone else a moment ago
            survivor = tx.get_incident(pending.id) or survivor
        return self.receipt(survivor, actor.language, False)

    def _unverified_gate(self, tx: Tx, actor: Actor, command: cmd.Open,
                         source: str) -> Reply | None:
        """A school-less report from a number not in contacts, when UNVERIFIED_CAP such
        incidents opened in the window are still open: it joins the newest of them
        (``limits.crowd_gate``). None: open as usual."""
        tx.lock_sender(UNVERIFIED_KEY)  # such reports take turns (PostgreSQL)
        now = self.clock.now()
        crowd = tx.open_unverified_without_school(command.trigger.incident,
                                                  now - SENDER_WINDOW)
        gate = limits.crowd_gate(actor.contact, None, crowd)
        if gate.gate is not Gate.CROWD or gate.target is None:
            return None
        target = gate.target
        self._join(tx, target, actor, command.details, source, now, f" ({gate.reason})")
        self._tell_admins_of_sender(tx, actor, UNVERIFIED_KEY, "unverified_flood_admin",
                                    target, now, count=len(crowd) + 1,
                                    joined=f"#{target.id}")
        return self.receipt(target, actor.language, False)

    def _join(self, tx: Tx, incident: Incident, actor: Actor, details: str,
                    source: str, now: float, note: str = "") -> None:
        tx.add_timeline(incident.id, now, "reported_again",
                              f"reported again via {source} by {actor.display}{note}",
                              actor.display)
        details = clean_text(details, WORDS_MAX)
        if details:
            tx.add_timeline(incident.id, now, "update", details, actor.display)
        self._add_reporter(tx, incident.id, actor, now)

    def _limited(self, tx: Tx, actor: Actor, sender: str, command: cmd.Open,
                       source: str, opened: int, target: Incident) -> Reply:
        """Over the cap, a report naming no school joins the sender's newest open
        incident (its words go on that timeline); admins hear once per window."""
        now = self.clock.now()
        minutes = int(SENDER_WINDOW // 60)
        self._join(tx, target, actor, command.details, source, now,
                         f" (sender limit: {opened} new incidents in {minutes} min)")
        self._tell_admins_of_sender(tx, actor, sender, "sender_limited_admin", target,
                                          now, count=opened, joined=f"#{target.id}")
        return self.questions.fallback_reply(
            Outcome.LIMITED, ReplyKey.SENDER_LIMITED, actor.language, target.id,
            n=target.id, count=opened, minutes=minutes)

    def _tell_admins_of_sender(self, tx: Tx, actor: Actor, sender: str, key: str,
                                     incident: Incident | None, now: float,
                                     **values: object) -> None:
        """Text the admins about a sender over the cap, once per SENDER_WINDOW."""
        minutes = int(SENDER_WINDOW // 60)
        log.warning("sender %s over the cap: %s within %d min", actor.masked,
                    values.get("count"), minutes)
        if tx.claim_sender_notice(sender, now, SENDER_WINDOW):
            tx.enqueue(notices.notify_admins(
                self.config, key, incident.id if incident else None,
                f"sender over the cap: {actor.masked}", skip_address=actor.phone,
                who=actor.display, minutes=minutes, **values), now)

    def receipt(self, incident: Incident, language: str, new: bool = True) -> Reply:
        """What a reporter is told: a new incident, or the open one they joined (who is
        responding, if someone acknowledged); with no school yet, they are asked for it."""
        itype = self.config.incidents[incident.type]
        values: dict[str, object] = {
            "n": incident.id, "guidance": dict(itype.guidance),
            "school": incident.school_name if incident.school_id is not None else None,
            "fallback": self.config.fallback_phone or ""}
        if new:
            key = ReplyKey.RECEIPT
        elif incident.acknowledged_by_name:
            key = ReplyKey.RECEIPT_JOINED_ACKED
            values["name"] = incident.acknowledged_by_name
        else:
            key = ReplyKey.RECEIPT_JOINED
        return reply(Outcome.OPENED if new else Outcome.JOINED, key, language, incident.id,
                     **values)
