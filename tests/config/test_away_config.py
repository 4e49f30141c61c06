"""`alertbot check` for issue 14's keys: a contact's `backup` and `readiness.digest`."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from alertbot.config.loader import load_config
from alertbot.config.yamlmap import Problem
from tests.scenario.harness import DISTRICT


def problems_of(tmp: Path, config_extra: str = "", contact_extra: str = "") -> list[str]:
    folder = tmp / "d"
    shutil.copytree(DISTRICT, folder)
    people = folder / "contacts" / "people.yaml"
    text = people.read_text()
    people.write_text(text.replace('  phone: "+1 860 555 0102"\n',
                                   f'  phone: "+1 860 555 0102"\n{contact_extra}', 1))
    escalation = folder / "escalation.yaml"
    escalation.write_text(escalation.read_text().replace(
        "admins: [admin]\n", f"admins: [admin]\n{config_extra}"))
    found: list[Problem] = []
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        load_config("escalation.yaml", "contacts", found)
    finally:
        os.chdir(cwd)
    return [str(p) for p in found]


def test_a_backup_names_a_contact(tmp_path: Path) -> None:
    assert problems_of(tmp_path, contact_extra="  backup: teacher\n") == []
    assert problems_of(tmp_path / "a", contact_extra="  backup: bob\n") == [
        "contacts/people.yaml:9: [1].backup: no contact 'bob' (a backup is a contact id)"]
    assert problems_of(tmp_path / "b", contact_extra="  backup: attorney\n") == [
        "contacts/people.yaml:9: [1].backup: a contact cannot be their own backup"]


def test_the_digest_is_a_cron_expression(tmp_path: Path) -> None:
    assert problems_of(tmp_path, 'readiness: {digest: "30 7 * * MON"}\n') == []
    assert problems_of(tmp_path / "a", 'readiness: {digest: "MON 07:30"}\n') == [
        "escalation.yaml:8: readiness.digest: not a cron expression: 'MON 07:30' "
        "(e.g. \"30 7 * * MON\": Mondays 07:30)"]


def test_away_and_back_cannot_be_trigger_keywords(tmp_path: Path) -> None:
    folder = tmp_path / "d"
    shutil.copytree(DISTRICT, folder)
    escalation = folder / "escalation.yaml"
    escalation.write_text(escalation.read_text().replace("keyword: ICE", "keyword: AWAY"))
    found: list[Problem] = []
    load_config(escalation, folder / "contacts", found)
    assert any("'AWAY' is reserved" in str(p) for p in found)


@pytest.mark.parametrize("word", ["NOTA", "Estado", "AUSENTE", "Regrese", "volvi", "REGRESO"])
def test_spanish_command_words_cannot_be_trigger_keywords(tmp_path: Path, word: str) -> None:
    """Decision 0047: NOTA, ESTADO, AUSENTE, REGRESÉ… are commands in any case and with
    or without accents, so no report keyword may be one (a keyword with an accent is
    no keyword at all: ASCII letters and digits only)."""
    folder = tmp_path / "d"
    shutil.copytree(DISTRICT, folder)
    escalation = folder / "escalation.yaml"
    escalation.write_text(escalation.read_text().replace("keyword: ICE", f"keyword: {word}"))
    found: list[Problem] = []
    load_config(escalation, folder / "contacts", found)
    assert any(f"'{word}' is reserved" in str(p) for p in found), found
