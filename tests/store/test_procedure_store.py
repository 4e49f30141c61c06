"""Issue 12 in the store, on SQLite and PostgreSQL: the checklist (completing twice is
one effect, even at once; undo is a timeline entry), the encounter log, warrant-aid
reviews, records requests with exactly-once reminders, and retention's purge."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from alertbot.clock import FakeClock
from alertbot.config.loader import load_or_raise
from alertbot.core import commands as cmd
from alertbot.core.model import Config
from alertbot.core.records_requests import Presented
from alertbot.core.warrant import Answers, Form, Header, Signer
from alertbot.metrics import Metrics
from alertbot.service import procedure, records, retention
from alertbot.service.procedure import Status
from alertbot.service.receiver import Receiver
from alertbot.store.retention import PURGED
from alertbot.store.sql import Store, Tx
from tests.store.district import actor

DISTRICT = Path(__file__).parent.parent / "scenario" / "district_procedure"
PUBLIC = "https://alerts.example.test"


@pytest.fixture
def pconfig() -> Config:
    return load_or_raise(DISTRICT / "escalation.yaml", DISTRICT / "contacts")


@pytest.fixture
async def preceiver(store: Store, pconfig: Config) -> AsyncIterator[Receiver]:
    yield Receiver(pconfig, store, FakeClock(), Metrics(), nudge=lambda: None)


async def opened(receiver: Receiver, config: Config, words: str = "2 agents") -> int:
    reply = await receiver.handle(actor(config, "principal-burns"),
                                  cmd.Open(config.triggers[0], config.schools["burns"], words),
                                  "sms")
    assert reply.incident_id is not None
    return reply.incident_id


def timeline(tx: Tx, number: int, kind: str) -> list[str]:
    return [e.text for e in tx.timeline([number])[number] if e.kind == kind]


async def test_completing_a_step_twice_is_one_effect_and_undo_is_a_new_entry(
        store: Store, preceiver: Receiver, pconfig: Config) -> None:
    number = await opened(preceiver, pconfig)
    attorney = pconfig.contacts["attorney"]

    def complete(tx: Tx) -> procedure.Result:
        return procedure.complete_step(tx, pconfig, attorney, number, "designees",
                                       "on site", {"arrived_at": "9:40", "said": "hello"},
                                       100.0)

    first = await store.write(complete)
    second = await store.write(complete)
    assert (first.status, first.key) == (Status.DONE, "step_done")
    assert (second.status, second.key) == (Status.UNCHANGED, "step_already_done")
    assert second.values == {"name": "Sam Okafor"}
    done = await store.read(lambda tx: tx.steps_done(number))
    assert set(done) == {"designees"}
    assert done["designees"].values == {"arrived_at": "9:40", "said": "hello"}
    assert done["designees"].note == "on site" and done["designees"].done_at == 100.0
    entries = await store.read(lambda tx: timeline(tx, number, "procedure"))
    assert entries == ["Checklist: 1 of 4 steps done (latest: step 2, by Sam Okafor)"]

    undo = await store.write(lambda tx: procedure.complete_step(
        tx, pconfig, attorney, number, "designees", "", {}, 200.0, undo=True))
    again = await store.write(lambda tx: procedure.complete_step(
        tx, pconfig, attorney, number, "designees", "", {}, 201.0, undo=True))
    assert (undo.key, again.key) == ("step_undone", "step_not_done")
    assert await store.read(lambda tx: tx.steps_done(number)) == {}
    redo = await store.write(lambda tx: procedure.complete_step(
        tx, pconfig, pconfig.contacts["admin"], number, "designees", "", {}, 300.0))
    assert redo.key == "step_done"
    assert (await store.read(lambda tx: tx.steps_done(number)))["designees"].done_by == "admin"
    entries = await store.read(lambda tx: timeline(tx, number, "procedure"))
    assert entries[1:] == ["Checklist: step 2 undone by Sam Okafor (0 of 4 steps done)",
                           "Checklist: 1 of 4 steps done (latest: step 2, by Riley Chen)"]
    # The timeline (which Slack mirrors) carries neither the note nor the field values.
    assert not any("on site" in e or "hello" in e or "9:40" in e for e in entries)


async def test_two_completions_at_once_have_one_winner(
        store: Store, preceiver: Receiver, pconfig: Config) -> None:
    for round_ in range(4):
        number = await opened(preceiver, pconfig, f"round {round_}")
        people = [pconfig.contacts[c] for c in ("attorney", "superintendent", "admin")]
        results = await asyncio.gather(*(store.write(
            lambda tx, p=p, n=number: procedure.complete_step(tx, pconfig, p, n, "designees",
                                                              "", {}, 50.0)) for p in people))
        assert sorted(r.key for r in results) == ["step_already_done"] * 2 + ["step_done"]
        assert len(await store.read(lambda tx, n=number: timeline(tx, n, "procedure"))) == 1
        await preceiver.handle(actor(pconfig, "admin"), cmd.Resolve(number), "sms")


async def test_refusals_and_bad_values_change_nothing(
        store: Store, preceiver: Receiver, pconfig: Config) -> None:
    number = await opened(preceiver, pconfig)
    c = pconfig.contacts
    cases = [(c["teacher"], "designees", {}, Status.REFUSED, "step_not_yours"),
             (c["principal-oak"], "refer", {}, Status.REFUSED, "not_allowed"),
             (c["attorney"], "nope", {}, Status.NOT_FOUND, "no_such_step"),
             (c["attorney"], "designees", {"arrived_at": "25:00"}, Status.INVALID, "invalid"),
             (None, "refer", {}, Status.REFUSED, "unknown_sender")]
    for contact, step, values, status, key in cases:
        result = await store.write(lambda tx, contact=contact, step=step, values=values:
                                   procedure.complete_step(tx, pconfig, contact, number,
                                                           step, "", values, 10.0))
        assert (result.status, result.key) == (status, key), (contact, step)
    assert await store.read(lambda tx: tx.steps_done(number)) == {}
    # The reporter, a principal, may tick off step A.
    ok = await store.write(lambda tx: procedure.complete_step(
        tx, pconfig, c["principal-burns"], number, "refer", "", {}, 11.0))
    assert ok.status is Status.DONE


async def test_encounter_changes_name_the_fields_not_the_values(
        store: Store, preceiver: Receiver, pconfig: Config) -> None:
    number = await opened(preceiver, pconfig)
    attorney = pconfig.contacts["attorney"]
    first = await store.write(lambda tx: procedure.update_encounter(
        tx, pconfig, attorney, number, {"agents_count": 2, "agency": "ICE",
                                        "agents": "Officer Doe #123"}, 10.0))
    same = await store.write(lambda tx: procedure.update_encounter(
        tx, pconfig, attorney, number, {"agents_count": 2}, 11.0))
    more = await store.write(lambda tx: procedure.update_encounter(
        tx, pconfig, pconfig.contacts["admin"], number, {"outcome": "declined"}, 12.0))
    assert [r.key for r in (first, same, more)] == ["encounter_saved", "encounter_unchanged",
                                                     "encounter_saved"]
    enc = await store.read(lambda tx: tx.encounter(number))
    assert enc is not None
    assert (enc.agents_count, enc.agency, enc.agents, enc.outcome) == (
        2, "ICE", "Officer Doe #123", "declined")
    assert (enc.updated_by, enc.updated_at) == ("Riley Chen", 12.0)
    assert await store.read(lambda tx: timeline(tx, number, "encounter")) == [
        "Encounter log: agency, agents, agents_count changed by Sam Okafor",
        "Encounter log: outcome changed by Riley Chen"]


async def test_warrant_reviews_are_kept_per_document(
        store: Store, preceiver: Receiver, pconfig: Config) -> None:
    number = await opened(preceiver, pconfig)
    attorney = pconfig.contacts["attorney"]
    answers = Answers(Signer.OFFICER, Header.AGENCY, Form.I200)
    result = await store.write(lambda tx: procedure.review_warrant(
        tx, pconfig, attorney, number, answers, "doc-1", "header says DHS", 10.0))
    assert result.key == "warrant_reviewed"
    [review] = await store.read(lambda tx: tx.warrant_reviews(number))
    assert (review.document_id, review.answers, review.note) == ("doc-1", answers,
                                                                 "header says DHS")
    assert review.assessment.kind == "admin_arrest"
    [entry] = await store.read(lambda tx: timeline(tx, number, "warrant_review"))
    assert "counsel decides" in entry and "I-200" not in entry and "admin" not in entry


async def test_a_reminder_goes_once_per_due_item(
        store: Store, preceiver: Receiver, pconfig: Config) -> None:
    number = await opened(preceiver, pconfig)
    await preceiver.handle(actor(pconfig, "superintendent"), cmd.Ack(number), "sms")
    t = 1_800_000_000.0
    attorney = pconfig.contacts["attorney"]
    added = await store.write(lambda tx: records.add_request(
        tx, pconfig, attorney, number,
        {"presented": Presented.SUBPOENA, "categories": ("grades",),
         "parent_notice_due_at": t + 2 * 3600, "response_due_at": t + 48 * 3600}, t))
    rid = int(added.values["id"])  # type: ignore[call-overload]

    async def run(now: float) -> list[int]:
        return await store.write(lambda tx: records.send_due_reminders(tx, pconfig, now,
                                                                       PUBLIC))

    assert await run(t + 3600 - 1) == []  # an hour before the due time: not yet
    assert await run(t + 3600) == [number]
    assert await run(t + 3600) == []  # once
    assert await run(t + 2 * 3600 + 5) == []
    bodies = await store.read(lambda tx: [(m.address, m.body) for m in tx.messages_for(number)
                                          if m.reason.startswith("records request")])
    assert sorted(a for a, _ in bodies) == ["+18605550100", "+18605550102"]
    assert bodies[0][1] == (f"alertbot: a parent notice for records request {rid} of #{number}"
                            f" is due at 5:00 AM. Details in the console: "
                            f"{PUBLIC}/incidents/{number}")
    # parents notified: no parent-notice reminder is due any more; the deadline's is
    logged = await store.write(lambda tx: records.update_request(
        tx, pconfig, attorney, number, rid, {}, {"parents_notified": "phone"}, t + 100))
    assert logged.key == "records_request_saved"
    assert await run(t + 47 * 3600) == [number]
    assert await run(t + 47 * 3600 + 1) == []
    assert await store.read(lambda tx: tx.next_records_reminder()) is None  # nothing left


async def test_counsel_signs_off_and_provided_is_logged(
        store: Store, preceiver: Receiver, pconfig: Config) -> None:
    number = await opened(preceiver, pconfig)
    c = pconfig.contacts
    added = await store.write(lambda tx: records.add_request(
        tx, pconfig, c["superintendent"], number, {"presented": Presented.COURT_ORDER,
                                                   "non_disclosure": True}, 5.0))
    rid = int(added.values["id"])  # type: ignore[call-overload]
    refused = await store.write(lambda tx: records.update_request(
        tx, pconfig, c["superintendent"], number, rid, {}, {"counsel_signoff": ""}, 6.0))
    assert (refused.status, refused.key) == (Status.REFUSED, "counsel_only")
    signed = await store.write(lambda tx: records.update_request(
        tx, pconfig, c["attorney"], number, rid, {}, {"counsel_signoff": "", "provided": ""},
        7.0))
    assert signed.status is Status.DONE
    [req] = await store.read(lambda tx: tx.records_requests(number))
    assert (req.counsel_signoff_by, req.provided_by, req.provided_at) == (
        "Sam Okafor", "Sam Okafor", 7.0)
    assert await store.read(lambda tx: timeline(tx, number, "records_request")) == [
        f"Records request {rid} recorded by Dr. Jordan Rivera",
        f"Records request {rid}: provided_at, counsel_signoff_at logged by Sam Okafor"]


async def test_retention_purges_free_text_keeps_timings_and_counts(
        store: Store, preceiver: Receiver, pconfig: Config) -> None:
    clock = preceiver.clock
    assert isinstance(clock, FakeClock)
    number = await opened(preceiver, pconfig, "Student Jane Roe at the front desk")
    c = pconfig.contacts
    await preceiver.handle(actor(pconfig, "principal-burns"),
                           cmd.Update(number, "they asked for Jane"), "sms")
    await preceiver.handle(actor(pconfig, "superintendent"), cmd.Ack(number), "sms")
    now = clock.now()
    await store.write(lambda tx: procedure.complete_step(
        tx, pconfig, c["attorney"], number, "designees", "met Jane's mother",
        {"arrived_at": "9:40", "said": "Jane"}, now))
    await store.write(lambda tx: procedure.update_encounter(
        tx, pconfig, c["attorney"], number, {"agents_count": 3, "arrived_at": now,
                                              "account": "asked for Jane", "agency": "ICE"},
        now))
    await store.write(lambda tx: records.add_request(
        tx, pconfig, c["attorney"], number, {"presented": Presented.SUBPOENA,
                                              "other_category": "Jane's bus log",
                                              "notes": "Jane"}, now))
    await store.write(lambda tx: procedure.review_warrant(
        tx, pconfig, c["attorney"], number, Answers(), None, "names Jane", now))
    await preceiver.handle(actor(pconfig, "superintendent"), cmd.Resolve(number), "sms")
    resolved_at = clock.now()

    async def purge(at: float) -> list[int]:
        return await store.write(lambda tx: retention.purge_due(tx, pconfig, at))

    assert await purge(resolved_at + 30 * 86400 - 1) == []  # 30 days not over
    assert await purge(resolved_at + 30 * 86400 + 1) == [number]
    assert await purge(resolved_at + 40 * 86400) == []  # once

    def everything(tx: Tx) -> str:
        inc = tx.get_incident(number)
        return json.dumps([repr(inc), [e.text for e in tx.timeline([number])[number]],
                           [m.body for m in tx.messages_for(number)],
                           repr(tx.steps_done(number)), repr(tx.encounter(number)),
                           repr(tx.records_requests(number)), repr(tx.warrant_reviews(number))])

    dump = await store.read(everything)
    assert "Jane" not in dump
    inc = await store.read(lambda tx: tx.get_incident(number))
    assert inc is not None and inc.details == "" and inc.acknowledged_at is not None
    steps = await store.read(lambda tx: tx.steps_done(number))
    assert steps["designees"].values == {"arrived_at": "9:40"}  # a time stays, text goes
    enc = await store.read(lambda tx: tx.encounter(number))
    assert enc is not None and (enc.agents_count, enc.arrived_at, enc.agency) == (3, now, "ICE")
    entries = await store.read(lambda tx: tx.timeline([number])[number])
    assert PURGED in [e.text for e in entries if e.kind == "update"]
    assert entries[-1].kind == "retention"
    assert len(await store.read(lambda tx: tx.messages_for(number))) > 0  # rows kept


async def test_no_retention_setting_purges_nothing(
        store: Store, preceiver: Receiver, pconfig: Config) -> None:
    from dataclasses import replace

    from alertbot.core.procedure import Retention

    number = await opened(preceiver, pconfig)
    await preceiver.handle(actor(pconfig, "admin"), cmd.Resolve(number), "sms")
    keep = replace(pconfig, retention=Retention())
    assert await store.write(lambda tx: retention.purge_due(tx, keep, 1e12)) == []
    inc = await store.read(lambda tx: tx.get_incident(number))
    assert inc is not None and inc.details == "2 agents"


async def test_a_request_recorded_with_a_sign_off_by_someone_else_records_nothing(
        store: Store, preceiver: Receiver, pconfig: Config) -> None:
    number = await opened(preceiver, pconfig)
    c = pconfig.contacts
    refused = await store.write(lambda tx: records.add_request(
        tx, pconfig, c["superintendent"], number, {"presented": Presented.SUBPOENA}, 5.0,
        {"counsel_signoff": "1"}))
    assert (refused.status, refused.key) == (Status.REFUSED, "counsel_only")
    assert await store.read(lambda tx: tx.records_requests(number)) == []
    done = await store.write(lambda tx: records.add_request(
        tx, pconfig, c["attorney"], number, {"presented": Presented.SUBPOENA}, 6.0,
        {"counsel_signoff": "1", "parents_notified": "letter"}))
    assert done.status is Status.DONE
    [req] = await store.read(lambda tx: tx.records_requests(number))
    assert (req.counsel_signoff_by, req.parents_notified_how) == ("Sam Okafor", "letter")
