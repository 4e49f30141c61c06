"""The deployment files say what the service reads."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
SETTINGS_SOURCE = (ROOT / "alertbot" / "settings.py").read_text()


def compose(name: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / name).read_text())
    return data


def known_variables() -> set[str]:
    # env.get("X") or a reader helper: _secret(env, "X"), _number(env, "X", …), …
    return set(re.findall(r'(?:env\.get\(|_\w+\(env, )"([A-Z_]+)"', SETTINGS_SOURCE))


@pytest.mark.parametrize("name", ["docker-compose.yml", "docker-compose.ha.yml"])
def test_compose_files_use_only_variables_alertbot_reads(name: str) -> None:
    services = compose(name)["services"]
    for service, spec in services.items():
        if not service.startswith("alertbot"):
            continue
        env = spec.get("environment", {})
        unknown = {k for k in env if k.startswith(("ALERTBOT_", "TWILIO_", "SLACK_"))
                   } - known_variables()
        assert not unknown, f"{name}: {service} sets variables alertbot ignores: {unknown}"
        assert "healthcheck" in spec or "<<" in spec


def test_single_instance_keeps_sqlite_on_a_volume() -> None:
    spec = compose("docker-compose.yml")["services"]["alertbot"]
    assert spec["environment"]["ALERTBOT_DATABASE_URL"].startswith("sqlite:////data/")
    assert any(v.startswith("alertbot-data:/data") for v in spec["volumes"])


def test_the_try_it_sandbox_has_its_own_volume_and_database() -> None:
    """Issue 9: `ALERTBOT_SANDBOX=1 docker compose up` ran the sandbox on production's
    volume, where a practice incident is later paged for real."""
    services = compose("docker-compose.yml")["services"]
    production, sandbox = services["alertbot"], services["alertbot-sandbox"]
    assert "ALERTBOT_SANDBOX" not in production["environment"]
    assert sandbox["command"] == ["serve", "--sandbox"]
    assert sandbox["profiles"] == ["sandbox"]  # never started by a plain `up`
    volumes = {v.split(":")[0] for v in production["volumes"]}
    sandbox_volumes = {v.split(":")[0] for v in sandbox["volumes"]}
    assert "alertbot-sandbox-data" in sandbox_volumes and not {"alertbot-data"} & sandbox_volumes
    assert "alertbot-sandbox-data" not in volumes
    assert (sandbox["environment"]["ALERTBOT_DATABASE_URL"]
            != production["environment"]["ALERTBOT_DATABASE_URL"])
    assert sandbox["ports"] != production["ports"]


def test_the_image_does_not_give_both_modes_one_database() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert "ALERTBOT_DATABASE_URL" not in text.split("ENTRYPOINT")[0].split("ENV", 1)[1]
    assert "WORKDIR /data" in text


def test_ha_runs_two_instances_on_postgres_behind_one_proxy() -> None:
    services = compose("docker-compose.ha.yml")["services"]
    assert {"postgres", "alertbot-a", "alertbot-b", "proxy"} <= set(services)
    for name in ("alertbot-a", "alertbot-b"):
        env = services[name]["environment"]
        assert env["ALERTBOT_DATABASE_URL"].startswith("postgresql://")
        assert env["ALERTBOT_INSTANCE_ID"] == name
        assert services[name]["healthcheck"]["test"][0] == "CMD"
    upstreams = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "alertbot-a:8080" in upstreams and "alertbot-b:8080" in upstreams


@pytest.mark.skipif(shutil.which("docker-compose") is None, reason="docker-compose not here")
@pytest.mark.parametrize("name", ["docker-compose.yml", "docker-compose.ha.yml"])
def test_compose_config_is_valid(name: str) -> None:
    result = subprocess.run(["docker-compose", "-f", name, "config", "-q"], cwd=ROOT,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_dockerfile_runs_alertbot_serve_with_a_health_check() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert 'ENTRYPOINT ["alertbot"]' in text and 'CMD ["serve"]' in text
    assert "HEALTHCHECK" in text and "/healthz" in text
