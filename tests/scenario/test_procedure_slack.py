"""Issue 12 in Slack: the incident post's thread mirrors the checklist's progress and
names what changed in the encounter log, never the words typed in the console (notes,
field values, the log's text: they may name a student; DESIGN rule 4)."""

from __future__ import annotations

from typing import Any

from tests.scenario.harness import API_TOKEN, ATTORNEY, SUPERINTENDENT
from tests.scenario.slack_harness import CHANNEL, SlackPlayer
from tests.scenario.test_slack import open_incident

STUDENT = "Jane Roe"


async def api_post(s: SlackPlayer, path: str, data: dict[str, Any]) -> int:
    assert s.h.session is not None
    async with s.h.session.post(s.h.url + path, data=data,
                                headers={"Authorization": f"Bearer {API_TOKEN}"}) as r:
        return r.status


async def test_the_thread_shows_checklist_progress_and_no_words(s: SlackPlayer) -> None:
    post = await open_incident(s)
    assert await api_post(s, "/api/incidents/1/procedure/designees", {
        "contact": "attorney", "note": f"{STUDENT}'s mother came", "said": STUDENT}) == 200
    assert await api_post(s, "/api/incidents/1/procedure/refer",
                          {"contact": "superintendent"}) == 200
    assert await api_post(s, "/api/incidents/1/encounter", {
        "contact": "attorney", "purpose": f"asked for {STUDENT}", "agents_count": "2"}) == 200
    assert await api_post(s, "/api/incidents/1/records-requests", {
        "contact": "attorney", "presented": "subpoena", "categories": "grades",
        "notes": STUDENT}) == 200
    await s.settle()
    thread = " ".join(m["text"] for m in s.slack.thread(CHANNEL, post["ts"]))
    assert "Checklist: 1 of 2 steps done (latest: step 2, by Sam Okafor)" in thread
    assert "Checklist: 2 of 2 steps done (latest: step 1, by Dr. Jordan Rivera)" in thread
    assert "Encounter log: agents_count, purpose changed by Sam Okafor" in thread
    assert "Records request 1 recorded by Sam Okafor" in thread
    for secret in (STUDENT, "mother", "grades", "subpoena"):
        assert secret not in thread
    # Everyone else alertbot told something in this story:
    await s.h.received("ALERT #1: Enforcement visit at Burns Academy", SUPERINTENDENT)
    await s.h.received("ALERTA #1: Enforcement visit at Burns Academy", ATTORNEY)
    await s.received("ALERT #1: Enforcement visit at Burns Academy", "D0SUPT001")
    await s.received("ALERTA #1: Enforcement visit at Burns Academy", "D0ATTY002")
