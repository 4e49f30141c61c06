"""Commands: what an inbound text, call or Slack action asks for, and the SMS grammar.

Grammar (first word case-insensitive):

    <KEYWORD> [school] [details]   open an incident (school: id, code or name)
    ACK [n]                        acknowledge incident n (or the one paging you)
    RESOLVE [n]                    close incident n
    STATUS                         list open incidents
    anything else                  an update (from a reporter) or a helpful reply

Twilio's reserved words (STOP, START, HELP, …) are never commands: Twilio acts on
them itself; we only record them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from alertbot.domain.model import Config, School, Trigger

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
class Ack:
    number: int | None


@dataclass(frozen=True)
class Resolve:
    number: int | None


@dataclass(frozen=True)
class Status:
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


Command = Open | Ack | Resolve | Status | Reserved | Text | Update

_NUMBER = re.compile(r"#?(\d{1,9})")


def _number(rest: str) -> int | str | None:
    """The incident number in ``rest``; None if absent; the text itself if malformed."""
    rest = rest.strip()
    if not rest:
        return None
    match = _NUMBER.fullmatch(rest.split()[0])
    return int(match.group(1)) if match else rest


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


def parse_sms(config: Config, body: str) -> Command:
    text = body.strip()
    if not text:
        return Text("")
    # Any blank ends the first word: phones put a newline after it as easily as a space.
    first, rest = [*text.split(None, 1), ""][:2]
    word = first.strip().upper().rstrip(".!,:")
    # "ACK12" and "ACK#12" are common thumb-typos of "ACK 12".
    glued = re.fullmatch(r"(ACK|RESOLVE)#?(\d{1,9})", word)
    if glued:
        word, rest = glued.group(1), glued.group(2)
    if word in RESERVED_WORDS and not rest.strip():
        return Reserved(word)
    trigger = config.trigger_for_keyword(word)
    if trigger is not None:
        school, details = split_school(config, rest)
        return Open(trigger, school, details)
    if word in ("ACK", "RESOLVE"):
        number = _number(rest)
        if isinstance(number, str):
            return Text(text)
        return Ack(number) if word == "ACK" else Resolve(number)
    if word == "STATUS" and not rest.strip():
        return Status()
    return Text(text)
