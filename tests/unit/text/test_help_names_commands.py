"""The SMS help names every text command a responder has (CONTRACT "Text messages")."""

from __future__ import annotations

import pytest

from alertbot.text.messages import render, segments


@pytest.mark.parametrize("language", ["en", "es"])
def test_help_names_every_responder_command_in_one_text(language: str) -> None:
    example = render("help_example", language, keyword="ICE")
    text = render("help", language, keywords="ICE", example=example)
    for command in ("ACK", "RESOLVE", "NOTE", "BRIDGE", "STATUS", "AWAY", "BACK"):
        assert command in text, (command, text)
    assert segments(text) == ("GSM-7", 1), text
