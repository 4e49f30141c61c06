"""The checklist, the encounter log and warrant-aid reviews of an incident (issue 12).

A part of ``Tx`` (store/tx.py): synchronous queries over the unit of work's connection.
Every transition is conditional, so SQLite and PostgreSQL agree under concurrency: a
step is completed by an insert that does nothing on conflict, or by an update of a row
whose ``done_at`` is NULL; undone by an update of a row whose ``done_at`` is set.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from alertbot.core.encounter import FIELDS, FREE_TEXT, Encounter
from alertbot.core.procedure import StepDone
from alertbot.core.warrant import Answer, Answers, Form, Header, Signer, WarrantReview
from alertbot.store.schema import encounters, procedure_steps, warrant_reviews
from alertbot.store.txbase import TxBase
from alertbot.store.words import UNREADABLE, Words

_STEP_IF_NEW = {
    dialect: insert(procedure_steps).on_conflict_do_nothing(
        index_elements=[procedure_steps.c.incident_id, procedure_steps.c.step_id])
    for dialect, insert in (("postgresql", pg_insert), ("sqlite", sqlite_insert))}


def _done(m: Any, words: Words) -> StepDone:
    return StepDone(m["step_id"], m["done_by"], m["done_by_name"], float(m["done_at"]),
                    words.open(m["note"], "procedure_steps", "note", m["incident_id"],
                               m["step_id"]),
                    field_values(words, m["field_values"], m["incident_id"], m["step_id"]))


def field_values(words: Words, stored: str | None, incident_id: int, step_id: str
                 ) -> dict[str, Any]:
    """A checklist step's field values (field -> value) from their stored form; {} when
    they do not open (``Words.open`` logged it)."""
    text = words.open(stored, "procedure_steps", "field_values", incident_id, step_id)
    return {} if text == UNREADABLE else dict(json.loads(text or "{}"))


def seal_field_values(words: Words, values: Mapping[str, Any], incident_id: int,
                      step_id: str) -> str:
    """The stored form of a step's field values: their JSON, sealed ("{}" when none)."""
    if not values:
        return "{}"
    return words.seal(json.dumps(dict(values), sort_keys=True), "procedure_steps",
                      "field_values", incident_id, step_id)


class ProcedureQueries(TxBase):
    # --- the checklist ---------------------------------------------------------------

    def steps_done(self, incident_id: int) -> dict[str, StepDone]:
        """The incident's completed steps by step id (undone ones left out)."""
        rows = self.conn.execute(sa.select(procedure_steps).where(
            procedure_steps.c.incident_id == incident_id,
            procedure_steps.c.done_at.is_not(None))).all()
        return {r._mapping["step_id"]: _done(r._mapping, self.words) for r in rows}

    def complete_step(self, incident_id: int, done: StepDone) -> bool:
        """Mark the step done; False (and no change) if it already was: completing a
        step twice, even at the same instant from two instances, is one effect."""
        values = {"done_by": done.done_by, "done_by_name": done.done_by_name,
                  "done_at": done.done_at,
                  "note": self.words.seal(done.note, "procedure_steps", "note", incident_id,
                                          done.step_id),
                  "field_values": seal_field_values(self.words, done.values, incident_id,
                                                    done.step_id),
                  "updated_at": done.done_at}
        inserted = self.conn.execute(
            _STEP_IF_NEW["postgresql" if self.postgres else "sqlite"],
            {"incident_id": incident_id, "step_id": done.step_id, **values})
        if inserted.rowcount:
            return True
        again = self.conn.execute(sa.update(procedure_steps).where(
            procedure_steps.c.incident_id == incident_id,
            procedure_steps.c.step_id == done.step_id,
            procedure_steps.c.done_at.is_(None)).values(**values))
        return bool(again.rowcount)

    def undo_step(self, incident_id: int, step_id: str, now: float) -> bool:
        """Mark a done step not done; False if it was not done. The row stays (the
        timeline says who undid it and when)."""
        result = self.conn.execute(sa.update(procedure_steps).where(
            procedure_steps.c.incident_id == incident_id,
            procedure_steps.c.step_id == step_id,
            procedure_steps.c.done_at.is_not(None)).values(done_at=None, updated_at=now))
        return bool(result.rowcount)

    # --- the encounter log -----------------------------------------------------------

    def encounter(self, incident_id: int) -> Encounter | None:
        row = self.conn.execute(sa.select(encounters).where(
            encounters.c.incident_id == incident_id)).first()
        if row is None:
            return None
        m = row._mapping
        values = {k: m[k] for k in (*FIELDS, "updated_by", "updated_at")}
        for k in FREE_TEXT:
            values[k] = self.words.open(m[k], "encounters", k, incident_id)
        return Encounter(**values)

    def save_encounter(self, incident_id: int, changes: Mapping[str, object], by: str,
                       now: float) -> None:
        """Write ``changes`` (encounter field -> value) to the incident's log, creating it
        if needed. Two writers of different fields both land; of one field, the last."""
        values = {k: v for k, v in changes.items() if k in FIELDS}
        for k in FREE_TEXT:
            if k in values:
                values[k] = self.words.seal(str(values[k] or ""), "encounters", k,
                                            incident_id)
        values.update(updated_by=by, updated_at=now)
        result = self.conn.execute(sa.update(encounters).where(
            encounters.c.incident_id == incident_id).values(**values))
        if result.rowcount:
            return
        empty = asdict(Encounter())
        row = {**{k: empty[k] for k in FIELDS}, **values, "incident_id": incident_id}
        inserted = self.conn.execute(
            (pg_insert if self.postgres else sqlite_insert)(encounters)
            .on_conflict_do_nothing(index_elements=[encounters.c.incident_id]), row)
        if not inserted.rowcount:  # created by another unit meanwhile: update it
            self.conn.execute(sa.update(encounters).where(
                encounters.c.incident_id == incident_id).values(**values))

    # --- warrant-aid reviews -----------------------------------------------------------

    def add_warrant_review(self, review: WarrantReview, kind: str, entry: str) -> int:
        a = review.answers
        answers = {"signed_by": str(a.signed_by), "header": str(a.header), "form": str(a.form),
                   "names_address": str(a.names_address),
                   "names_person": str(a.names_person)}
        return int(self.conn.execute(sa.insert(warrant_reviews).values(
            incident_id=review.incident_id, document_id=review.document_id,
            answers=json.dumps(answers, sort_keys=True), kind=kind, entry=entry,
            note=self.words.seal(review.note, "warrant_reviews", "note", review.incident_id),
            reviewed_by=review.reviewed_by,
            reviewed_by_name=review.reviewed_by_name, reviewed_at=review.reviewed_at)
            .returning(warrant_reviews.c.id)).scalar_one())

    def warrant_reviews(self, incident_id: int) -> list[WarrantReview]:
        rows = self.conn.execute(sa.select(warrant_reviews).where(
            warrant_reviews.c.incident_id == incident_id).order_by(warrant_reviews.c.id)).all()
        out: list[WarrantReview] = []
        for r in rows:
            m = r._mapping
            a = json.loads(m["answers"])
            answers = Answers(Signer(a["signed_by"]), Header(a["header"]), Form(a["form"]),
                              Answer(a["names_address"]), Answer(a["names_person"]))
            out.append(WarrantReview(m["id"], m["incident_id"], answers, m["reviewed_by"],
                                     m["reviewed_by_name"], m["reviewed_at"],
                                     m["document_id"],
                                     self.words.open(m["note"], "warrant_reviews", "note",
                                                     m["incident_id"])))
        return out
