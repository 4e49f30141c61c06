"""parse_sms over the sample district config: the SMS grammar of CONTRACT.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from alertbot.config.loader import load_config
from alertbot.config.yamlmap import Problem
from alertbot.core.commands import (
    OPT_OUT_WORDS,
    RESERVED_WORDS,
    Ack,
    Away,
    Back,
    Bridge,
    Command,
    Note,
    NumberArg,
    Open,
    Reserved,
    Resolve,
    Status,
    Text,
    parse_sms,
    take_number,
)
from alertbot.core.model import Config

REPO = Path(__file__).resolve().parents[2]


def _sample() -> Config:
    problems: list[Problem] = []
    config = load_config(REPO / "escalation.yaml", REPO / "contacts", problems)
    assert config is not None, [str(p) for p in problems]
    return config


CONFIG = _sample()
ICE = next(t for t in CONFIG.triggers if t.keyword == "ICE")
DRILL = next(t for t in CONFIG.triggers if t.keyword == "DRILL")
BURNS = CONFIG.schools["burns"]
OAK = CONFIG.schools["oak"]
RIVERSIDE = CONFIG.schools["riverside-high"]
MAPLE = CONFIG.schools["maple"]

CASES: list[tuple[str, Command]] = [
    # --- opening an incident ------------------------------------------------------------
    ("ICE 2 agents at front desk", Open(ICE, None, "2 agents at front desk")),  # no school
    ("ice burns two agents", Open(ICE, BURNS, "two agents")),  # by id, keyword any case
    ("ICE 1201 two agents", Open(ICE, BURNS, "two agents")),  # by code
    ("ICE Burns Academy front door", Open(ICE, BURNS, "front door")),  # by full name
    ("ICE burns academy", Open(ICE, BURNS, "")),  # name, any case, no details
    ("ICE Maple Elementary", Open(ICE, MAPLE, "")),
    ("ICE Riverside High School, gym", Open(ICE, RIVERSIDE, "gym")),  # punctuation after name
    ("ICE Oak Middle School, side door", Open(ICE, OAK, "side door")),
    ("ICE burns, 2 agents", Open(ICE, BURNS, "2 agents")),
    ("ICE 1201.", Open(ICE, BURNS, "")),
    ("ICE", Open(ICE, None, "")),
    ("Ice.", Open(ICE, None, "")),
    ("  ICE   burns   two  ", Open(ICE, BURNS, "two")),
    ("ICE\nburns two agents", Open(ICE, BURNS, "two agents")),  # newline after the keyword
    ("drill 2301", Open(DRILL, RIVERSIDE, "")),
    ("DRILL Riverside High School gym", Open(DRILL, RIVERSIDE, "gym")),
    ("ICE maple-elementary", Open(ICE, None, "maple-elementary")),  # not an id: details
    ("ICE1201", Text("ICE1201")),  # keyword glued to a code is not a keyword
    # --- acknowledging ------------------------------------------------------------------
    ("ACK", Ack(None)),
    ("ack", Ack(None)),
    ("Ack.", Ack(None)),
    ("ack!", Ack(None)),
    ("ack 12", Ack(12)),
    ("ACK #12", Ack(12)),
    ("ACK12", Ack(12)),
    ("ack#12", Ack(12)),
    ("ACK 12 on my way", Ack(12)),
    ("ACK\n12", Ack(12)),
    ("\n ACK 3 \n", Ack(3)),
    ("ACK foo", Text("ACK foo")),
    ("ACK -1", Text("ACK -1")),
    ("ACK 1234567890", Text("ACK 1234567890")),  # not an incident number
    # --- people type like people (issue 9, kind 5): punctuation, #, words, widths ----------
    ("ACK 12.", Ack(12)),
    ("ACK 1.", Ack(1)),
    ("Ack 1!", Ack(1)),
    ("Ack 12!", Ack(12)),
    ("ack #12", Ack(12)),
    ("ACK #12,", Ack(12)),
    ("ACK: 12", Ack(12)),
    ("ACK 12?", Ack(12)),
    ("ACK (12)", Ack(12)),
    ("ACK # 12", Ack(12)),
    ("ack no. 12", Ack(12)),
    ("ack No 12 coming", Ack(12)),
    ("ACK number 12", Ack(12)),
    ("ACK incident #12.", Ack(12)),
    ("ack número 12", Ack(12)),
    ("ACK 12. on my way", Ack(12)),
    ("ACK 12, on my way!", Ack(12)),
    ("ACK1.", Ack(1)),
    ("ACK#12!", Ack(12)),
    ("ACK:12", Ack(12)),
    ("ACK\n12.", Ack(12)),
    ("ACK\n#12!\nomw", Ack(12)),
    ("ACK １２", Ack(12)),  # fullwidth digits (a Japanese/Chinese keyboard)
    ("ＡＣＫ　＃１２", Ack(12)),  # fullwidth letters, space and number sign
    ("ACK !", Ack(None)),
    ("ACKNOWLEDGE", Ack(None)),  # the Slack button's word
    ("Acknowledge 12.", Ack(12)),
    ("ACK 012", Ack(12)),
    ("ACK 123456789", Ack(123456789)),
    # ...and what must NOT become a command
    ("ACK the second one", Text("ACK the second one")),
    ("ACK 12345678901", Text("ACK 12345678901")),  # more than 9 digits
    ("ACK #1234567890!", Text("ACK #1234567890!")),
    ("ACK 12.5", Text("ACK 12.5")),
    ("ACK twelve", Text("ACK twelve")),
    ("ACK no way", Text("ACK no way")),
    ("ACKED 12", Text("ACKED 12")),
    ("Acknowledged, thanks", Text("Acknowledged, thanks")),
    ("ACKNOWLEDGED", Text("ACKNOWLEDGED")),
    ("STOP 12", Text("STOP 12")),
    ("STOP!", Reserved("STOP")),
    ("ＳＴＯＰ", Text("ＳＴＯＰ")),  # Twilio does not fold it: not an opt-out it applied
    # --- resolving, status ------------------------------------------------------------------
    ("RESOLVE 12.", Resolve(12)),
    ("resolve #3!", Resolve(3)),
    ("Resolve: 3, all clear", Resolve(3)),
    ("RESOLVE３", Resolve(3)),
    ("resolve\n#3.", Resolve(3)),
    ("RESOLVE the last one", Text("RESOLVE the last one")),
    ("RESOLVED 3", Text("RESOLVED 3")),
    ("RESOLVE 7", Resolve(7)),
    ("resolve #7", Resolve(7)),
    ("RESOLVE7", Resolve(7)),
    ("resolve", Resolve(None)),
    ("RESOLVE it now", Text("RESOLVE it now")),
    ("STATUS", Status()),
    ("status", Status()),
    ("status please", Text("status please")),
    # --- Twilio's words: recorded, never commands ----------------------------------------------
    ("STOP", Reserved("STOP")),
    ("stop", Reserved("STOP")),
    ("Stop.", Reserved("STOP")),
    ("STOP\n", Reserved("STOP")),
    ("HELP", Reserved("HELP")),
    ("START", Reserved("START")),
    ("unstop", Reserved("UNSTOP")),
    ("CANCEL", Reserved("CANCEL")),
    ("QUIT", Reserved("QUIT")),
    ("YES", Reserved("YES")),
    ("STOP sending these", Text("STOP sending these")),
    ("help me please", Text("help me please")),
    # --- anything else ---------------------------------------------------------------------
    ("", Text("")),
    ("   ", Text("")),
    ("hello", Text("hello")),
    ("they left the building", Text("they left the building")),
    # --- the team bridge (issue 13) --------------------------------------------------------
    ("BRIDGE 12", Bridge(12)),
    ("bridge #12.", Bridge(12)),
    ("Bridge 12 with reporter", Bridge(12, with_reporter=True)),
    ("BRIDGE 12 + reporter!", Bridge(12, with_reporter=True)),
    ("BRIDGE 12 con reportero", Bridge(12, with_reporter=True)),
    ("BRIDGE 12 now please", Bridge(12)),
    ("BRIDGE", Bridge(None)),
    ("bridge the gap", Text("bridge the gap")),
    ("BRIDGE 1234567890", Text("BRIDGE 1234567890")),
]


@pytest.mark.parametrize(("body", "expected"), CASES, ids=[repr(c[0]) for c in CASES])
def test_parse_sms(body: str, expected: Command) -> None:
    assert parse_sms(CONFIG, body) == expected


TAKE = [
    # (text after the command word, number, rest): the parser NOTE/BRIDGE will reuse
    ("", None, ""),
    ("  ", None, ""),
    ("!", None, ""),
    ("12", 12, ""),
    ("#12, agents left by the east door", 12, "agents left by the east door"),
    ("no. 12 on my way", 12, "on my way"),
    (": 12. ok", 12, "ok"),
    ("１２ ｏｋ", 12, "ok"),
    ("(12)", 12, ""),
]


@pytest.mark.parametrize(("text", "number", "rest"), TAKE, ids=[repr(c[0]) for c in TAKE])
def test_take_number_reads_the_number_and_keeps_the_rest(text: str, number: int | None,
                                                         rest: str) -> None:
    assert take_number(text) == NumberArg(number, rest)


@pytest.mark.parametrize("text", ["the second one", "-1", "12.5", "1234567890", "twelve",
                                  "no way", "1e3", "12th"])
def test_take_number_refuses_what_is_not_an_incident_number(text: str) -> None:
    assert take_number(text) is None


def test_opt_out_words_are_reserved() -> None:
    assert OPT_OUT_WORDS <= RESERVED_WORDS
    assert {"STOP", "START", "HELP", "CANCEL", "END", "QUIT", "YES"} <= RESERVED_WORDS


def test_no_sample_keyword_is_reserved_or_a_command() -> None:
    for trigger in CONFIG.triggers:
        assert trigger.keyword is not None
        assert trigger.keyword.upper() not in RESERVED_WORDS | {"ACK", "RESOLVE", "STATUS"}


@pytest.mark.parametrize("school", sorted(CONFIG.schools))
def test_every_sample_school_is_found_by_id_code_and_name(school: str) -> None:
    s = CONFIG.schools[school]
    for name in (s.id, s.code, s.name, s.name.upper()):
        assert parse_sms(CONFIG, f"ICE {name} front office") == Open(ICE, s, "front office")


def test_trigger_keyword_lookup_is_case_insensitive() -> None:
    assert CONFIG.trigger_for_keyword("ice") == ICE
    assert CONFIG.trigger_for_keyword("Drill") == DRILL
    assert CONFIG.trigger_for_keyword("ACK") is None


@pytest.mark.parametrize(("body", "expected"), [
    ("NOTE 12 agents left at 9:40", Note(12, "agents left at 9:40")),
    ("note #12: agents left", Note(12, "agents left")),
    ("Note 12. Parent picked up the student", Note(12, "Parent picked up the student")),
    ("NOTE12 left", Note(12, "left")),
    ("NOTE no. 12 gone", Note(12, "gone")),
    ("NOTE 12", Note(12, "")),  # no words: the receiver says how
    ("NOTE", Note(None, "")),  # no number: the receiver says how
    ("Note the agents left", Text("Note the agents left")),  # a reporter's words
    ("NOTE 12.5 agents", Text("NOTE 12.5 agents")),
])
def test_note_takes_a_number_and_the_words_after_it(body: str, expected: Command) -> None:
    assert parse_sms(CONFIG, body) == expected


def test_named_number_is_the_number_a_person_chose() -> None:
    """The receiver answers a number nobody may know of as a missing one; these are the
    numbers people type or key in (a Slack thread's or a call's number was shown)."""
    from alertbot.core import commands as c

    text = c.Text("")
    chosen: list[tuple[c.Command, int | None]] = [
        (c.Ack(7), 7), (c.Ack(None), None), (c.Resolve(7), 7), (c.Note(7, "x"), 7),
        (c.Bridge(7), 7), (c.PageNow(7, "deputy"), 7), (c.MessageReporter(7, "hi"), 7),
        (c.CallEvent(7, "dialin", "CA1"), 7), (c.CallEvent(7, "join", "CA1"), None),
        (c.Update(7, "x"), None), (c.Status(), None),
        (c.Attach((), "MM1", text, "7 the paper"), 7), (c.Attach((), "MM1", text, "hi"), None),
        (c.Attach((), "MM1", c.Ack(7), "ACK 7"), None),  # the ACK itself is checked
    ]
    for command, number in chosen:
        assert c.named_number(command) == number, command


# --- Spanish command words (decision 0047) ---------------------------------------------

SPANISH_CASES: list[tuple[str, object]] = [
    ("NOTA 12 los agentes se fueron", Note(12, "los agentes se fueron")),
    ("nota #12: se fueron", Note(12, "se fueron")),
    ("Nota12 se fueron", Note(12, "se fueron")),
    ("NOTA", Note(None, "")),
    ("Nota: los agentes se fueron", Text("Nota: los agentes se fueron")),  # an update
    ("ESTADO", Status()), ("estado", Status()), ("Estado.", Status()), ("ÉSTADO", Status()),
    ("Estado de la puerta: cerrada", Text("Estado de la puerta: cerrada")),
    ("AUSENTE", Away("")), ("ausente 3d", Away("3d")), ("Ausente 3 días", Away("3 días")),
    ("ausente hasta el viernes", Away("hasta el viernes")),
    ("Ausente el director", Text("Ausente el director")),  # a reporter's words
    ("DE VUELTA", Back()), ("de vuelta", Back()), ("De vuelta.", Back()),
    ("REGRESO", Back()), ("regresé", Back()), ("REGRESE", Back()), ("Volví", Back()),
    ("ya regresé", Back()), ("Estoy de vuelta!", Back()),
    ("Regreso a la oficina a las 3", Text("Regreso a la oficina a las 3")),
    ("de vuelta en la entrada hay 2 agentes", Text("de vuelta en la entrada hay 2 agentes")),
]


@pytest.mark.parametrize(("body", "expected"), SPANISH_CASES,
                         ids=[repr(c[0]) for c in SPANISH_CASES])
def test_spanish_command_words(body: str, expected: Command) -> None:
    assert parse_sms(CONFIG, body) == expected


def test_spanish_words_are_no_twilio_word_nor_a_report_keyword() -> None:
    """Twilio acts on its English words by default and on whatever a district adds with
    Advanced Opt-Out (Spanish: PARAR, CANCELAR, AYUDA…): no command word may be one."""
    from alertbot.core.commands import COMMAND_WORDS
    from alertbot.core.spanish import SPANISH, SPANISH_OPT_WORDS, plain

    for word in (*SPANISH, "DE", "VUELTA", "YA", "ESTOY"):
        assert word not in RESERVED_WORDS | SPANISH_OPT_WORDS, word
        assert plain(word) == word
    assert set(SPANISH) <= COMMAND_WORDS
    for trigger in CONFIG.triggers:
        assert trigger.keyword is not None
        assert plain(trigger.keyword) not in COMMAND_WORDS | RESERVED_WORDS
