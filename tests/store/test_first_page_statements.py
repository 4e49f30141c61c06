"""The opening unit's statements (decision 0053), on SQLite and
PostgreSQL: each way it saves a statement answers exactly what the statements it
replaced answered.

- the sender gate's three reads are one (``Tx.sender_facts``);
- a reporter is recorded with ``ON CONFLICT DO NOTHING``, not a read and an insert;
- the opener's and the first step's timeline entries go in one ``executemany``
  (``Tx.add_timelines``);
- a new incident is inserted at its first step (``escalation.first_step``), so no
  compare-and-set follows the insert;
- ``is_drill`` answers from the incidents the unit already read or inserted;
- SQLite tries the insert before the read in ``open_or_join`` (PostgreSQL reads first,
  so a join never burns a number of the sequence: incident numbers have no gaps);
- the writer thread keeps its SQLite connection between units.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import event

from alertbot.clock import FakeClock
from alertbot.core import commands as cmd
from alertbot.core.incident import SCHEDULED, State
from alertbot.core.model import Config
from alertbot.core.records import TimelineEntry
from alertbot.metrics import Metrics
from alertbot.service.receiver import Receiver
from alertbot.store.schema import incident_reporters
from alertbot.store.sql import Store, Tx
from tests.store.district import actor
from tests.store.test_store_contract import T0, incident
from tests.unitofwork import transaction

KEY = "contact:p"


def _old_answers(tx: Tx, key: str, type_: str, school: str | None,
                 since: float) -> tuple[list[int], bool, int]:
    """What the gate read before: three statements."""
    mine = [i.id for i in tx.open_incidents_reported_by_key(key) if i.type == type_]
    school_open = school is not None and tx.open_incident_of(type_, school) is not None
    opened = tx.conn.execute(
        sa.select(sa.func.count()).select_from(incident_reporters)
        .where(incident_reporters.c.reporter_key == key,
               incident_reporters.c.opener.is_(True),
               incident_reporters.c.at >= since)).scalar_one()
    return mine, school_open, int(opened)


def _new_answers(tx: Tx, key: str, type_: str, school: str | None,
                 since: float) -> tuple[list[int], bool, int]:
    facts = tx.sender_facts(key, type_, school, since)
    return [i.id for i in facts.mine], facts.school_open, facts.opened


async def test_sender_facts_answer_what_the_three_reads_answered(store: Store) -> None:
    async with transaction(store) as tx:
        # Nothing at all: the count's row still comes back.
        for school in ("burns", None):
            assert await tx.run(_new_answers, KEY, "ice", school, T0 - 900) == ([], False, 0)
        theirs = await tx.insert_incident(incident(school_id=None, school_name=None))
        await tx.add_reporter(theirs, KEY, "en", T0, opener=True)
        joined = await tx.insert_incident(incident(school_id="king", school_name="King"))
        await tx.add_reporter(joined, KEY, "en", T0 + 1)  # joined, not opened
        other_type = await tx.insert_incident(incident(type="lockdown"))
        await tx.add_reporter(other_type, KEY, "en", T0, opener=True)
        done = await tx.insert_incident(incident(school_id="lee", school_name="Lee"))
        await tx.add_reporter(done, KEY, "en", T0 - 2000, opener=True)
        resolved = await tx.get_incident(done)
        await tx.transition(resolved, replace(resolved, state=State.RESOLVED))
        someone_elses = await tx.insert_incident(incident())  # ice at Burns
        await tx.add_reporter(someone_elses, "contact:q", "en", T0, opener=True)
        drill = await tx.insert_incident(incident(school_id="park", school_name="Park",
                                                  source=SCHEDULED, drill=True))
        cases: list[tuple[str, str, str | None, float]] = [
            (key, type_, school, since)
            for key in (KEY, "contact:q", "phone:+18605550199")
            for type_ in ("ice", "lockdown")
            for school in (None, "burns", "king", "park", "lee", "nowhere")
            for since in (T0 - 3000, T0 - 900, T0 + 1)]
        for case in cases:
            old = await tx.run(_old_answers, *case)
            new = await tx.run(_new_answers, *case)
            assert new == old, case
        # The cases above do reach every answer the gate acts on:
        assert await tx.run(_new_answers, KEY, "ice", "burns", T0 - 3000) == (
            [theirs, joined], True, 3)
        assert await tx.run(_new_answers, KEY, "ice", "park", T0 - 900) == (
            [theirs, joined], False, 2)  # a scheduled drill is never joined
        assert drill > 0


async def test_a_reporter_recorded_twice_keeps_its_first_language_and_time(
        store: Store) -> None:
    async with transaction(store) as tx:
        number = await tx.insert_incident(incident())
        assert await tx.add_reporter(number, KEY, "es", T0, opener=True)
        assert not await tx.add_reporter(number, KEY, "en", T0 + 60)
        assert await tx.reporters_of(number) == [(KEY, "es")]
        assert (await tx.sender_facts(KEY, "ice", None, T0)).opened == 1


async def test_timeline_entries_in_one_statement_keep_their_order_and_seal_words(
        store: Store) -> None:
    async with transaction(store) as tx:
        number = await tx.insert_incident(incident())
        await tx.add_timeline(number, T0, "opened", "opened via sms by Ana", "Ana")
        await tx.add_timelines([
            TimelineEntry(number, T0, "routed", None, "routed to escalation 'ice'"),
            TimelineEntry(number, T0, "update", "Ana", "Maria Example is in room 4"),
            TimelineEntry(number, T0 + 1, "paged", None, "step 1: Sam by sms")])
        await tx.add_timelines([])
        raw = (await tx.conn.execute(sa.text(
            "SELECT text FROM timeline WHERE kind = 'update'"))).scalar_one()
        entries = (await tx.timeline([number]))[number]
    assert [e.kind for e in entries] == ["opened", "routed", "update", "paged"]
    assert entries[2].text == "Maria Example is in room 4" and entries[2].actor == "Ana"
    assert "Maria" not in raw  # sealed at rest, as add_timeline seals it (0044)


async def test_is_drill_answers_for_incidents_the_unit_has_and_has_not_read(
        store: Store) -> None:
    async with transaction(store) as tx:
        drill = await tx.insert_incident(incident(drill=True))
        real = await tx.insert_incident(incident(school_id="king", school_name="King"))
        assert await tx.is_drill(drill) and not await tx.is_drill(real)
    async with transaction(store) as tx:  # a new unit: nothing known, it asks
        assert await tx.is_drill(drill) and not await tx.is_drill(real)
        assert not await tx.is_drill(real + 100)
        await tx.get_incident(drill)
        assert await tx.is_drill(drill)


async def test_a_join_never_burns_an_incident_number(store: Store) -> None:
    async with transaction(store) as tx:
        first, new = await tx.open_or_join(incident())
        assert new
        joined, new = await tx.open_or_join(incident(reporter_name="Bo"))
        assert not new and joined.id == first.id and joined.reporter_name == "Ana"
        again, _ = await tx.open_or_join(incident(reporter_name="Cy"))
        assert again.id == first.id
        other, new = await tx.open_or_join(incident(school_id="king", school_name="King"))
    assert new and other.id == first.id + 1  # no number lost to the joins


@contextmanager
def _statements(store: Store) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(statement)

    engine = store.sync_engine if store.sync_engine is not None else store.engine
    assert engine is not None
    target = engine if isinstance(engine, sa.Engine) else engine.sync_engine
    event.listen(target, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(target, "before_cursor_execute", count)


async def test_the_opening_unit_of_a_text_report_runs_ten_statements(
        store: Store, config: Config) -> None:
    """A regression guard on the first page's path: a principal's ICE text (a new
    incident at their school, its first pages queued) is 10 statements on SQLite: the
    webhook key read and written, the gate's read, the AWAYs read, the incident
    (inserted at its first step), its words, its responders, the reporter, the pages,
    and the timeline (opened, routed, paged) in one. Before decision 0053 it
    was 18. PostgreSQL adds its two advisory locks (the sender, the
    school's slot), the slot's read before the insert, and the NOTIFY at commit."""
    receiver = Receiver(config, store, FakeClock(T0), Metrics(), lambda: None)
    trigger = config.trigger_for_keyword("ICE")
    assert trigger is not None
    principal = actor(config, "principal-burns")
    with _statements(store) as seen:
        reply = await receiver.handle(principal, cmd.Open(trigger, None, "two agents"),
                                      "sms", dedup_key="sms:SM1")
    assert reply.incident_id is not None
    written = [s for s in seen if not s.lstrip().upper().startswith(("BEGIN", "COMMIT"))]
    assert len(written) == (14 if store.postgres else 10), "\n".join(written)


async def test_the_writer_keeps_its_connection_and_a_failed_unit_leaves_it_usable(
        tmp_path: Any) -> None:
    store = await Store.open(f"sqlite:///{tmp_path / 'held.db'}")
    assert store.sync_engine is not None
    pool: Any = store.sync_engine.pool
    try:
        number = await store.write(lambda tx: tx.insert_incident(incident()))
        held = pool.checkedout()
        assert held == 1  # the writer's own, kept between units

        def fails(tx: Tx) -> None:
            tx.insert_incident(incident(school_id="king", school_name="King"))
            raise RuntimeError("the unit fails after its insert")

        with pytest.raises(RuntimeError):
            await store.write(fails)
        found = await store.read(lambda tx: [i.school_id for i in tx.open_incidents()])
        assert found == ["burns"]  # rolled back whole
        again = await store.write(lambda tx: tx.insert_incident(
            incident(school_id="lee", school_name="Lee")))
        assert again == number + 1 and pool.checkedout() == held
    finally:
        await store.close()
    assert pool.checkedout() == 0  # given back at close


async def test_a_reload_reaches_the_plan_of_the_next_incident(
        store: Store, config: Config, tmp_path: Any) -> None:
    """Plans are built once per config (``Reporting._plan``): a reloaded config with a
    different first step pages the new step's people from the next report on."""
    import shutil

    from alertbot.config.loader import load_or_raise
    from tests.store.district import DISTRICT

    changed = tmp_path / "district"
    shutil.copytree(DISTRICT, changed)
    policy = (changed / "escalation.yaml").read_text()
    (changed / "escalation.yaml").write_text(policy.replace(
        "      - notify: [superintendent, staff_attorney]",
        "      - notify: [deputy]", 1))
    reloaded = load_or_raise(changed / "escalation.yaml", changed / "contacts")
    receiver = Receiver(config, store, FakeClock(T0), Metrics(), lambda: None)
    trigger = config.trigger_for_keyword("ICE")
    assert trigger is not None

    async def first_step_of(contact: str) -> set[str]:
        reply = await receiver.handle(actor(receiver.config, contact),
                                      cmd.Open(trigger, None, "agents"), "sms")
        assert reply.incident_id is not None
        found = await store.read(lambda tx: tx.get_incident(reply.incident_id))
        assert found is not None
        return {r.contact_id for r in found.plan.steps[0].recipients}

    assert await first_step_of("principal-burns") == {"superintendent", "attorney"}
    receiver.config = reloaded
    assert await first_step_of("principal-oak") == {"deputy"}
