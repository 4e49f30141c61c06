"""`alertbot check` warns, and still exits 0, when Slack is a step's only channel (issue 4).

Slack cannot break through Do Not Disturb, so a step that pages someone by Slack alone
is allowed only when the config says so (``slack_only_ok: true``).
"""

from __future__ import annotations

import pytest

from alertbot import cli
from tests.config.test_check import FIXTURES, SLACK_ONLY_WARNING


def run_check(case: str, monkeypatch: pytest.MonkeyPatch,
              capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    for name in ("ALERTBOT_CONFIG", "ALERTBOT_CONTACTS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(FIXTURES / case)
    code = cli.main(["check"])
    out, err = capsys.readouterr()
    return code, out, err


def test_check_warns_about_a_slack_only_step_and_passes(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_check("slack_only_warning", monkeypatch, capsys)
    assert code == 0
    assert out.splitlines() == [SLACK_ONLY_WARNING]
    assert "ok:" in err


def test_slack_only_ok_makes_check_quiet(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run_check("slack_only_ok", monkeypatch, capsys)
    assert (code, out) == (0, "")
