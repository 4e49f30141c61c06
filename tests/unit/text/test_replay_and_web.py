"""A replayed webhook re-renders the stored key and values; the web gets plain words."""

from __future__ import annotations

import json

import pytest

from alertbot.core.actors import Outcome
from alertbot.text.messages import sms_fits
from alertbot.text.reply import Reply, ReplyKey
from alertbot.text.slack import render_slack
from alertbot.text.sms import render_sms
from alertbot.text.voice import render_voice
from alertbot.text.web import render_web
from tests.unit.text.samples import sample


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("key", list(ReplyKey))
def test_a_replay_renders_the_same_words_on_every_medium(key: ReplyKey, language: str) -> None:
    reply = sample(key, language)
    stored = reply.to_json()
    assert set(json.loads(stored)) == {"outcome", "key", "values", "incident_id", "language"}
    again = Reply.from_json(stored, "en")
    assert again == reply
    assert render_sms(again) == render_sms(reply)
    assert render_voice(again) == render_voice(reply)
    assert render_slack(again) == render_slack(reply)
    assert render_web(again) == render_web(reply)


def test_the_stored_row_keeps_data_not_words() -> None:
    stored = sample(ReplyKey.ACK_OK, "es").to_json()
    assert "RESOLVE" not in stored and "atiende" not in stored
    assert json.loads(stored)["values"] == {"n": 12}


def test_a_plain_text_row_from_before_issue_9_replays_its_words() -> None:
    reply = Reply.from_json("You are not on the response team for #1.", "es")
    assert (reply.key, reply.outcome, reply.incident_id) == (ReplyKey.VERBATIM, Outcome.INFO,
                                                             None)
    assert render_sms(reply) == "You are not on the response team for #1."


def test_an_issue_9_row_is_rendered_again_from_its_key_when_it_can_be() -> None:
    stored = json.dumps({"outcome": "acknowledged", "key": "ack_ok", "values": {"n": 3},
                         "incident_id": 3, "language": "es", "text": "old words"})
    reply = Reply.from_json(stored, "en")
    assert reply == Reply(ReplyKey.ACK_OK, {"n": 3}, "es", 3, Outcome.ACKNOWLEDGED)
    assert render_sms(reply).startswith("Usted atiende #3")


def test_an_issue_9_row_whose_values_no_longer_fit_replays_its_words() -> None:
    """STATUS used to keep no values, a receipt no school: their words stand."""
    stored = json.dumps({"outcome": "opened", "key": "receipt",
                         "values": {"n": 4, "guidance": "Stay in."}, "incident_id": 4,
                         "language": "en", "text": "#4 opened: the team is being paged."})
    reply = Reply.from_json(stored, "en")
    assert (reply.key, reply.outcome, reply.incident_id) == (ReplyKey.VERBATIM,
                                                             Outcome.OPENED, 4)
    assert render_sms(reply) == "#4 opened: the team is being paged."
    legacy_none = json.dumps({"outcome": "none", "key": "", "values": {}, "text": ""})
    assert render_sms(Reply.from_json(legacy_none, "en")) == ""


def test_the_web_shows_plain_unfolded_words_and_every_number() -> None:
    reply = sample(ReplyKey.ACK_WHICH, "es", ids=list(range(1, 332)))
    web = render_web(reply)
    assert "#331" in web and "mas: vea la consola" not in web
    assert not sms_fits(web, 1)  # nothing was cut to fit a phone
    assert render_web(sample(ReplyKey.ACK_ALREADY, "es")) == "#12 ya fue atendido por José García."
    assert "\n" in render_web(sample(ReplyKey.STATUS, "en"))


def test_sms_folds_and_lists_what_fits() -> None:
    reply = sample(ReplyKey.ACK_WHICH, "en", ids=list(range(1, 332)))
    sms = render_sms(reply)
    assert sms_fits(sms) and "#1, #2" in sms and sms.endswith(
        "more: see the console. Reply ACK <number>.")
    assert render_sms(sample(ReplyKey.ACK_ALREADY, "es")) == "#12 ya fue atendido por José Garcia."


def test_an_sms_receipt_ends_with_the_tail_or_asks_for_the_school() -> None:
    assert render_sms(sample(ReplyKey.RECEIPT, "en")).endswith(
        "Text updates here (no student names).")
    assert render_sms(sample(ReplyKey.RECEIPT, "en", school=None)).endswith(
        "Which school? Reply with its code.")
    assert "Garcia" in render_sms(sample(ReplyKey.RECEIPT_JOINED_ACKED, "es"))


def test_help_gives_its_example_in_the_readers_language() -> None:
    """The example report was English in the Spanish help too."""
    assert "(ej. ICE 2 agentes en la entrada)" in render_sms(sample(ReplyKey.HELP, "es"))
    assert "Text ICE/LOCKDOWN to report (e.g. ICE 2 agents at front desk)" in render_web(
        sample(ReplyKey.HELP, "en"))
