"""Issue 9, kind 11: ``incidents.X.title`` may be one title per language; pages and
notices render in the recipient's language."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from alertbot.config.loader import load_config
from alertbot.config.yamlmap import Problem
from alertbot.core.incident import Incident
from alertbot.core.model import Channel, Config
from alertbot.core.plan import Plan, PlanStep, Recipient
from alertbot.core.policy import decide
from alertbot.service.notices import incident_title, pages_for

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[2]
PLAIN = '    title: "Visit at {school}"\n'


def load_with_title(tmp_path: Path, title: str,
                    monkeypatch: pytest.MonkeyPatch) -> tuple[Config | None, list[Problem]]:
    shutil.copytree(FIXTURES / "valid", tmp_path / "d")
    path = tmp_path / "d" / "escalation.yaml"
    text = path.read_text()
    assert PLAIN in text
    path.write_text(text.replace(PLAIN, title))
    monkeypatch.chdir(tmp_path / "d")
    problems: list[Problem] = []
    return load_config("escalation.yaml", "contacts", problems), problems


def test_a_title_per_language_loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config, problems = load_with_title(
        tmp_path, '    title: {en: "Visit at {school}", es: "Visita en {school}"}\n',
        monkeypatch)
    assert problems == [] and config is not None
    [itype] = config.incidents.values()
    assert itype.title == "Visit at {school}"
    assert itype.title_in("es") == "Visita en {school}"


def test_a_title_per_language_needs_english(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    _config, problems = load_with_title(tmp_path, '    title: {es: "Visita en {school}"}\n',
                                        monkeypatch)
    assert [p.message for p in problems] == [
        "a title per language needs at least 'en'"]
    assert str(problems[0]).startswith("escalation.yaml:15: incidents.")


def test_each_language_title_may_only_use_school(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    _config, problems = load_with_title(
        tmp_path, '    title: {en: "Visit at {school}", es: "Visita en {escuela}"}\n',
        monkeypatch)
    assert [str(p).split(": ", 1)[1] for p in problems] == [
        "incidents.ice.title.es: the title may only use the placeholder {school}"]


def test_the_sample_config_pages_spanish_speakers_with_a_spanish_title() -> None:
    problems: list[Problem] = []
    config = load_config(REPO / "escalation.yaml", REPO / "contacts", problems)
    assert problems == [] and config is not None
    plan = Plan("p", (PlanStep((Recipient("x", "Eva", "es", ((Channel.SMS, "+18605550111"),)),
                                Recipient("y", "Ed", "en", ((Channel.SMS, "+18605550112"),))),
                               180.0),), None)
    incident = Incident(id=7, type="ice", title="Enforcement visit at Burns", school_id="b",
                        school_name="Burns", reporter_id=None, reporter_name="Ana",
                        reporter_phone=None, source="sms", details="", language="en",
                        created_at=1_800_000_000.0, plan=plan, due_at=1_800_000_000.0)
    decision = decide(incident, incident.created_at)
    assert decision is not None
    es, en = pages_for(incident, decision, config.timezone, config)
    assert "Visita de agentes en Burns" in es.body and "Enforcement" not in es.body
    assert "Enforcement visit at Burns" in en.body
    assert incident_title(config, incident, "es") == "Visita de agentes en Burns"
