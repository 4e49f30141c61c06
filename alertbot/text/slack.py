"""A reply as a Slack message: ``(text, blocks)``, user data inert wherever it lands.

Our words come from the written templates (``domain.messages``) with ``&<>`` escaped;
a receipt and a refusal of a stranger have Slack's own words (``domain.slack_text``:
the receipt bolds its head, quotes the guidance and says how to add updates in Slack).
User data (names, schools, stored words) is escaped and its mrkdwn markers shown as
look-alikes (``escape_inline``), so ``<!channel>`` or ``*`` in a name does nothing.
``text`` is the notification text: escaped too, and at most ``FALLBACK_TEXT``
characters. Blocks are within Block Kit's limits (``fit_blocks``). Pure.
"""

from __future__ import annotations

from alertbot.text.drill import MARK
from alertbot.text.reply import RECEIPTS, Reply, ReplyKey
from alertbot.text.slack_text import (
    FALLBACK_TEXT,
    SECTION_TEXT,
    Block,
    clip,
    escape,
    escape_inline,
    fit_blocks,
    mrkdwn_section,
    stranger_text,
    t,
)
from alertbot.text.written import Medium, compose, localized, receipt_tail

MORE_ROOM = 60  # characters kept free in a section for "+N more: see the console"


def _fitted_lines(lines: list[str], language: str) -> str:
    """As many whole STATUS lines as fit one section, then "+N more: see the console"."""
    kept: list[str] = []
    used = 0
    for line in lines:
        if used + len(line) + 1 > SECTION_TEXT - MORE_ROOM:
            break
        kept.append(line)
        used += len(line) + 1
    rest = len(lines) - len(kept)
    return "\n".join(kept + ([t("more", language, count=rest)] if rest else []))


SLACK = Medium(words=escape, user=escape_inline, lines=_fitted_lines)


def render_slack(reply: Reply, language: str | None = None) -> tuple[str, list[Block]]:
    """``reply`` as (notification text, Block Kit blocks) in ``language`` (default: the
    reply's); ("", []) when there is nothing to say."""
    lang = language or reply.language
    if reply.key is ReplyKey.NONE:
        return "", []
    if reply.key in RECEIPTS:
        return _receipt(reply, lang)
    if reply.key is ReplyKey.UNKNOWN_SENDER:
        body = escape(stranger_text(lang, str(reply.values["fallback"]) or None))
    elif reply.key is ReplyKey.UNKNOWN_SENDER_NOFALLBACK:
        body = escape(stranger_text(lang, None))
    else:
        body = compose(reply, SLACK, lang)
    return clip(body, FALLBACK_TEXT), fit_blocks([mrkdwn_section(body)], lang)


def _receipt(reply: Reply, language: str) -> tuple[str, list[Block]]:
    """The receipt: its head in bold (with the school), the guidance quoted, and how to
    add updates (or, with no school yet, which school)."""
    values = reply.values
    school = values.get("school")
    where = f" ({escape_inline(str(school))})" if school else ""
    name = escape_inline(str(values.get("name") or ""))
    mark = (MARK.get(language) or MARK["en"]) if reply.drill else ""  # issue 14
    head = mark + t(str(reply.key), language, n=int(values["n"]), school=where, name=name)
    guidance = escape(localized(values["guidance"], language)[0])
    if school is None:
        tail = receipt_tail(reply, SLACK, language).strip()
    else:
        tail = t("receipt_updates", language)
    blocks = fit_blocks([
        mrkdwn_section(head),
        mrkdwn_section("> " + guidance),
        {"type": "context", "elements": [{"type": "mrkdwn", "text": tail}]},
    ], language)
    plain = mark + t(str(reply.key), language, n=int(values["n"]), school="", name=name)
    return clip(plain.replace("*", "") + " " + guidance, FALLBACK_TEXT), blocks
