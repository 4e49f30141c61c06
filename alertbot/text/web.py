"""A reply as plain words for a web page (the sandbox form, the console): the written
templates with nothing folded, cut or escaped; every listed incident shown. The page
sets it as text (``textContent``), never as HTML. Pure."""

from __future__ import annotations

from alertbot.text.reply import Reply
from alertbot.text.written import PLAIN, compose


def render_web(reply: Reply, language: str | None = None) -> str:
    """``reply`` in plain words in ``language`` (default: the reply's); "" for nothing."""
    return compose(reply, PLAIN, language)
