"""The sample systemd units for ``alertbot watchdog`` (deploy/alertbot-watchdog.service
and .timer, issue 14) run the command as documented, with variables it reads; when
``systemd-analyze`` is on the machine, it verifies them."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

from alertbot.watchdog.main import EXIT_DOWN

ROOT = Path(__file__).resolve().parent.parent
SERVICE = ROOT / "deploy" / "alertbot-watchdog.service"
TIMER = ROOT / "deploy" / "alertbot-watchdog.timer"
READ = ((ROOT / "alertbot" / "settings.py").read_text()
        + (ROOT / "alertbot" / "watchdog" / "main.py").read_text())


def entries(path: Path) -> list[tuple[str, str]]:
    return [(k.strip(), v.strip()) for line in path.read_text().splitlines()
            if "=" in line and not line.startswith("#") and not line.startswith("[")
            for k, v in [line.split("=", 1)]]


def test_the_service_runs_the_watchdog_once_and_exit_1_is_not_a_failure() -> None:
    service = dict(entries(SERVICE))
    assert service["Type"] == "oneshot"
    assert service["ExecStart"].endswith("/alertbot watchdog")
    assert service["SuccessExitStatus"] == str(EXIT_DOWN)
    assert dict(entries(TIMER))["Unit"] == SERVICE.name


def test_the_service_sets_only_variables_alertbot_reads() -> None:
    names = {value.strip('"').split("=", 1)[0] for key, value in entries(SERVICE)
             if key == "Environment"}
    assert names >= {"ALERTBOT_WATCHDOG_URLS", "ALERTBOT_WATCHDOG_STATE"}
    assert {n for n in names if f'"{n}"' not in READ} == set()
    assert re.search(r"TWILIO_AUTH_TOKEN", SERVICE.read_text())  # documented, in the env file
    assert "TWILIO_AUTH_TOKEN=" not in "".join(v for _, v in entries(SERVICE))


def test_systemd_accepts_the_units(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        return  # not a skip: the checks above ran; systemd-analyze is optional here
    alertbot = Path(sys.executable).with_name("alertbot")
    for unit in (SERVICE, TIMER):
        text = unit.read_text().replace("/opt/alertbot/.venv/bin/alertbot", str(alertbot))
        (tmp_path / unit.name).write_text(text)
    result = subprocess.run([analyze, "verify", "--man=no", *(str(tmp_path / u.name)
                                                              for u in (SERVICE, TIMER))],
                            capture_output=True, text=True, check=False, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
