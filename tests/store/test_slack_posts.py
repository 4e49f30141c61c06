"""The Slack incident post's record (issue 4), on every backend."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from alertbot.store.sql import SlackPost, Store
from tests.store.test_store_contract import T0, incident
from tests.unitofwork import transaction


async def test_a_post_is_saved_updated_and_found_by_its_ts(store: Store) -> None:
    async with transaction(store) as tx:
        number = await tx.insert_incident(incident())
        assert await tx.slack_post(number) is None
        await tx.save_slack_post(SlackPost(number, "C0INC", "1800000001.000100", "d1"), T0)
    async with transaction(store) as tx:
        await tx.save_slack_post(SlackPost(number, "C0INC", "1800000001.000100", "d2", 3), T0)
    async with transaction(store, write=False) as tx:
        assert await tx.slack_post(number) == SlackPost(number, "C0INC", "1800000001.000100",
                                                        "d2", 3)
        assert await tx.incident_for_slack_post("C0INC", "1800000001.000100") == number
        assert await tx.incident_for_slack_post("C0OTHER", "1800000001.000100") is None


async def test_a_post_belongs_to_an_existing_incident(store: Store) -> None:
    with pytest.raises(sa.exc.IntegrityError):
        async with transaction(store) as tx:
            await tx.save_slack_post(SlackPost(999, "C0INC", "1.0"), T0)
