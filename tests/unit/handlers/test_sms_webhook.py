"""The SMS webhook built with fakes and no ``Application`` (decision 0046).

Before 0046 the handler read the receiver, engine, settings and metrics from
``request.app[...]``: it could only be tested through ``build_app``, a database and
the engine. Now its constructor names what it uses, so a fake receiver and engine are
enough to check what it translates and what it refuses.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock
from urllib.parse import urlencode

import pytest
from aiohttp import web
from aiohttp.streams import StreamReader
from aiohttp.test_utils import make_mocked_request

from alertbot.config.loader import load_config
from alertbot.config.yamlmap import Problem
from alertbot.core.actors import Outcome, Proof
from alertbot.core.commands import Attach, Open
from alertbot.core.model import Config
from alertbot.core.redact import Secret
from alertbot.metrics import Metrics
from alertbot.service.receiver import Actor
from alertbot.settings import Settings
from alertbot.text.reply import Reply, ReplyKey
from alertbot.twilio.signature import expected_signature
from alertbot.twilio.sms_webhook import SmsWebhook

REPO = Path(__file__).resolve().parents[3]
TOKEN = "unit-test-auth-token"
PUBLIC = "https://alerts.district.example"
PRINCIPAL = "+18605550142"  # a principal in the sample contacts/ (555-01xx)


def _config() -> Config:
    problems: list[Problem] = []
    config = load_config(REPO / "escalation.yaml", REPO / "contacts", problems)
    assert config is not None, [str(p) for p in problems]
    return config


class FakeQuestions:
    """What the webhook asks the receiver's questions: ``fallback_reply``."""

    def fallback_reply(self, outcome: Outcome, key: ReplyKey, language: str) -> Reply:
        return Reply(ReplyKey.VERBATIM, {"text": "sorry, call 555-0100"}, outcome=outcome)


class FakeReceiver:
    """What the webhook uses of the receiver: ``config``, ``handle``, ``questions``."""

    def __init__(self, config: Config, fail: bool = False) -> None:
        self.config, self.fail = config, fail
        self.questions = FakeQuestions()
        self.handled: list[tuple[Actor, Any, str, str | None]] = []

    async def handle(self, actor: Actor, command: Any, source: str, *,
                     dedup_key: str | None = None) -> Reply:
        if self.fail:
            raise RuntimeError("the database is gone")
        self.handled.append((actor, command, source, dedup_key))
        return Reply(ReplyKey.VERBATIM, {"text": "got it"}, outcome=Outcome.INFO)

class FakeEngine:
    def __init__(self) -> None:
        self.statuses: list[tuple[str, str, str | None]] = []

    async def provider_status(self, sid: str, status: str, code: str | None) -> None:
        self.statuses.append((sid, status, code))


def _request(path: str, form: dict[str, str], signature: str | None) -> web.Request:
    body = urlencode(form).encode()
    payload = StreamReader(mock.Mock(_reading_paused=False), 2**16,
                           loop=asyncio.get_running_loop())
    payload.feed_data(body)
    payload.feed_eof()
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "Content-Length": str(len(body))}
    if signature is not None:
        headers["X-Twilio-Signature"] = signature
    return make_mocked_request("POST", path, headers=headers, payload=payload)


def _signed(path: str, form: dict[str, str]) -> web.Request:
    return _request(path, form, expected_signature(TOKEN, PUBLIC + path, form))


def _webhook(receiver: FakeReceiver, engine: FakeEngine | None = None
             ) -> tuple[SmsWebhook, Metrics]:
    metrics = Metrics()
    settings = Settings(public_url=PUBLIC, twilio_auth_token=Secret(TOKEN))
    the_engine = engine or FakeEngine()
    get_receiver: Callable[[], Any] = lambda: receiver  # noqa: E731 - a getter, as wired
    get_engine: Callable[[], Any] = lambda: the_engine  # noqa: E731
    return SmsWebhook(get_receiver, get_engine, settings, metrics), metrics


def _count(metrics: Metrics, route: str, result: str) -> float:
    value = metrics.registry.get_sample_value(
        "alertbot_inbound_requests_total", {"route": route, "result": result})
    return value or 0.0


CONFIG = _config()
TEXT = {"From": PRINCIPAL, "Body": "ICE", "MessageSid": "SM0001"}


async def test_a_forged_signature_is_refused_before_the_receiver_hears_of_it() -> None:
    receiver = FakeReceiver(CONFIG)
    webhook, metrics = _webhook(receiver)
    forged = expected_signature("not-the-token", PUBLIC + "/twilio/sms", TEXT)
    with pytest.raises(web.HTTPForbidden):
        await webhook.inbound(_request("/twilio/sms", TEXT, forged))
    with pytest.raises(web.HTTPForbidden):
        await webhook.inbound(_request("/twilio/sms", TEXT, None))
    assert receiver.handled == []
    assert _count(metrics, "sms", "forbidden") == 2


async def test_a_signed_text_reaches_the_receiver_as_a_command_from_its_sender() -> None:
    receiver = FakeReceiver(CONFIG)
    webhook, metrics = _webhook(receiver)
    response = await webhook.inbound(_signed("/twilio/sms", TEXT))
    assert response.status == 200
    assert response.content_type == "application/xml"
    assert response.text is not None and "<Message>got it</Message>" in response.text
    [(actor, command, source, dedup_key)] = receiver.handled
    assert actor.phone == PRINCIPAL and actor.proof is Proof.PROVIDER
    assert actor.contact is not None and actor.contact.phone == PRINCIPAL
    assert isinstance(command, Open) and command.trigger.keyword == "ICE"
    assert (source, dedup_key) == ("sms", "sms:SM0001")
    assert _count(metrics, "sms", "ok") == 1


async def test_an_mms_reaches_the_receiver_with_its_files() -> None:
    receiver = FakeReceiver(CONFIG)
    webhook, _ = _webhook(receiver)
    form = {**TEXT, "NumMedia": "1", "MediaUrl0": "https://api.twilio.example/m/1",
            "MediaContentType0": "image/jpeg"}
    await webhook.inbound(_signed("/twilio/sms", form))
    [(_, command, _, _)] = receiver.handled
    assert isinstance(command, Attach) and len(command.media) == 1


async def test_a_receiver_that_fails_still_answers_the_sender() -> None:
    webhook, metrics = _webhook(FakeReceiver(CONFIG, fail=True))
    response = await webhook.inbound(_signed("/twilio/sms", TEXT))
    assert response.text is not None and "sorry, call 555-0100" in response.text
    assert _count(metrics, "sms", "error") == 1


async def test_a_status_callback_reaches_the_engine_only_when_signed() -> None:
    engine = FakeEngine()
    webhook, _ = _webhook(FakeReceiver(CONFIG), engine)
    form = {"MessageSid": "SM0002", "MessageStatus": "undelivered", "ErrorCode": "30003"}
    with pytest.raises(web.HTTPForbidden):
        await webhook.status(_request("/twilio/status", form, "forged"))
    assert engine.statuses == []
    response = await webhook.status(_signed("/twilio/status", form))
    assert response.status == 204
    assert engine.statuses == [("SM0002", "undelivered", "30003")]
