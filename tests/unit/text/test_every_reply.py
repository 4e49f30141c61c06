"""Every reply key the receiver can return renders on every medium, in en and es.

The keys are the ``ReplyKey`` registry, so a key added without templates (or without a
sample here) fails these tests rather than a caller at 3 a.m.
"""

from __future__ import annotations

import json
import re

import pytest

from alertbot.core.actors import Outcome
from alertbot.text.messages import TEMPLATES, sms_fits
from alertbot.text.reply import FIELDS, Reply, ReplyKey
from alertbot.text.slack import render_slack
from alertbot.text.sms import render_sms
from alertbot.text.voice import REPLIES, render_voice, voice_text
from alertbot.text.web import render_web
from tests.unit.text.samples import NUMBERS, SAMPLES, sample

KEYS = list(ReplyKey)
SPEAKING = [k for k in KEYS if k is not ReplyKey.NONE]
LANGUAGES = ["en", "es"]
PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


def test_every_key_has_a_sample_and_its_fields() -> None:
    assert set(SAMPLES) == set(ReplyKey) == set(FIELDS)
    for key, (_outcome, values) in SAMPLES.items():
        assert FIELDS[key] <= values.keys(), key


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("key", SPEAKING)
def test_every_key_renders_on_every_medium(key: ReplyKey, language: str) -> None:
    reply = sample(key, language)
    sms, web = render_sms(reply), render_web(reply)
    text, blocks = render_slack(reply)
    said = voice_text(reply)
    slack = text + json.dumps(blocks, ensure_ascii=False)
    for medium, words in {"sms": sms, "web": web, "slack": slack, "voice": said}.items():
        assert words.strip(), (medium, key)
        assert not PLACEHOLDER.search(words), (medium, key, words)
    for n in NUMBERS[key]:
        assert f"#{n}" in sms and f"#{n}" in web and f"#{n}" in slack, (key, n)
        assert re.search(rf"\b(number|número|Number|Número) {n}\b", said), (key, said)


@pytest.mark.parametrize("language", LANGUAGES)
def test_nothing_to_say_is_silent_everywhere(language: str) -> None:
    reply = sample(ReplyKey.NONE, language)
    assert render_sms(reply) == render_web(reply) == ""
    assert render_slack(reply) == ("", [])
    assert render_voice(reply) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_key_has_its_own_words_in_each_language(language: str) -> None:
    """Written templates (SMS, Slack, web) and spoken ones exist for each key in both
    languages: no key falls back to English words for a Spanish speaker."""
    composite = {ReplyKey.NONE, ReplyKey.VERBATIM, ReplyKey.STATUS}
    for key in set(ReplyKey) - composite:
        assert str(key) in TEMPLATES[language], key
        assert str(key) in REPLIES[language], key
    assert set(REPLIES["en"]) == set(REPLIES["es"])


def test_spanish_renders_in_spanish() -> None:
    for key in SPEAKING:
        if key is ReplyKey.VERBATIM:
            continue
        en, es = sample(key, "en"), sample(key, "es")
        assert render_sms(en) != render_sms(es), key
        assert voice_text(en) != voice_text(es), key
        assert render_slack(en) != render_slack(es), key


def test_a_reply_missing_a_value_is_refused_where_it_is_built() -> None:
    with pytest.raises(ValueError, match="ack_already lacks name"):
        Reply(ReplyKey.ACK_ALREADY, {"n": 3}, "en", 3, Outcome.ALREADY_ACKNOWLEDGED)


@pytest.mark.parametrize("key", SPEAKING)
def test_sms_fits_one_message_even_with_long_values(key: ReplyKey) -> None:
    long_name = "José 🚓 " * 300
    many = list(range(1, 332))
    reply = sample(key, "es", **{
        name: value for name, value in {
            "name": long_name, "school": long_name, "ids": many,
            "incidents": [{"n": i, "school": long_name[:40], "acked_by": None} for i in many],
            "guidance": {"en": "word " * 500}, "text": long_name,
        }.items() if name in SAMPLES[key][1]})
    assert sms_fits(render_sms(reply))
