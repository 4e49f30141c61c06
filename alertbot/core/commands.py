"""Commands: what an inbound text, call or Slack action asks for, and the SMS grammar.

Grammar (first word case-insensitive):

    <KEYWORD> [school] [details]   open an incident (school: id, code or name)
    ACK [n] [words]                acknowledge incident n (or the one paging you)
    RESOLVE [n] [words]            close incident n
    NOTE <n> <words>               add a note to incident n's timeline (not forwarded)
    BRIDGE n [with reporter]       call everyone who acknowledged n into one conference
    STATUS                         list open incidents
    AWAY [when]                    not paged while others can be (core/availability.py)
    BACK                           paged again
    anything else                  an update (from a reporter) or a helpful reply

Spanish words for the same commands (``SPANISH``; any case, with or without accents):
``NOTA <n> <texto>`` = NOTE, ``ESTADO`` = STATUS, ``AUSENTE [cuándo]`` = AWAY,
``DE VUELTA`` / ``REGRESÉ`` / ``REGRESO`` / ``VOLVÍ`` = BACK (decision 0047). ACK,
RESOLVE and BRIDGE keep one word in both languages: they are printed in every page.

A number argument is read by ``take_number`` (one parser for every numbered command):
``ACK 12.``, ``ack #12``, ``ACK: 12``, ``ack no. 12``, ``ACK12!``, ``ACK １２`` and
``ACK 12 on my way`` all mean 12; ``ACK the second one``, ``ACK 12.5`` and a number of
more than 9 digits are not commands (decision 0015).

Twilio's reserved words (STOP, START, HELP, …) are never commands: Twilio acts on
them itself; we only record them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from alertbot.core.availability import reads_as_when
from alertbot.core.model import Config, School, Trigger
from alertbot.core.spanish import BACK_PHRASES, SPANISH, plain

RESERVED_WORDS = frozenset(
    {"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "START", "YES", "UNSTOP",
     "HELP", "INFO", "REVOKE", "OPTOUT", "OPTIN"}
)
OPT_OUT_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT",
                           "REVOKE", "OPTOUT"})


@dataclass(frozen=True)
class Open:
    trigger: Trigger
    school: School | None
    details: str


@dataclass(frozen=True)
class Intake:
    """Someone reached an intake that asks them what to report (the phone tree's first
    step): the receiver refuses a sender who may not report, before any question."""


@dataclass(frozen=True)
class Ack:
    number: int | None


@dataclass(frozen=True)
class Resolve:
    number: int | None


@dataclass(frozen=True)
class Note:
    """A responder's note on incident ``number`` (None: the number was left out), its
    words in ``text`` ("" when none were given)."""

    number: int | None
    text: str


@dataclass(frozen=True)
class Status:
    pass


@dataclass(frozen=True)
class Away:
    """``AWAY [when]``: ``spec`` is what follows, read by ``availability.read_away``.
    AWAY and BACK are not Twilio reserved words (support.twilio.com, "Twilio support
    for opt-out keywords": STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT, START, YES,
    UNSTOP, HELP, INFO; also REVOKE, OPTOUT, OPTIN)."""

    spec: str


@dataclass(frozen=True)
class Back:
    pass


@dataclass(frozen=True)
class Reserved:
    word: str


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Update:
    """An addition to a known incident (a call's recording, a Slack thread reply…)."""

    number: int
    text: str


@dataclass(frozen=True)
class Bridge:
    """Call the responders who acknowledged incident ``number`` (and the reporter when
    ``with_reporter``) into the incident's conference (issue 13)."""

    number: int | None
    with_reporter: bool = False


@dataclass(frozen=True)
class CallEvent:
    """Something happened on a phone leg of incident ``number`` (issue 13): Twilio's
    call or conference status callback, or a step of the phone tree. ``event``: wait
    (the caller waits on the line), join, leave, end (the conference), timeout (nobody
    joined in time), dial (a responder calls the reporter), dialin, or a call status
    (answered, completed, no-answer, busy, failed, canceled); ``sid``: the leg's CallSid;
    ``seconds``: the call's duration when Twilio gives one."""

    number: int
    event: str
    sid: str
    seconds: int | None = None


@dataclass(frozen=True)
class Media:
    """One file of an MMS: Twilio's ``MediaUrlN`` and the ``MediaContentTypeN`` it
    declared (the file's own bytes decide its type later, engine/documents.py)."""

    url: str
    content_type: str


@dataclass(frozen=True)
class Attach:
    """A text that came with files (MMS, issue 12): ``media`` in order, ``key`` the
    provider's message id (one document per key and index), ``body`` what the words
    alone ask for (``parse_sms``) and ``text`` the words as sent."""

    media: tuple[Media, ...]
    key: str
    body: Command
    text: str


@dataclass(frozen=True)
class PageNow:
    """The console: page ``target`` (a contact id or a role) for incident ``number`` now,
    outside the escalation's steps (issue 11)."""

    number: int
    target: str


@dataclass(frozen=True)
class MessageReporter:
    """The console: text ``text`` to the reporter of incident ``number`` from the
    district number, as typed by a designee (issue 11)."""

    number: int
    text: str


Command = (Open | Intake | Ack | Resolve | Note | Status | Away | Back | Reserved | Text
           | Update | Bridge | CallEvent | Attach | PageNow | MessageReporter)

def named_number(command: Command) -> int | None:
    """The incident number a person typed or keyed in for ``command`` (ACK 12, RESOLVE 12,
    NOTE 12, BRIDGE 12, a photo sent with "12", a dial-in's digits, the console's
    actions), else None. Not counted: a number the sender did not choose but was shown
    (a Slack thread's incident, a call's recording, a call's status callbacks)."""
    match command:
        case Ack() | Resolve() | Note() | Bridge() | PageNow() | MessageReporter():
            return command.number
        case CallEvent(event="dialin"):
            return command.number
        case Attach(body=Text()):
            arg = take_number(command.text.strip()) if command.text.strip() else None
            return arg.number if arg is not None else None
    return None


# --- the incident number of ACK, RESOLVE (and later NOTE, BRIDGE) ---------------------

# Words people put before the number: "ack no. 12", "ACK incident #12", "ack num 12".
NUMBER_WORDS = frozenset({"NO", "NO.", "Nº", "N°", "NUM", "NUM.", "NUMBER", "NR", "NR.",
                          "INCIDENT", "INCIDENTE", "NUMERO", "NÚMERO", "NÚM", "NÚM.", "#"})
# Characters a thumb puts around a number: "#12", "(12)", "*12*", "12.", "12!", "12,".
_LEADING = "#(['\"*_~`:"
MAX_DIGITS = 9  # longer is not an incident number (a phone number, a code): not a command


@dataclass(frozen=True)
class NumberArg:
    """The outcome of reading a number argument: ``number`` (None if absent) and the
    words after it (``rest``), e.g. a NOTE's text."""

    number: int | None
    rest: str = ""


def whole_number(text: str | None) -> int | None:
    """A number carried by a machine, not typed by a person: keypad digits, a query
    value, a URL's incident id, a Slack button's value. 1 to ``MAX_DIGITS`` ASCII digits
    (one leading ``#`` allowed), else None.

    Whatever reached a webhook must not become an int the database cannot hold
    (``"9" * 400``: OverflowError in SQLite) nor a ValueError (``"²"``).
    """
    core = (text or "").removeprefix("#")
    if not core or len(core) > MAX_DIGITS or not (core.isascii() and core.isdigit()):
        return None
    return int(core)


def _strip_trailing(token: str) -> str:
    """``token`` without trailing punctuation or symbols (``12.`` ``12!)`` ``12,``)."""
    end = len(token)
    while end and unicodedata.category(token[end - 1])[0] in "PS":
        end -= 1
    return token[:end]


def _as_number(token: str) -> int | None:
    """``token`` as an incident number (1 to 9 decimal digits), else None."""
    core = _strip_trailing(token.lstrip(_LEADING))
    if not core or len(core) > MAX_DIGITS or not core.isdecimal():
        return None
    return int(core)  # int() reads any Unicode decimal digits (fullwidth folded earlier)


def take_number(text: str) -> NumberArg | None:
    """Read the incident number at the start of ``text`` (what follows a command word).

    Returns ``NumberArg(None)`` when ``text`` is blank, ``NumberArg(n, rest)`` when it
    starts with a number, and None when it starts with anything else (the message is
    then not this command). Punctuation around the number, a ``#``, one introducing word
    (``no.``, ``number``, ``incident``, ``número``…) and fullwidth digits do not matter;
    the words after the number are returned in ``rest``. Rejected: a sign
    (``-1``), a decimal (``12.5``), more than ``MAX_DIGITS`` digits, a number written in
    words ("the second one").
    """
    words = unicodedata.normalize("NFKC", text).split()
    if all(not _strip_trailing(w.lstrip(_LEADING)) for w in words):
        return NumberArg(None)  # nothing, or only punctuation: "ACK !"
    while not _strip_trailing(words[0].lstrip(_LEADING)):  # "ACK: 12", "ACK - 12"
        words = words[1:]
    first = words[0]
    if first.upper() in NUMBER_WORDS and len(words) > 1:
        words = words[1:]
        if words[0] == "#" and len(words) > 1:  # "ack no. # 12"
            words = words[1:]
        first = words[0]
    number = _as_number(first)
    if number is None:
        return None
    return NumberArg(number, " ".join(words[1:]))


def split_school(config: Config, rest: str) -> tuple[School | None, str]:
    """A school named at the start of ``rest`` (id, code or full name) and the remainder."""
    words = rest.split()
    # Longest prefix first so "Burns Latino Studies Academy two agents" finds the name.
    # Trailing punctuation is not part of the name: "ICE Riverside High School, gym".
    for n in range(len(words), 0, -1):
        school = config.find_school(" ".join(words[:n]).rstrip(".,;:!?"))
        if school is not None:
            return school, " ".join(words[n:])
    return None, rest.strip()


# Every word that is a command (English and Spanish): no report keyword may be one.
COMMAND_WORDS = frozenset({"ACK", "ACKNOWLEDGE", "RESOLVE", "STATUS", "NOTE", "AWAY",
                           "BACK", "BRIDGE", *SPANISH})


# Commands that take an incident number: first word -> command. NOTE and BRIDGE will be
# added here (their ``rest`` is the note's text / ignored).
NUMBERED: dict[str, type[Ack] | type[Resolve]] = {
    "ACK": Ack,
    "ACKNOWLEDGE": Ack,  # the word on the Slack button; "ACKED"/"RESOLVED" are not aliases
    "RESOLVE": Resolve,
}
_GLUED = re.compile(r"(ACKNOWLEDGE|ACK|RESOLVE|NOTE|NOTA)([^A-Z].*)")


def command_word(first: str) -> str:
    """The first word as a command word: NFKC-folded (fullwidth letters), upper case,
    without trailing punctuation ("Ack." "STOP!" "ACK:")."""
    return _strip_trailing(unicodedata.normalize("NFKC", first).strip().upper())


# What may follow AWAY for the text to be the command: nothing, a number ("3d", "12/24"),
# a word that starts a date ("until friday"), or words that read as an end ("friday",
# "tomorrow", "mañana", "for 3 days": ``availability.reads_as_when``). Anything else
# ("Away from the door") is a reporter's words: an update must never be lost to a command.
_AWAY_STARTS = frozenset({"UNTIL", "TILL", "TIL", "HASTA", "TO"})


def _away_spec(rest: str) -> bool:
    words = rest.split()
    return (not words or words[0][0].isdigit() or words[0].upper() in _AWAY_STARTS
            or reads_as_when(rest))


def parse_sms(config: Config, body: str) -> Command:
    """The command a text (or a Slack DM) asks for. See the module grammar."""
    text = body.strip()
    if not text:
        return Text("")
    # Any blank ends the first word: phones put a newline after it as easily as a space.
    first, rest = [*text.split(None, 1), ""][:2]
    word = command_word(first)
    # "ACK12", "ACK#12!" and "ACK:12" are common thumb-typos of "ACK 12".
    glued = _GLUED.fullmatch(unicodedata.normalize("NFKC", first).upper())
    if glued:
        word, rest = glued.group(1), f"{glued.group(2)} {rest}"
    # Twilio matches its reserved words as typed (no fullwidth folding): so do we, or an
    # opt-out Twilio never applied would be reported to the admins.
    reserved = _strip_trailing(first.strip().upper())
    if reserved in RESERVED_WORDS and not rest.strip():
        return Reserved(reserved)
    trigger = config.trigger_for_keyword(word)
    if trigger is not None:
        school, details = split_school(config, rest)
        return Open(trigger, school, details)
    if plain(" ".join(text.split())).rstrip(".!") in BACK_PHRASES:
        return Back()  # "De vuelta", "ya regresé"
    word = SPANISH.get(plain(word), word)
    if word == "NOTE":
        # "NOTE 12 agents left at 9:40"; "Note the agents left" is a reporter's update.
        arg = take_number(rest)
        if arg is None:
            return Text(text)
        return Note(arg.number, arg.rest.strip())
    if word in NUMBERED:
        arg = take_number(rest)
        if arg is None:
            return Text(text)
        return NUMBERED[word](arg.number)
    if word == "STATUS" and not rest.strip():
        return Status()
    if word == "BRIDGE":
        return _bridge(text, rest)
    if word == "AWAY" and _away_spec(rest):
        return Away(rest.strip())
    if word == "BACK" and not rest.strip():
        return Back()
    return Text(text)


# Words after ``BRIDGE 12`` that ask for the reporter too: "with reporter", "+ reporter",
# "con reportero" (issue 13); anything else after the number is ignored.
REPORTER_WORDS = frozenset({"REPORTER", "REPORTERO", "REPORTERA", "PRINCIPAL", "CALLER"})


def _bridge(text: str, rest: str) -> Command:
    arg = take_number(rest)
    if arg is None:
        return Text(text)
    words = {_strip_trailing(w.upper()) for w in arg.rest.split()}
    return Bridge(arg.number, with_reporter=bool(words & REPORTER_WORDS))
