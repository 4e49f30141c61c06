"""The written words of a reply (SMS, Slack, web): one table per language,
``domain.messages.TEMPLATES``, filled in the way each text medium needs.

A medium says how it treats our own words (``words``: Slack escapes ``&<>``), user data
(``user``: a name or school; Slack also neutralises mrkdwn markers), a list of incident
numbers to choose from (``numbers``: SMS lists what fits one message) and the lines of
STATUS (``lines``). Pure; raises ``KeyError`` for a template no table has.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from alertbot.text.drill import MARK
from alertbot.text.messages import TEMPLATES
from alertbot.text.reply import RECEIPTS, WHICH, Reply, ReplyKey

HELP_FALLBACK_KEYWORD = "ICE"  # the help text's example when no trigger has a keyword


def _same(text: str) -> str:
    return text


def template(key: str, language: str) -> str:
    """The written template ``key`` in ``language``, else in English."""
    table = TEMPLATES.get(language) or TEMPLATES["en"]
    return table.get(key) or TEMPLATES["en"][key]


def localized(value: object, language: str) -> tuple[str, str]:
    """(text, its language) of a value that may be per language (``{"en": …, "es": …}``:
    the reply's language, else English, else any); a plain value is in ``language``."""
    if isinstance(value, Mapping):
        for lang in (language, "en", *value.keys()):
            if value.get(lang):
                return str(value[lang]), str(lang)
        return "", language
    return ("" if value is None else str(value)), language


def ids_of(values: Mapping[str, Any]) -> list[int]:
    return [int(i) for i in values.get("ids") or []]


def keywords_of(values: Mapping[str, Any]) -> list[str]:
    return [str(k) for k in values.get("keywords") or []]


Numbers = Callable[[ReplyKey, str, list[str], dict[str, Any]], str]
Lines = Callable[[list[str], str], str]


def _all_numbers(_key: ReplyKey, _language: str, items: list[str],
                 _values: dict[str, Any]) -> str:
    return ", ".join(items)


def _all_lines(lines: list[str], _language: str) -> str:
    return "\n".join(lines)


@dataclass(frozen=True)
class Medium:
    """How one text medium fills the written templates (see the module docstring)."""

    words: Callable[[str], str] = _same
    user: Callable[[str], str] = _same
    numbers: Numbers = _all_numbers
    lines: Lines = _all_lines

    def fill(self, key: str, language: str, **values: Any) -> str:
        """Template ``key`` with our words through ``words``; ``values`` as given."""
        return self.words(template(key, language)).format(**values)


PLAIN = Medium()


def status_lines(medium: Medium, incidents: Sequence[Mapping[str, Any]],
                 language: str) -> list[str]:
    """One line per open incident: "#12 Burns Academy: ack Dana" (or NOT acknowledged);
    a drill's line starts "DRILL: " so it is never taken for the real one."""
    out = []
    for item in incidents:
        acked = item.get("acked_by")
        who = (medium.fill("status_acked", language, name=medium.user(str(acked))) if acked
               else medium.fill("status_unacked", language))
        school = item.get("school")
        where = medium.user(str(school)) if school else medium.fill("no_school", language)
        mark = MARK.get(language, MARK["en"]) if item.get("drill") else ""
        out.append(mark + medium.fill("status_line", language, n=int(item["n"]),
                                      school=where, who=who))
    return out


def receipt_tail(reply: Reply, medium: Medium, language: str) -> str:
    """What follows a receipt: ask for the school when it has none, else the reminder
    to text updates without student names."""
    key = "receipt_ask_school" if reply.values.get("school") is None else "receipt_tail"
    return medium.fill(key, language)


def compose(reply: Reply, medium: Medium, language: str | None = None) -> str:
    """The reply in written words for ``medium``; "" for ``NONE``. Not fitted or folded.
    A reply about a drill starts with the DRILL mark (``text.drill``, issue 14)."""
    text = _compose(reply, medium, language)
    if text and reply.drill and "DRILL" not in text:
        text = (MARK.get(language or reply.language) or MARK["en"]) + text
    return text


def _compose(reply: Reply, medium: Medium, language: str | None = None) -> str:
    lang = language or reply.language
    values = dict(reply.values)
    key = reply.key
    if key is ReplyKey.NONE:
        return ""
    if key is ReplyKey.VERBATIM:
        return medium.user(str(values["text"]))
    for name in ("name", "school"):
        if name in values:
            values[name] = medium.user(str(values[name] or ""))
    if "names" in values:  # people's names, a list (each escaped as user data)
        values["names"] = ", ".join(medium.user(str(v)) for v in values["names"] or [])
    if key in RECEIPTS:
        values["guidance"] = medium.words(localized(values["guidance"], lang)[0])  # config
        return medium.fill(key, lang, **values) + receipt_tail(reply, medium, lang)
    if key in WHICH:
        items = [f"#{i}" for i in ids_of(values)]
        values.pop("numbers", None)  # a list rendered for SMS by older code
        values["numbers"] = medium.numbers(key, lang, items, values)
    elif key is ReplyKey.STATUS:
        return medium.lines(status_lines(medium, values["incidents"], lang), lang)
    elif key is ReplyKey.HELP:
        keywords = keywords_of(values)
        first = keywords[0] if keywords else HELP_FALLBACK_KEYWORD
        values["keywords"] = medium.user("/".join(keywords) or first)
        values["example"] = medium.fill("help_example", lang, keyword=medium.user(first))
    return medium.fill(key, lang, **values)
