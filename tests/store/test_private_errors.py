"""Database errors never carry people's numbers or words into the logs (issue 9, kind 12)."""

from __future__ import annotations

import logging

import pytest
import sqlalchemy as sa

from alertbot.store.schema import timeline
from alertbot.store.sql import Store
from tests.store.test_store_contract import T0, incident
from tests.unitofwork import transaction

PHONE = "+18605550142"
WORDS = "3 agents at the front office showing a paper"

log = logging.getLogger("alertbot.test")


@pytest.mark.parametrize("statement", ["duplicate key", "not null"])
async def test_a_failing_statement_logs_no_parameters(
        store: Store, caplog: pytest.LogCaptureFixture, statement: str) -> None:
    async with transaction(store) as tx:
        number = await tx.insert_incident(incident())
        await tx.record_inbound(f"sms:{PHONE}", T0, WORDS)
    with pytest.raises(sa.exc.DBAPIError) as failure:
        async with transaction(store) as tx:
            if statement == "duplicate key":
                await tx.record_inbound(f"sms:{PHONE}", T0, WORDS)
            else:
                await tx.conn.execute(sa.insert(timeline).values(
                    incident_id=number, at=T0, kind=None, actor=PHONE, text=WORDS))
    with caplog.at_level(logging.ERROR):
        log.exception("the command failed", exc_info=failure.value)
    logged = caplog.text
    assert "parameters hidden" in logged.lower() or "[parameters" not in logged
    assert "the command failed" in logged
    assert PHONE not in logged and "front office" not in logged, logged
