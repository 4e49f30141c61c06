"""Jinja2 rendering for the console: one environment, autoescape on, the console's
words (``text/console.py``) and times in the district's time zone.

Times are shown with their date ("Nov 30 08:14", "today 08:14") in
``Config.timezone``; durations in whole minutes ("12 min", "1 h 5 min").
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from markupsafe import Markup

from alertbot.text.console import language_of, say

MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
           "Dec"),
    "es": ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov",
           "dic"),
}


@functools.cache
def environment() -> jinja2.Environment:
    """The console's templates (package ``alertbot.web``, folder ``templates``), HTML
    autoescaped, undefined names an error (a typo fails a test, not a page silently)."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("alertbot.web", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
        lstrip_blocks=True)


def duration(seconds: float, language: str) -> str:
    """``45 s``, ``12 min``, ``1 h 5 min``, ``2 d 3 h`` (never negative)."""
    s = max(0, int(seconds))
    if s < 60:
        return say(language, "ago_s", n=s)
    if s < 3600:
        return say(language, "ago_m", n=s // 60)
    if s < 86400:
        return say(language, "ago_h", h=s // 3600, m=(s % 3600) // 60)
    return say(language, "ago_d", d=s // 86400, h=(s % 86400) // 3600)


def when(epoch: float | None, now: float, timezone: str, language: str) -> str:
    """``today 08:14`` or ``Nov 29 23:50`` (es: ``29 nov 23:50``) in ``timezone``; "" for
    None."""
    if epoch is None:
        return ""
    zone = ZoneInfo(timezone)
    at = datetime.fromtimestamp(epoch, zone)
    time = at.strftime("%H:%M")
    if at.date() == datetime.fromtimestamp(now, zone).date():
        date = say(language, "today")
    else:
        month = MONTHS[language_of(language)][at.month - 1]
        date = f"{at.day} {month}" if language_of(language) == "es" else f"{month} {at.day}"
    return say(language, "at_time", date=date, time=time)


def iso_local(epoch: float | None, timezone: str) -> str:
    """ISO 8601 with the district's UTC offset (a ``<time datetime>`` value)."""
    if epoch is None:
        return ""
    return datetime.fromtimestamp(epoch, ZoneInfo(timezone)).isoformat(timespec="seconds")


def helpers(language: str, now: float, timezone: str) -> dict[str, Callable[..., Any]]:
    """What every template may call: ``t(key, **values)``, ``when(epoch)``,
    ``ago(epoch)`` (the duration since), ``until(epoch)``, ``iso(epoch)``."""
    lang = language_of(language)
    return {
        "t": lambda key, **values: say(lang, key, **values),
        "when": lambda epoch: when(epoch, now, timezone, lang),
        "ago": lambda epoch: duration(now - epoch, lang),
        "until": lambda epoch: (say(lang, "in", duration=duration(epoch - now, lang))
                                if epoch > now else say(lang, "now")),
        "iso": lambda epoch: iso_local(epoch, timezone),
    }


def render(template: str, language: str, now: float, timezone: str,
           **context: Any) -> Markup:
    """``template`` rendered with ``context`` and the helpers for ``language``."""
    page = environment().get_template(template)
    return Markup(page.render(lang=language_of(language),
                              **helpers(language, now, timezone), **context))
