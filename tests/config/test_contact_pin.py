"""A contact's personal phone PIN (decision 0014): 4 to 8 digits, never echoed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from alertbot.config.loader import load_config
from alertbot.config.yamlmap import Problem

VALID = Path(__file__).parent / "fixtures" / "valid"


def _load(tmp_path: Path, pin_line: str) -> tuple[object, list[str]]:
    district = tmp_path / "district"
    shutil.copytree(VALID, district)
    people = district / "contacts" / "people.yaml"
    text = people.read_text()
    people.write_text(text.replace('  phone: "+1 860 555 0110"\n',
                                   f'  phone: "+1 860 555 0110"\n{pin_line}', 1))
    problems: list[Problem] = []
    cwd = os.getcwd()
    os.chdir(district)
    try:
        config = load_config("escalation.yaml", "contacts", problems)
    finally:
        os.chdir(cwd)
    return config, [str(p) for p in problems if not p.warning]


@pytest.mark.parametrize("pin", ['"4827"', '"12345678"', "48271"])
def test_a_pin_of_4_to_8_digits_loads(tmp_path: Path, pin: str) -> None:
    config, problems = _load(tmp_path, f"  pin: {pin}\n")
    assert problems == []
    contact = config.contacts["lead"]  # type: ignore[attr-defined]
    assert contact.pin == pin.strip('"')
    assert pin.strip('"') not in repr(contact)  # never in a repr, so never in a log


def test_no_pin_is_fine(tmp_path: Path) -> None:
    config, problems = _load(tmp_path, "")
    assert problems == [] and config.contacts["lead"].pin is None  # type: ignore[attr-defined]


@pytest.mark.parametrize("pin", ['"123"', '"123456789"', '"12a4"', '"１２３４"', "[1, 2]",
                                 "true", '"12 34"'])
def test_a_bad_pin_is_a_config_error_that_does_not_repeat_it(tmp_path: Path, pin: str) -> None:
    _config, problems = _load(tmp_path, f"  pin: {pin}\n")
    assert problems == ["contacts/people.yaml:6: [0].pin: a PIN is 4 to 8 digits, in quotes"]
    assert pin.strip('"') not in problems[0]
