"""`alertbot check`, one bad-config fixture per error, the exact messages asserted.

Each folder under fixtures/ is a small, otherwise valid district (escalation.yaml and
contacts/*.yaml: fictional people, 555-01xx numbers) with one mistake in it. The config
is loaded from inside the folder with relative paths, so every problem reads
``escalation.yaml:LINE: dotted.path: message`` or ``contacts/people.yaml:LINE: ...``.
"""

from __future__ import annotations

import re
import shutil
import time
import tracemalloc
from pathlib import Path

import pytest

from alertbot.config.loader import NO_WAIT_FLOORS, ConfigError, load_config, load_or_raise
from alertbot.config.yamlmap import Problem
from alertbot.core.model import Channel, Config

FIXTURES = Path(__file__).parent / "fixtures"
REPO = Path(__file__).resolve().parents[2]

# case -> the exact problems, in the order reported. Every case fails to load.
ERRORS: dict[str, list[str]] = {
    # --- strict keys ---------------------------------------------------------------
    "unknown_key_top": ["escalation.yaml:4: colour: unknown key"],
    "unknown_key_nested": ["escalation.yaml:26: escalations.main.steps[1].wiat: unknown key"],
    "unknown_key_contact": ["contacts/people.yaml:5: [0].e_mail: unknown key"],
    "missing_required_key": ["escalation.yaml:7: schools[1].name: required key is missing"],
    "missing_required_top": ["escalation.yaml:1: organization: required key is missing"],
    "broken_section": ["escalation.yaml:5: schools: Input should be a valid list"],
    "school_not_a_mapping": ["escalation.yaml:7: schools[1]: must be a mapping of keys and values"],
    # --- YAML itself -----------------------------------------------------------------
    "yaml_syntax_error": [
        "escalation.yaml:18: (yaml): expected ',' or ']', but got '<scalar>' "
        "(while parsing a flow sequence that starts on line 16)",
    ],
    "yaml_syntax_error_contacts": [
        "contacts/people.yaml:3: (yaml): mapping values are not allowed here",
    ],
    "duplicated_yaml_key": [
        "escalation.yaml:27: escalations.main.steps[1].wait: key 'wait' appears twice",
    ],
    # A scalar YAML reads as a date or number it cannot build crashed `check` (issue 9).
    "yaml_unreadable_value": [
        "escalation.yaml:2: (yaml): cannot read this value: month must be in 1..12 "
        "(put it in quotes if it is text)",
    ],
    "contacts_not_a_list": [
        "contacts/people.yaml:1: (top): a contacts file is a list of people",
    ],
    # Anchors are harmless; an alias is refused before anything is expanded (issue 9).
    "yaml_alias_bomb": [
        "escalation.yaml:3: (yaml): "
        "YAML aliases (*a) are not allowed in alertbot's files: write the value out",
    ],
    # --- escalation steps --------------------------------------------------------------
    "dangling_notify": [
        "escalation.yaml:23: escalations.main.steps[0].notify[1]: no contact or role 'bob'",
    ],
    # A role nobody has: one message for the name, not a second "pages nobody".
    "step_pages_nobody": [
        "escalation.yaml:25: escalations.main.steps[1].notify[0]: no contact or role 'nurse'",
    ],
    "bad_duration": [
        "escalation.yaml:24: escalations.main.steps[0].wait: "
        "not a duration: '3 minutes' (use e.g. 30s, 3m, 1h30m)",
    ],
    "negative_duration": [
        "escalation.yaml:24: escalations.main.steps[0].wait: duration must not be negative: -30",
    ],
    # Floors on waits (issue 9, decision 0016): 0 is "at once"; a few seconds is a flood.
    "wait_too_short": [
        "escalation.yaml:24: escalations.main.steps[0].wait: wait 0.05s is too short: "
        "use 0 (the next step at once) or at least 30s (time to read and answer a page)",
    ],
    "round_too_short": [
        "escalation.yaml:27: escalations.main.repeat: a repeating policy's round (its waits "
        "added up) is 30s: it must be at least 1m, as every round pages everyone again",
    ],
    # Ceilings (issue 9): `.nan`/`.inf` are YAML floats and no wait at all (plan crashed,
    # serve stored no due time and paging stopped after step 1); over 7 days is a typo.
    "wait_not_finite": [
        "escalation.yaml:24: escalations.main.steps[0].wait: "
        "duration must be a finite number of seconds: nan",
    ],
    "wait_too_long": [
        "escalation.yaml:24: escalations.main.steps[0].wait: "
        "duration must be at most 168h (7 days): '1000000000h'",
    ],
    "negative_repeat": [
        "escalation.yaml:27: escalations.main.repeat: "
        "repeat must be 'forever' or a whole number >= 0, not -1",
    ],
    "bad_repeat": [
        "escalation.yaml:27: escalations.main.repeat: "
        "repeat must be 'forever' or a whole number >= 0, not 'always'",
    ],
    "unreachable_in_step": [
        "escalation.yaml:25: escalations.main.steps[1].notify: "
        "'lead' has no address for slack: they would never be paged",
    ],
    "unknown_admin": ["escalation.yaml:4: admins[1]: no contact or role 'ops'"],
    # --- the console (issue 11) ------------------------------------------------------
    "unknown_console_target": [
        "escalation.yaml:6: console.see_all[1]: no contact or role 'counsel'"],
    "bad_email": ["contacts/people.yaml:5: [0].email: not valid: 'pat at district' "
                  "(an e-mail address looks like name@district.org)"],
    # Compared in lower case: one address signs in one person (OpenID Connect).
    "duplicate_email": [
        "contacts/people.yaml:12: [1].email: contacts 'lead' and 'principal-elm' have the "
        "same e-mail address office@testville.example.org ('lead' at "
        "contacts/people.yaml:6): an e-mail address belongs to one contact"],
    # --- schools -------------------------------------------------------------------------
    "duplicate_school_id": [
        "escalation.yaml:7: schools[1].id: school id 'elm' is already used by schools[0]",
    ],
    "duplicate_school_code": [
        "escalation.yaml:7: schools[1].code: school code '101' is already used by 'elm'",
    ],
    # --- contacts ------------------------------------------------------------------------
    "duplicate_contact_id": [
        "contacts/people.yaml:2: [0].id: contact id 'lead' is already used at "
        "contacts/more.yaml:5",
    ],
    # Reported once, on the contact: not again at each step that pages them.
    # One number, written two ways: the second person's replies would be read as the first's.
    "duplicate_phone": [
        "contacts/people.yaml:10: [1].phone: contacts 'lead' and 'principal-elm' have the "
        "same number +18605550110 ('lead' at contacts/people.yaml:5): "
        "a number belongs to one contact",
    ],
    "duplicate_slack_id": [
        "contacts/people.yaml:12: [1].slack: contacts 'lead' and 'principal-elm' have the "
        "same Slack member id U0LEAD001 ('lead' at contacts/people.yaml:6): "
        "a Slack member id belongs to one contact",
    ],
    "channel_delay_too_short": [
        "contacts/people.yaml:6: [0].channel_delay: channel_delay 5s is too short: use 0 "
        "(all channels at once) or at least 30s (time to answer the first channel)",
    ],
    "channel_delay_not_finite": [
        "contacts/people.yaml:6: [0].channel_delay: "
        "duration must be a finite number of seconds: inf",
    ],
    "channel_delay_too_long": [
        "contacts/people.yaml:6: [0].channel_delay: "
        "duration must be at most 168h (7 days): '168h0m1s'",
    ],
    "invalid_phone": [
        "contacts/people.yaml:5: [0].phone: not a valid phone number: '+1 860 555 01'",
    ],
    "contact_without_phone": [
        "contacts/people.yaml:2: [0].phone: "
        "a phone is needed for the default channels sms, voice (or set channels)",
    ],
    "unknown_school_in_contact": [
        "contacts/people.yaml:9: [1].schools[1]: no school 'pine'",
    ],
    "slack_channel_without_id": [
        "contacts/people.yaml:11: [1].channels: channel 'slack' needs a 'slack' member id",
    ],
    "bad_slack_id": [
        "contacts/people.yaml:5: [0].slack: "
        "not valid: '@pat' (a Slack member id looks like U0123ABCD)",
    ],
    # One bad contact is not also "no contact or role" at every step naming it.
    "bad_language": ["contacts/people.yaml:5: [0].language: Input should be 'en' or 'es'"],
    # --- incidents and routes ------------------------------------------------------------
    "unknown_escalation_in_route": [
        "escalation.yaml:20: incidents.ice.routes[0].escalation: no escalation 'north_team'",
    ],
    "unknown_escalation_shorthand": [
        "escalation.yaml:18: incidents.ice.escalation: no escalation 'mian'",
    ],
    "unknown_region_in_route": [
        "escalation.yaml:19: incidents.ice.routes[0].when.region: no region 'east'",
    ],
    "unknown_school_in_route": [
        "escalation.yaml:19: incidents.ice.routes[0].when.school: no school 'pine'",
    ],
    "no_catch_all_route": [
        "escalation.yaml:18: incidents.ice.routes: "
        "no route matches school 'oak'; add a catch-all route",
    ],
    # Every school is routed, but a report that names no school would page nobody.
    "no_catch_all_no_school": [
        "escalation.yaml:18: incidents.ice.routes: "
        "no route matches an incident with no school; add a catch-all route",
    ],
    "nested_routes_no_catch_all": [
        "escalation.yaml:18: incidents.ice.routes: "
        "no route matches school 'oak'; add a catch-all route",
    ],
    "route_without_escalation": [
        "escalation.yaml:19: incidents.ice.routes[0]: a route needs 'escalation' or 'routes'",
    ],
    "routes_and_escalation": [
        "escalation.yaml:18: incidents.ice.escalation: "
        "give either 'escalation' or 'routes', not both",
    ],
    "guidance_missing_en": [
        "escalation.yaml:16: incidents.ice.guidance: guidance needs at least 'en'",
    ],
    "title_placeholder": [
        "escalation.yaml:15: incidents.ice.title: "
        "the title may only use the placeholder {school}",
    ],
    # --- triggers ------------------------------------------------------------------------
    "trigger_unknown_incident": ["escalation.yaml:11: triggers[0].incident: no incident 'fire'"],
    "reserved_keyword": [
        "escalation.yaml:10: triggers[0].keyword: "
        "'STOP' is reserved (Twilio or alertbot command); choose another keyword",
    ],
    "command_keyword": [
        "escalation.yaml:10: triggers[0].keyword: "
        "'ack' is reserved (Twilio or alertbot command); choose another keyword",
    ],
    "duplicate_keyword": [
        "escalation.yaml:12: triggers[1].keyword: keyword 'ICE' is already used by triggers[0]",
    ],
    "duplicate_phone_digit": [
        "escalation.yaml:14: triggers[1].phone_digit: "
        "phone_digit '1' is already used by triggers[0]",
    ],
    # --- settings ------------------------------------------------------------------------
    "invalid_timezone": ["escalation.yaml:3: timezone: unknown time zone 'America/Hartford'"],
    "bad_fallback_phone": ["escalation.yaml:4: fallback_phone: not a valid phone number: '555'"],
    # issue 13: how long a phone-tree caller waits on the line for a responder
    "caller_wait_too_short": ["escalation.yaml:5: caller_wait: caller_wait must be from 30s "
                              "to 30m, not '10s'"],
    "caller_wait_not_a_duration": ["escalation.yaml:5: caller_wait: not a duration: 'soon' "
                                   "(use e.g. 30s, 3m, 1h30m)"],
    # --- several mistakes at once: every one reported in a single run ---------------------
    "many_errors": [
        "contacts/people.yaml:5: [0].phone: not a valid phone number: '+1 555'",
        "escalation.yaml:4: colour: unknown key",
        "escalation.yaml:8: schools[1].code: school code '101' is already used by 'elm'",
        "contacts/people.yaml:9: [1].schools[0]: no school 'pine'",
        "escalation.yaml:28: escalations.main.repeat: "
        "repeat must be 'forever' or a whole number >= 0, not -2",
        "escalation.yaml:24: escalations.main.steps[0].notify[1]: no contact or role 'bob'",
        "escalation.yaml:27: escalations.main.steps[1].wait: "
        "not a duration: 'soon' (use e.g. 30s, 3m, 1h30m)",
        "escalation.yaml:11: triggers[0].keyword: "
        "'HELP' is reserved (Twilio or alertbot command); choose another keyword",
    ],
}

SLACK_ONLY_WARNING = (
    "escalation.yaml:26: escalations.main.steps[1].channels: warning: 'lead' is paged by "
    "Slack only; Slack cannot break through Do Not Disturb (set slack_only_ok: true on the "
    "step if this is intended)"
)


def load_case(case: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Config | None, list[Problem]]:
    monkeypatch.chdir(FIXTURES / case)
    problems: list[Problem] = []
    config = load_config("escalation.yaml", "contacts", problems)
    return config, problems


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_bad_config_reports_exactly(case: str, monkeypatch: pytest.MonkeyPatch) -> None:
    config, problems = load_case(case, monkeypatch)
    assert [str(p) for p in problems] == ERRORS[case]
    assert config is None
    assert all(not p.warning for p in problems)


def test_every_fixture_folder_has_an_expectation() -> None:
    folders = {p.name for p in FIXTURES.iterdir() if p.is_dir()}
    assert folders == set(ERRORS) | {"slack_only_warning", "slack_only_ok", "valid",
                                      "title_names_immigration"}


def test_fixtures_use_only_fictional_numbers() -> None:
    """555-01xx numbers only (or a deliberately broken one in a phone-number case)."""
    for path in FIXTURES.rglob("*.yaml"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if "phone:" not in line:
                continue
            digits = re.sub(r"\D", "", line)
            assert digits.startswith("1860555") or len(digits) < 10, f"{path}: {line}"
            if len(digits) == 11:
                assert digits[7:9] == "01", f"{path}: {line}"


def test_valid_fixture_loads_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    config, problems = load_case("valid", monkeypatch)
    assert problems == []
    assert config is not None
    assert config.contacts["lead"].phone == "+18605550110"  # stored as E.164


def test_slack_only_step_is_a_warning_and_config_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    config, problems = load_case("slack_only_warning", monkeypatch)
    assert [str(p) for p in problems] == [SLACK_ONLY_WARNING]
    assert problems[0].warning
    assert config is not None
    assert config.escalations["main"].steps[1].channels == (Channel.SLACK,)


def test_slack_only_ok_silences_the_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    config, problems = load_case("slack_only_ok", monkeypatch)
    assert problems == []
    assert config is not None


def test_load_or_raise_carries_errors_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(FIXTURES / "many_errors")
    with pytest.raises(ConfigError) as info:
        load_or_raise("escalation.yaml", "contacts")
    assert [str(p) for p in info.value.problems] == ERRORS["many_errors"]
    assert str(info.value) == "\n".join(ERRORS["many_errors"])


def test_sample_config_in_repo_root_loads_without_problems(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(REPO)
    problems: list[Problem] = []
    config = load_config("escalation.yaml", "contacts", problems)
    assert [str(p) for p in problems] == []
    assert config is not None
    assert set(config.schools) == {"burns", "maple", "riverside-high", "oak", "lincoln"}
    assert {t.keyword for t in config.triggers} == {"ICE", "DRILL"}
    assert config.escalations["drill"].repeat == 1
    assert config.escalations["ice_default"].repeat is None
    assert all(c.phone is None or c.phone.startswith("+1860555") for c in config.contacts.values())


def test_missing_contacts_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "escalation.yaml").write_text(
        (FIXTURES / "valid" / "escalation.yaml").read_text(encoding="utf-8"), encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    problems: list[Problem] = []
    assert load_config("escalation.yaml", "contacts", problems) is None
    # The folder is reported once; the steps naming its people are not reported again.
    assert [str(p) for p in problems] == ["contacts:1: (folder): contacts folder does not exist"]


def test_alias_bomb_is_refused_at_once_without_expanding_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The issue's 500-byte "billion laughs" took 1.8 GB and 19 s; it must cost nothing."""
    assert (FIXTURES / "yaml_alias_bomb" / "escalation.yaml").stat().st_size < 1100
    tracemalloc.start()
    try:
        started = time.perf_counter()
        config, problems = load_case("yaml_alias_bomb", monkeypatch)
        elapsed = time.perf_counter() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert config is None and [p.path for p in problems] == ["(yaml)"]
    assert elapsed < 0.25
    assert peak < 2_000_000  # bytes: the expanded lists would be hundreds of millions


def test_deep_nesting_is_a_problem_not_a_crash(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "contacts").mkdir()
    (tmp_path / "contacts" / "people.yaml").write_text("[" * 5000 + "]" * 5000)
    (tmp_path / "escalation.yaml").write_text(
        (FIXTURES / "valid" / "escalation.yaml").read_text(encoding="utf-8"))
    monkeypatch.chdir(tmp_path)
    problems: list[Problem] = []
    assert load_config("escalation.yaml", "contacts", problems) is None
    assert str(problems[0]) == "contacts/people.yaml:1: (yaml): nested too deeply"


def test_short_waits_load_only_without_floors(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests and benchmarks on a real clock (ALERTBOT_ALLOW_SHORT_WAITS) may page fast;
    a repeating round of 0 seconds is refused even then."""
    for case in ("wait_too_short", "round_too_short", "channel_delay_too_short"):
        monkeypatch.chdir(FIXTURES / case)
        problems: list[Problem] = []
        assert load_config("escalation.yaml", "contacts", problems, NO_WAIT_FLOORS), problems
    shutil.copytree(FIXTURES / "round_too_short", tmp_path / "zero")
    path = tmp_path / "zero" / "escalation.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("wait: 30s", "wait: 0"))
    monkeypatch.chdir(tmp_path / "zero")
    problems = []
    assert load_config("escalation.yaml", "contacts", problems, NO_WAIT_FLOORS) is None
    assert [str(p) for p in problems] == [
        "escalation.yaml:26: escalations.main.steps[1].wait: "
        "a repeating policy needs a wait greater than 0"]


# Every kind of duration check accepts, as YAML writes it: at once, the floor, a fraction,
# a compound, the 7-day ceiling, just under it; below the floors only without them.
ACCEPTED_WAITS = ["0", "30", "30.5", "1h30m", "168h", "604799.5"]
ACCEPTED_DELAYS = ["0", "30s", "168h"]
SHORT_WAITS = ["0.05s", "0.001"]


@pytest.mark.parametrize("repeat", ["forever", "0", "3", "4"])
def test_plan_renders_every_wait_check_accepts(tmp_path: Path, repeat: str,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """``alertbot plan`` never crashes on a config ``alertbot check`` accepts (issue 9:
    ``wait: .nan`` was accepted, then plan died on it)."""
    from alertbot.text.planview import render_plan

    shutil.copytree(FIXTURES / "valid", tmp_path / "d")
    monkeypatch.chdir(tmp_path / "d")
    escalation = Path("escalation.yaml").read_text(encoding="utf-8")
    people = Path("contacts/people.yaml").read_text(encoding="utf-8")
    cases = [(w, d, None) for w in ACCEPTED_WAITS for d in ACCEPTED_DELAYS]
    cases += [(w, "0.05", NO_WAIT_FLOORS) for w in SHORT_WAITS]
    for wait, delay, floors in cases:
        Path("escalation.yaml").write_text(
            escalation.replace("wait: 3m", f"wait: {wait}").replace(
                "repeat: forever", f"repeat: {repeat}"), encoding="utf-8")
        Path("contacts/people.yaml").write_text(people.replace(
            '"+1 860 555 0110"', f'"+1 860 555 0110"\n  channel_delay: {delay}'),
            encoding="utf-8")
        problems: list[Problem] = []
        config = (load_config("escalation.yaml", "contacts", problems) if floors is None
                  else load_config("escalation.yaml", "contacts", problems, floors))
        assert config is not None, (wait, delay, [str(p) for p in problems])
        text = render_plan(config)
        assert "Pat Example [lead]: sms" in text, (wait, delay)


def test_a_number_too_long_for_python_is_a_problem_not_a_crash(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """5000 digits: Python refuses to read an int over 4300 digits (a ValueError that
    crashed ``alertbot check``)."""
    shutil.copytree(FIXTURES / "valid", tmp_path / "d")
    monkeypatch.chdir(tmp_path / "d")
    path = Path("escalation.yaml")
    path.write_text(path.read_text(encoding="utf-8").replace("wait: 3m", "wait: " + "9" * 5000),
                    encoding="utf-8")
    problems: list[Problem] = []
    assert load_config("escalation.yaml", "contacts", problems) is None
    assert [str(p) for p in problems] == [
        "escalation.yaml:24: (yaml): cannot read this value: Exceeds the limit (4300 digits) "
        "for integer string conversion: value has 5000 digits "
        "(put it in quotes if it is text)"]
