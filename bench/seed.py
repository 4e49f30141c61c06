"""Seed a database with stored incidents through alertbot's own Store API.

Used where the webhook path would take too long for the time budget (10,000 incidents):
the rows are what the service itself writes (``Tx.insert_incident``,
``Tx.add_timeline``) with a plan built by ``build_plan`` from the same config. Seeded
incidents have a timeline (opened, routed, paged; acknowledged and resolved for
closed ones) but no outbox rows.
"""

from __future__ import annotations

import functools
import time
from dataclasses import replace
from pathlib import Path

from alertbot.config.loader import load_or_raise
from alertbot.core.incident import Incident, State
from alertbot.core.plan import build_plan
from alertbot.crypto import Keyring
from alertbot.store.sql import Store, Tx
from tests.fakes.signing import TEST_DATA_KEY


async def seed(workdir: Path, database_url: str, *, resolved: int, open_: int,
               schools: range, policy: str = "team", batch: int = 500) -> float:
    """Insert ``resolved`` closed and ``open_`` open (triggered, step 1 paged, step 2 an
    hour away) incidents at ``schools`` (cycled); returns the seconds it took."""
    started = time.monotonic()
    config = load_or_raise(workdir / "escalation.yaml", workdir / "contacts")
    plan = build_plan(config, config.escalations[policy])
    # The served process's key (bench/harness.py): its start finds nothing to reseal.
    store = await Store.open(database_url, keyring=Keyring.from_text(TEST_DATA_KEY))
    now = time.time()
    school_ids = [f"s{i}" for i in schools]
    try:
        total = resolved + open_
        def insert(tx: Tx, first: int) -> None:
            for k in range(first, min(total, first + batch)):
                is_open = k >= resolved
                # A school has at most one open incident of a type (issue 9): open
                # incidents past the schools' count are seeded without one.
                named = not is_open or k - resolved < len(school_ids)
                school = school_ids[k % len(school_ids)] if named else None
                at = now - 86_400 + k
                incident = Incident(
                    id=0, type="ice", title=f"Enforcement visit at School {school}",
                    school_id=school, school_name=f"School {school}" if school else None,
                    reporter_id=None, reporter_name="Seeded reporter",
                    reporter_phone=None, source="sms", details="seeded", language="en",
                    created_at=at, plan=plan, step=0,
                    due_at=now + 3600 if is_open else None)
                if not is_open:
                    incident = replace(
                        incident, state=State.RESOLVED, acknowledged_by="r0",
                        acknowledged_by_name="Responder 0", acknowledged_at=at + 60,
                        resolved_by="r0", resolved_at=at + 600)
                number = tx.insert_incident(incident)
                tx.add_timeline(number, at, "opened", "opened via sms by Seeded "
                                "reporter: 2 agents at front desk", "Seeded reporter")
                where = f"school {school}" if school else "no school named"
                tx.add_timeline(number, at, "routed",
                                f"routed to escalation '{policy}' ({where})")
                tx.add_timeline(number, at, "paged", "incident opened: paging step 1:"
                                " Responder 0 by sms; Responder 1 by sms")
                if not is_open:
                    tx.add_timeline(number, at + 60, "acknowledged",
                                    "acknowledged by Responder 0 via sms; paging "
                                    "stopped (0 queued page(s) cancelled)",
                                    "Responder 0")
                    tx.add_timeline(number, at + 600, "resolved",
                                    "resolved by Responder 0 via sms", "Responder 0")

        for first in range(0, total, batch):
            await store.write(functools.partial(insert, first=first))
    finally:
        await store.close()
    return time.monotonic() - started
