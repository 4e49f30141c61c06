"""An overdue checklist step, end to end (issue 12, decision 0045): the real service, the
fake Twilio, a fake clock. Step B carries ``due: 45m``; 45 minutes after the report, not
ticked off, ONE text reaches each of the people who would tick it off, naming the step by
its letter (never its title); nothing more arrives later (the teardown check fails on any
text not expected here). The console, in the Spanish-speaking principal's language, says
the step is overdue and shows the choice options' Spanish titles; the API keeps the ids."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.console import console_client, sign_in
from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import ATTORNEY, DEPUTY, PRINCIPAL_ES, SUPERINTENDENT, Harness
from tests.scenario.teardown import finish
from tests.scenario.test_procedure_story import DISTRICT_PROCEDURE, post


def district_with_due(tmp: Path) -> Path:
    """The procedure district with ``due: 45m`` on step B and Spanish option titles on
    step E's choice (one option left a bare id)."""
    folder = tmp / "district"
    shutil.copytree(DISTRICT_PROCEDURE, folder)
    config = folder / "escalation.yaml"
    text = config.read_text()
    b = "        roles: [staff_attorney, superintendent, deputy_superintendent]\n"
    e = '          - {name: judicial_warrant, kind: choice, options: ["yes", "no"]}\n'
    assert b in text and e in text
    config.write_text(text.replace(b, b + "        due: 45m\n").replace(e, (
        "          - name: judicial_warrant\n            kind: choice\n"
        "            options:\n"
        '              - {id: "yes", title: {en: "Yes, signed by a judge", '
        'es: "Sí, firmada por un juez"}}\n'
        '              - "no"\n')))
    return folder


@pytest.fixture
async def hd(request: pytest.FixtureRequest, fake: FakeTwilio,
             tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness(fake, tmp_path, config_dir=district_with_due(tmp_path)).start()
    try:
        yield harness
    finally:
        await finish(request, harness)


async def test_an_overdue_step_is_reminded_once_and_shown_overdue(hd: Harness) -> None:
    h = hd
    await h.text(PRINCIPAL_ES, "ICE 2 agentes en la entrada")
    await h.received("ALERT #1", SUPERINTENDENT, ATTORNEY)
    await h.text(ATTORNEY, "ACK")
    await h.received("#1 acknowledged by Sam Okafor", SUPERINTENDENT)
    await h.received("#1: Sam Okafor esta atendiendo", PRINCIPAL_ES)
    await h.received("#1 reported by Eli Romero", ATTORNEY)

    await h.advance(minutes=44)  # step B is not due yet: nothing is sent
    one = await h.incident(1)
    assert (one["procedure"][1]["overdue"], one["procedure"][1]["reminded_at"]) == (False, None)

    await h.advance(minutes=1)  # 45 minutes after the report: one text each
    reminded = await h.received("#1 step B was due 45 min after the report", ATTORNEY,
                                SUPERINTENDENT, DEPUTY)
    assert all(r.body.endswith("Console: https://alerts.example.test/incidents/1")
               and "Designees" not in r.body and len(r.body) <= 160 for r in reminded)
    one = await h.incident(1)
    step_b = one["procedure"][1]
    assert step_b["overdue"] is True and step_b["reminded_at"] is not None
    [entry] = [e["text"] for e in one["timeline"] if e["kind"] == "reminder"]
    assert entry.startswith("Reminder: checklist step B was due at ") and entry.endswith(
        "(45 min after the report) and is not done; told Sam Okafor (sms), "
        "Dr. Jordan Rivera (sms), Morgan Lee (sms)")

    await h.advance(minutes=120)  # later: nothing more (the teardown check)

    async with console_client(h.url) as client:  # Oak's principal reads Spanish
        await sign_in(client, h.fake, PRINCIPAL_ES)
        async with client.get("/incidents/1") as r:
            assert r.status == 200
            page = await r.text()
        assert "Atrasado: era para antes de" in page and "Recordatorio enviado a las" in page
        assert '<option value="yes">Sí, firmada por un juez</option>' in page
        assert '<option value="no">no</option>' in page  # a bare id: shown as written

        # counsel answers step E with the titled option; the API keeps the id
        status, body = await post(h, "/api/incidents/1/procedure/warrant",
                                  {"contact": "attorney", "judicial_warrant": "yes"})
        assert (status, body["key"]) == (200, "step_done")
        [field] = (await h.incident(1))["procedure"][2]["fields"]
        assert (field["value"], field["options"]) == ("yes", ["yes", "no"])
        assert field["value_titles"] == {"en": "Yes, signed by a judge",
                                         "es": "Sí, firmada por un juez"}
        async with client.get("/incidents/1") as r:
            page = await r.text()
        assert "judicial_warrant: Sí, firmada por un juez" in page  # the done step's value
