"""The shipped Prometheus rules (deploy/prometheus/alertbot-rules.yml, issue 14) use only
metrics alertbot exports, and every rule says what to do.

When ``promtool`` is installed (Debian's ``prometheus`` package, ~100 MB: not installed
by .ci/run) the file is also checked by it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import yaml

from alertbot.metrics import Metrics

RULES = Path(__file__).resolve().parent.parent / "deploy" / "prometheus" / "alertbot-rules.yml"
SUFFIXES = {"counter": ("_total", "_created"), "gauge": ("",),
            "histogram": ("_bucket", "_sum", "_count", "_created")}
# What the issue asks the rules to cover: no engine cycle, pages failing, provider
# circuit open, escalation lateness, unreachable responders.
REQUIRED = {"AlertbotNoEngineCycle", "AlertbotPagesFailing", "AlertbotProviderCircuitOpen",
            "AlertbotEscalationLate", "AlertbotUnreachableResponders"}


def exported() -> set[str]:
    names: set[str] = set()
    for family in Metrics().registry.collect():
        names |= {family.name + s for s in SUFFIXES[family.type]}
    return names


def rules() -> list[dict[str, Any]]:
    data = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    return [rule for group in data["groups"] for rule in group["rules"]]


def test_every_metric_a_rule_uses_is_exported() -> None:
    names = exported()
    used = {name for rule in rules() for name in re.findall(r"\balertbot_\w+", rule["expr"])}
    assert used, "the rules use no alertbot metric"
    assert used - names == set()
    assert "alertbot_readiness_unreachable_steps" in names  # set by the readiness check


def test_the_required_alerts_exist_and_say_what_to_do() -> None:
    found = rules()
    assert {rule["alert"] for rule in found} >= REQUIRED
    for rule in found:
        assert rule["labels"]["severity"] in {"critical", "warning", "info"}
        assert rule["annotations"]["summary"] and rule["annotations"]["description"]


def test_a_label_a_rule_filters_on_is_one_the_metric_has() -> None:
    labels: dict[str, set[str]] = {}
    for family in Metrics().registry.collect():
        for suffix in SUFFIXES[family.type]:
            labels[family.name + suffix] = set(getattr(
                Metrics(), _attribute(family.name))._labelnames)
    for rule in rules():
        for name, selector in re.findall(r"\b(alertbot_\w+)\{([^}]*)\}", rule["expr"]):
            keys = set(re.findall(r"(\w+)\s*=~?", selector))
            assert keys <= labels[name], (rule["alert"], name, keys)


def _attribute(family: str) -> str:
    metrics = Metrics()
    for attribute, value in vars(metrics).items():
        if getattr(value, "_name", None) == family:
            return attribute
    raise KeyError(family)


def test_promtool_accepts_the_rules_when_it_is_installed() -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        return  # not a skip: the checks above ran; promtool is optional (module docstring)
    result = subprocess.run([promtool, "check", "rules", str(RULES)], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
