"""Page and notice texts as responders receive them."""

from __future__ import annotations

from dataclasses import replace

from alertbot.core.incident import Incident
from alertbot.core.model import Channel
from alertbot.core.plan import Plan, PlanStep, Recipient
from alertbot.core.policy import decide
from alertbot.service.notices import page_body, pages_for
from alertbot.text.messages import is_gsm7, segments

PLAN = Plan("p", (PlanStep((Recipient("sup", "Dr. Rivera", "es",
                                      ((Channel.SMS, "+18605550100"),)),), 180.0),), None)
BASE = Incident(id=42, type="ice", title="Enforcement visit at Burns Academy",
                school_id="burns", school_name="Burns Academy", reporter_id="p",
                reporter_name="Ana Pérez", reporter_phone=None, source="sms",
                details="Juan García is in room 4", language="es",
                created_at=1_800_000_000.0, plan=PLAN, due_at=1_800_000_000.0)


def test_a_page_names_number_school_reporter_time_and_how_to_ack() -> None:
    body = page_body(BASE, "en", "America/New_York")
    assert body == ("ALERT #42: Enforcement visit at Burns Academy. Reported 03:00 by "
                    "Ana Pérez. Reply ACK 42 to respond.")


def test_pages_never_carry_the_reporters_details() -> None:
    decision = decide(BASE, BASE.created_at)
    assert decision is not None
    [page] = pages_for(BASE, decision, "America/New_York")
    assert "García" not in page.body and "room" not in page.body
    assert page.body.startswith("ALERTA #42")
    assert is_gsm7(page.body) and segments(page.body) == ("GSM-7", 1)


def test_drill_pages_say_drill() -> None:
    drill = replace(BASE, drill=True, title="Practice at Burns Academy")
    assert page_body(drill, "en", "America/New_York").startswith(
        "ALERT #42: DRILL - Practice at Burns Academy.")
    already = replace(BASE, drill=True, title="DRILL at Burns Academy")
    assert "DRILL - DRILL" not in page_body(already, "en", "America/New_York")


def test_unverified_reporters_are_flagged() -> None:
    body = page_body(replace(BASE, unverified=True, reporter_name="+18605550198"), "en",
                     "America/New_York")
    assert "UNVERIFIED reporter" in body and "+18605550198" in body


def test_an_update_notice_points_to_the_console_and_carries_no_words() -> None:
    """Decision 0043: the acknowledger is told that an update came, never its words."""
    from alertbot.core.model import Contact
    from alertbot.service.notices import in_console, notice_to_contact
    from alertbot.text.messages import sms_fits

    for language, start in (("en", "#42: Ana Pérez sent a new update. Read it in the console: "
                                   "https://alerts.example.test/incidents/42"),
                            ("es", "#42: Ana Pérez envio una novedad. Léala en la consola: "
                                   "https://alerts.example.test/incidents/42")):
        responder = Contact(id="sup", name="Dr. Rivera", roles=("superintendent",),
                            phone="+18605550100", language=language)
        msg = notice_to_contact(responder, "update_notice", 42, "reporter update", n=42,
                                reporter="Ana Pérez",
                                where=in_console("https://alerts.example.test/", 42, language))
        assert msg is not None
        assert msg.body == start
        assert sms_fits(msg.body) and segments(msg.body) == ("GSM-7", 1)
    assert in_console(None, 42, "en") == "."
def test_repeat_pages_are_marked_with_an_ordinal() -> None:
    from alertbot.service.notices import ordinal

    assert [ordinal(n, "en") for n in (2, 3, 4, 11, 12, 13, 21, 22)] == [
        "2nd", "3rd", "4th", "11th", "12th", "13th", "21st", "22nd"]
    body = page_body(BASE, "en", "America/New_York", repeat=2)
    assert body.startswith("ALERT #42: Enforcement visit at Burns Academy (2nd page). ")
    assert "(aviso 3)" in page_body(BASE, "es", "America/New_York", repeat=3)
    assert "page" not in page_body(BASE, "en", "America/New_York", repeat=1)


def test_pages_share_a_body_only_with_the_same_medium_and_language() -> None:
    """pages_for renders a body once per (channel, language): two English texts share
    one, while the Spanish text and the English call each get their own."""
    people = (Recipient("a", "Al", "en", ((Channel.SMS, "+18605550101"),)),
              Recipient("b", "Bo", "en", ((Channel.SMS, "+18605550102"),)),
              Recipient("c", "Cy", "es", ((Channel.SMS, "+18605550103"),)),
              Recipient("d", "Di", "en", ((Channel.VOICE, "+18605550104"),)))
    incident = replace(BASE, plan=Plan("p", (PlanStep(people, 180.0),), None))
    decision = decide(incident, incident.created_at)
    assert decision is not None
    pages = pages_for(incident, decision, "America/New_York")
    bodies = {p.address: p.body for p in pages}
    assert len(pages) == 4
    assert bodies["+18605550101"] == bodies["+18605550102"]
    assert bodies["+18605550101"].startswith("ALERT #42")
    assert bodies["+18605550103"].startswith("ALERTA #42")
    assert bodies["+18605550104"] != bodies["+18605550101"]
    assert "Reply ACK" not in bodies["+18605550104"]
