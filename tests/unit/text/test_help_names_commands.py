"""The SMS help names every text command a responder has (CONTRACT "Text messages")."""

from __future__ import annotations

import pytest

from alertbot.text.messages import render, segments, to_gsm7

# Spanish help names the Spanish words (decision 0047); ACK, RESOLVE and BRIDGE are
# printed in every page, so they stay one word in both languages.
COMMANDS = {"en": ("ACK", "RESOLVE", "NOTE", "BRIDGE", "STATUS", "AWAY", "BACK"),
            "es": ("ACK", "RESOLVE", "NOTA", "BRIDGE", "ESTADO", "AUSENTE", "DE VUELTA")}


@pytest.mark.parametrize("language", ["en", "es"])
def test_help_names_every_responder_command_in_one_text(language: str) -> None:
    example = render("help_example", language, keyword="ICE")
    text = render("help", language, keywords="ICE", example=example)
    for command in COMMANDS[language]:
        assert command in text, (command, text)
    assert segments(to_gsm7(text)) == ("GSM-7", 1), text  # as the SMS goes out
