"""Length limits lose nothing (issue 12): every free-text entry point refuses a text over
its limit whole, with a 4xx that names the field and the limit, and never cuts it
silently; a NOTE by SMS (Twilio: at most 1,600 characters) is kept whole; the console's
forms carry ``maxlength`` and say the limit, and a refused form shows back what was typed.
On the old code each too-long post below was answered 200 and stored cut."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.console import console_client, csrf_token, sign_in
from tests.fakes.twilio_server import FakeTwilio
from tests.scenario.harness import ATTORNEY, PRINCIPAL, SUPERINTENDENT, Harness
from tests.scenario.teardown import finish
from tests.scenario.test_procedure_story import DISTRICT_PROCEDURE, post


@pytest.fixture
async def hl(request: pytest.FixtureRequest, fake: FakeTwilio,
             tmp_path: Path) -> AsyncIterator[Harness]:
    harness = await Harness(fake, tmp_path, config_dir=DISTRICT_PROCEDURE).start()
    try:
        yield harness
    finally:
        await finish(request, harness)


def words(count: int) -> str:
    """``count`` characters of words, single blanks, ending in a letter (cleaning, which
    collapses blanks, keeps the length)."""
    return ("agents at the door " * (count // 19 + 2))[:count - 1] + "x"


async def opened_and_acked(h: Harness) -> None:
    await h.text(PRINCIPAL, "ICE 2 agents at front desk")
    await h.received("ALERT #1", SUPERINTENDENT, ATTORNEY)
    await h.text(ATTORNEY, "ACK")
    await h.received("#1 acknowledged by Sam Okafor", SUPERINTENDENT)
    await h.received("#1: Sam Okafor is on it", PRINCIPAL)
    await h.received("#1 reported by Ana Perez", ATTORNEY)


async def notes(h: Harness) -> list[str]:
    return [e["text"] for e in (await h.incident(1))["timeline"] if e["kind"] == "note"]


async def test_a_note_is_kept_whole_or_refused_naming_the_limit(hl: Harness) -> None:
    h = hl
    await opened_and_acked(h)
    # by SMS: a whole Twilio message (1,600 characters) is under the note's 2,000
    long_sms = words(1600 - len("NOTE 1 "))
    assert await h.text(ATTORNEY, "NOTE 1 " + long_sms) == "Note added to #1."
    assert await notes(h) == [long_sms]
    # by a script: 2,500 characters are refused whole, naming the field and the limit
    status, body = await post(h, "/api/incidents/1/notes",
                              {"contact": "attorney", "text": words(2500)})
    assert (status, body["key"]) == (400, "note_too_long")
    assert body["problems"] == ["text: at most 2000 characters (2500 sent); nothing was "
                                "added"]
    assert body["reply"] == ("#1: your note has 2500 characters; the most is 2000. Nothing "
                             "was added: shorten it and send it again.")
    assert await notes(h) == [long_sms]  # nothing cut, nothing added
    async with console_client(h.url) as client:  # the console's note form
        await sign_in(client, h.fake, ATTORNEY)
        async with client.get("/incidents/1") as r:
            page = await r.text()
        # no maxlength: a browser cuts a longer paste silently and the cut text is sent
        # (new-user trial); the server refuses it whole instead and the form keeps it
        assert "maxlength" not in page
        assert 'name="text" rows="2" data-limit="2000"' in page
        assert "(at most 2000 characters)" in page
        async with client.post("/api/incidents/1/notes", data={
                "csrf_token": await csrf_token(client), "text": words(2001)}) as r:
            assert r.status == 400 and (await r.json())["key"] == "note_too_long"
    assert await notes(h) == [long_sms]


async def test_issue12_forms_refuse_a_long_text_whole_and_show_it_back(hl: Harness) -> None:
    h = hl
    await opened_and_acked(h)
    cases = [
        ("/procedure/designees", {"note": words(1001)}, "note", 1000, 1001),
        ("/procedure/designees", {"said": words(1200)}, "said", 1000, 1200),
        ("/encounter", {"account": words(2001)}, "account", 2000, 2001),
        ("/encounter", {"agency": words(101)}, "agency", 100, 101),
        ("/warrant-review", {"signed_by": "officer", "header": "agency", "form": "I-200",
                             "names_address": "no", "names_person": "yes",
                             "note": words(1001)}, "note", 1000, 1001),
        ("/records-requests", {"presented": "subpoena", "notes": words(1001)}, "notes",
         1000, 1001),
    ]
    for path, data, field, limit, sent in cases:
        status, body = await post(h, "/api/incidents/1" + path, {"contact": "attorney",
                                                                 **data})
        assert (status, body["key"]) == (400, "invalid"), path
        assert body["problems"] == [f"{field}: at most {limit} characters ({sent} sent); "
                                    "nothing was saved, shorten it and send it again"]
    one = await h.incident(1)
    assert one["procedure"][1]["done_at"] is None and one["encounter"] is None
    assert one["warrant_reviews"] == [] and one["records_requests"] == []
    # the console: the forms say the limit; a refused post shows the words back whole
    typed = "Room 12 <b>" + words(1100)
    async with console_client(h.url) as client:
        await sign_in(client, h.fake, ATTORNEY)
        async with client.get("/incidents/1") as r:
            page = await r.text()
        assert "maxlength" not in page  # a browser would cut a paste silently
        assert 'name="note" data-limit="1000"' in page and "(up to 1000 characters)" in page
        assert 'name="account" data-limit="2000"' in page
        async with client.post("/api/incidents/1/procedure/designees", data={
                "csrf_token": await csrf_token(client), "note": typed}) as r:
            assert (r.status, r.content_type) == (400, "text/html")
            page = await r.text()
    assert (f"“Note” has {len(typed)} characters; the most is 1000. Nothing was saved: "
            "shorten it and send it again.") in page  # the label the form showed
    assert "Room 12 &lt;b&gt;" + words(1100) + "</textarea>" in page  # escaped, whole
    assert "What you typed, kept here to copy" in page


async def test_a_long_text_to_the_reporter_is_refused_whole_never_cut(hl: Harness) -> None:
    """The console's "text the reporter" sends what a designee typed; 1,818 pasted
    characters used to be cut by the box to 1,600 and sent without their last sentence
    (new-user trial). Over the limit the text is refused whole, in words the console
    shows, and nothing is sent."""
    h = hl
    await opened_and_acked(h)
    typed = words(1800) + " Do NOT let them in."
    async with console_client(h.url) as client:
        await sign_in(client, h.fake, ATTORNEY)
        async with client.get("/incidents/1") as r:
            page = await r.text()
        assert 'id="message" name="text" rows="2" data-limit="1600"' in page
        async with client.post("/api/incidents/1/message", data={
                "csrf_token": await csrf_token(client), "text": typed}) as r:
            assert (r.status, r.content_type) == (400, "application/json")
            body = await r.json()
    assert body["key"] == "message_too_long"
    assert body["reply"] == (f"#1: your text has {len(typed)} characters; the most is "
                             "1600. Nothing was sent: shorten it and send it again.")
    await h.settle()
    assert not [m for m in h.fake.sms_to(PRINCIPAL) if "Do NOT" in (m.body or "")]
