"""kill -9 between Twilio placing a bridge call and alertbot recording it: after the
restart the call is not placed again (twilio/placed.py; new-user trial, decision 0036).
The service runs as a real process against the fake Twilio, as tests/chaos/runner.py."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import sqlalchemy as sa

from tests.chaos.runner import Service, text
from tests.fakes.twilio_server import FakeTwilio

RESPONDER, PRINCIPAL = "+18605550100", "+18605550142"

CONFIG = """
version: 1
organization: Chaos District
timezone: America/New_York
fallback_phone: "+1 860 555 0199"
admins: [admin]
schools:
  - {id: burns, name: Burns Academy, code: "1201"}
triggers:
  - {keyword: ICE, incident: ice}
incidents:
  ice:
    title: "Visit at {school}"
    guidance: {en: "Do not allow entry without a judicial warrant."}
    escalation: policy
escalations:
  policy:
    steps:
      - {notify: [a], channels: [sms], wait: 60}
"""
CONTACTS = """
- {id: a, name: Responder A, phone: "+1 860 555 0100"}
- {id: admin, name: Admin, roles: [admin], phone: "+1 860 555 0105", channels: [sms]}
- {id: p, name: Principal, schools: [burns], phone: "+1 860 555 0142"}
"""


async def quiet(fake: FakeTwilio, for_seconds: float = 1.0, within: float = 20.0) -> None:
    """Until the fake Twilio has had no new request for ``for_seconds``."""
    deadline = time.monotonic() + within
    seen, since = len(fake.requests), time.monotonic()
    while time.monotonic() < deadline:
        await asyncio.sleep(0.1)
        if len(fake.requests) != seen:
            seen, since = len(fake.requests), time.monotonic()
        elif time.monotonic() - since >= for_seconds:
            return


def bridge_calls(fake: FakeTwilio) -> list[str]:
    return [r.sid for r in fake.requests if r.kind == "call" and r.accepted
            and r.to == RESPONDER and "team call" in (r.twiml or "")]


async def test_a_bridge_call_placed_before_a_crash_is_not_placed_again(tmp_path: Path) -> None:
    (tmp_path / "contacts").mkdir()
    (tmp_path / "escalation.yaml").write_text(CONFIG)
    (tmp_path / "contacts" / "people.yaml").write_text(CONTACTS)
    database = f"sqlite:///{tmp_path / 'alertbot.db'}"
    async with FakeTwilio() as fake:
        service = Service(tmp_path, fake, database)
        await service.start()
        try:
            assert (await text(service, PRINCIPAL, "ICE"))[0] == 200
            assert (await text(service, RESPONDER, "ACK 1"))[0] == 200
            await quiet(fake)  # the page and the acknowledgement's notices went out
        finally:
            await service.stop()
        # Next life: the first thing it records as sent is the bridge call; it dies there.
        await service.start(crash_at="before-mark-sent:1")
        try:
            status, _ = await text(service, RESPONDER, "BRIDGE 1")
            assert status == 200
            assert await service.wait_exit(20), "the crash point was never reached"
            [placed] = bridge_calls(fake)  # Twilio placed it; alertbot did not record it
            await service.start()  # takes its message in flight back at once
            await quiet(fake, for_seconds=2.0)
        finally:
            await service.stop()
        assert bridge_calls(fake) == [placed]  # the phone rang once
        assert fake.call_lists, "the retry did not ask Twilio what it had placed"
        engine = sa.create_engine(database)
        try:
            with engine.connect() as conn:
                rows = conn.execute(sa.text(
                    "SELECT status, provider_id FROM outbox WHERE kind = 'bridge'")).all()
        finally:
            engine.dispose()
        assert [tuple(r) for r in rows] == [("sent", placed)]
