"""The receiver is a dispatcher over parts with explicit collaborators (issue 10), and
every part reads the config in force: a reload replaces ``receiver.config`` (app.py,
``ConfigReloader``) and the next command, whichever part applies it, sees the new one."""

from __future__ import annotations

from dataclasses import replace

from alertbot.core import commands as cmd
from alertbot.core.actors import Actor, Proof
from alertbot.core.model import Config
from alertbot.service.questions import Questions
from alertbot.service.receiver import Receiver
from alertbot.service.reporting import Reporting
from alertbot.service.responding import Responding
from alertbot.service.updates import Updates
from alertbot.text.reply import ReplyKey
from tests.store.district import actor

STRANGER = Actor(None, phone="+18605550198", proof=Proof.PROVIDER)


def test_the_receiver_is_composed_not_mixed() -> None:
    assert Receiver.__mro__ == (Receiver, object)
    for part in (Questions, Reporting, Responding, Updates):
        assert part.__mro__ == (part, object)


async def test_every_part_sees_a_reloaded_config(receiver: Receiver, config: Config) -> None:
    before = await receiver.handle(STRANGER, cmd.Text("hello"), "sms")
    assert before.key is ReplyKey.UNKNOWN_SENDER
    receiver.config = replace(config, fallback_phone=None)  # what a reload does
    after = await receiver.handle(STRANGER, cmd.Text("hello"), "sms")
    assert after.key is ReplyKey.UNKNOWN_SENDER_NOFALLBACK
    assert receiver.questions.fallback().phone is None
    assert receiver.reporting.config is receiver.config
    assert receiver.responding.config is receiver.config
    assert receiver.updates.config is receiver.config
    # A report after the reload routes with the new config: a school renamed is used.
    schools = dict(config.schools)
    schools["burns"] = replace(schools["burns"], name="Burns Latino Academy")
    receiver.config = replace(config, schools=schools)
    opened = await receiver.handle(actor(config, "principal-burns"),
                                   cmd.Open(config.triggers[0], None, ""), "sms")
    assert opened.values["school"] == "Burns Latino Academy"
    # The console's address is read when used, too (a test or a restart may set it).
    receiver.public_url = "https://alerts.example.test"
    assert receiver.responding.public_url == receiver.updates.public_url == (
        "https://alerts.example.test")
