"""Numbers from the environment: finite, in range, or a clear error naming the variable."""

from __future__ import annotations

import pytest

from alertbot.cli import main
from alertbot.settings import Settings, SettingsError


@pytest.mark.parametrize(("name", "raw"), [
    ("ALERTBOT_TICK", "nan"), ("ALERTBOT_TICK", "inf"), ("ALERTBOT_TICK", "0"),
    ("ALERTBOT_TICK", "soon"), ("ALERTBOT_READ_TIMEOUT", "nan"),
    ("ALERTBOT_READ_TIMEOUT", "-1"), ("ALERTBOT_READ_TIMEOUT", "1e400"),
    ("ALERTBOT_SMS_RATE", "-5"), ("ALERTBOT_VOICE_RATE", "inf"),
    ("ALERTBOT_PORT", "80.5"), ("ALERTBOT_PORT", "70000"),
    ("ALERTBOT_MAX_CONNECTIONS", "nan"), ("ALERTBOT_FAULT_SLOW_COMMIT", "6"),
    ("ALERTBOT_FAULT_SLOW_COMMIT", "-0.1"),
])
def test_a_number_alertbot_cannot_use_is_refused_by_name(name: str, raw: str) -> None:
    # New-user trial: ALERTBOT_TICK=nan and ALERTBOT_READ_TIMEOUT=inf were accepted.
    with pytest.raises(SettingsError, match=name):
        Settings.from_env({name: raw})


def test_numbers_in_range_and_the_defaults_are_taken() -> None:
    settings = Settings.from_env({"ALERTBOT_TICK": "0.2", "ALERTBOT_READ_TIMEOUT": "",
                                  "ALERTBOT_SMS_RATE": "1", "ALERTBOT_PORT": "8081"})
    assert (settings.tick, settings.read_timeout, settings.sms_rate, settings.port) == (
        0.2, 10.0, 1.0, 8081)


def test_the_command_line_names_the_variable_and_exits_2(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("ALERTBOT_TICK", "nan")
    assert main(["check"]) == 2
    assert "ALERTBOT_TICK='nan'" in capsys.readouterr().err
