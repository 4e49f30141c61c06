"""A reply as one SMS: the written words, folded to GSM-7 and fitted to one message.

Lists (the incidents to choose from, STATUS) keep whole items and end "+N more: see the
console" (``fit_sms_items``, ``fit_sms_lines``); the result always satisfies
``messages.sms_fits`` (at most 1,600 UTF-16 units and ``SMS_MAX_SEGMENTS``). Pure.
"""

from __future__ import annotations

from typing import Any

from alertbot.text.messages import fit_sms, fit_sms_items, fit_sms_lines
from alertbot.text.reply import Reply, ReplyKey
from alertbot.text.written import Medium, compose


def _fitted_numbers(key: ReplyKey, language: str, items: list[str],
                    values: dict[str, Any]) -> str:
    return fit_sms_items(str(key), language, "numbers", items, **values)


SMS = Medium(numbers=_fitted_numbers, lines=lambda lines, language: fit_sms_lines(lines,
                                                                                  language))


def render_sms(reply: Reply, language: str | None = None) -> str:
    """``reply`` as the body of one SMS in ``language`` (default: the reply's); "" when
    there is nothing to say (``ReplyKey.NONE``: no ``<Message>`` is sent)."""
    text = compose(reply, SMS, language)
    return fit_sms(text) if text else ""
