"""People's words are sealed in the database, yet the console, the API and the report
show them (decision 0044): a principal's report names a student, a later text and a
note too; signed-in pages and the API read them; the database file never holds them;
after a restart on the same database (and key) they still read."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.console import console_client, sign_in
from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import API_TOKEN, ATTORNEY, PRINCIPAL, SUPERINTENDENT, Harness

NAME = "Zephyrine Quillfeather"  # a made-up student
REPORT = f"agents asked for {NAME}"
BEARER = {"Authorization": f"Bearer {API_TOKEN}"}


def database_bytes(tmp: Path) -> bytes:
    """The harness's SQLite database and its write-ahead log, as on disk."""
    files = [tmp / "alertbot.db", tmp / "alertbot.db-wal"]
    return b"".join(f.read_bytes() for f in files if f.exists())


async def shown(h: Harness) -> str:
    """The incident as the console page, the API and the report JSON show it."""
    assert h.session is not None
    async with console_client(h.url) as client:
        await sign_in(client, h.fake, ATTORNEY)
        async with client.get("/incidents/1") as r:
            assert r.status == 200
            page = (await r.text()).replace("&#39;", "'")
    async with h.session.get(h.url + "/api/incidents/1/report.json", headers=BEARER) as r:
        assert r.status == 200
        report = json.dumps(await r.json())
    detail = await h.incident(1)
    day = detail["created_at"][:10]
    async with h.session.get(f"{h.url}/api/incidents.csv?from={day}&to={day}",
                             headers=BEARER) as r:
        assert r.status == 200
        csv = await r.text()
    text = "\n".join((page, json.dumps(detail), report, csv))
    assert "sealed:1:" not in text  # no word column is read raw on the way
    return text


async def test_the_console_api_and_report_show_words_the_database_does_not_hold(
        fake: FakeTwilio, tmp_path: Path) -> None:
    async with Harness(fake, tmp_path) as h:
        await h.text(PRINCIPAL, f"ICE {REPORT}")
        await h.received("ALERT #1", SUPERINTENDENT, ATTORNEY)
        assert "Added to #1" in await h.text(PRINCIPAL, f"{NAME} is in room 4")
        assert await h.text(ATTORNEY, f"NOTE 1 {NAME}'s mother is on her way") == (
            "Note added to #1.")
        h.ignore("sms", SUPERINTENDENT, "#1")  # the update notice (tests/scenario/test_privacy)
        await h.settle()
        detail = await h.incident(1)
        assert detail["details"] == REPORT
        text = await shown(h)
        for words in (REPORT, f"{NAME} is in room 4", f"{NAME}'s mother is on her way"):
            assert text.count(words) >= 2, words  # the page and the API (and the report)
        assert b"Zephyrine" not in database_bytes(tmp_path)
    # A row as a version before decision 0044 left it: plain words.
    with sqlite3.connect(tmp_path / "alertbot.db") as db:
        db.execute("INSERT INTO timeline (incident_id, at, kind, actor, text) "
                   "VALUES (1, 0, 'note', 'Sam Okafor', ?)", (f"legacy note on {NAME}",))
    assert b"legacy note on Zephyrine" in database_bytes(tmp_path)
    # A restart on the same database: the words still read, the legacy row is sealed
    # at start (before serving) and reads as before.
    async with Harness(fake, tmp_path) as again:
        assert b"Zephyrine" not in database_bytes(tmp_path)
        assert (await again.incident(1))["details"] == REPORT
        text = await shown(again)
        assert f"{NAME}'s mother is on her way" in text
        assert f"legacy note on {NAME}" in text
