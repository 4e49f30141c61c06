"""Rendering issue 12's console sections: one Jinja2 environment (autoescape on, undefined
names an error; templates in alertbot/web/templates/issue12/), the sections' words
(text/procedure_ui.py) and times in the district's time zone.

No inline script or style (the console's strict CSP): plain forms that post to the
routes of web/procedure_api.py with the session's ``csrf_token``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from markupsafe import Markup

from alertbot.core import encounter, procedure, records_requests
from alertbot.service.procedure import DOCUMENT_ID_MAX
from alertbot.text.procedure_ui import ui

if TYPE_CHECKING:
    import jinja2

# The longest text each form field takes, in characters: the same numbers the server
# checks (a longer post is refused whole and shown back, never cut), shown beside the field.
LIMITS = {"note": procedure.NOTE_MAX, "encounter": encounter.TEXT_MAX,
          "agency": encounter.AGENCY_MAX, "records": records_requests.TEXT_MAX,
          "document_id": DOCUMENT_ID_MAX}

MONTHS = {"en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                 "Nov", "Dec"),
          "es": ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct",
                 "nov", "dic")}


class SectionInput(Protocol):
    """What the console's incident page gives a section (web/console/sections.py's
    ``SectionInput``): the detail JSON, the session's CSRF token, the viewer's language."""

    @property
    def detail(self) -> Mapping[str, Any]: ...

    @property
    def csrf_token(self) -> str: ...

    @property
    def language(self) -> str: ...


@functools.cache
def environment() -> jinja2.Environment:
    """The ``jinja2.Environment`` (imported on first use: ``alertbot serve`` starts, and
    refuses a bad setting, without paying for it)."""
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("alertbot.web", "templates/issue12"),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
        lstrip_blocks=True)


def _moment(value: str | None, timezone: str) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(
            ZoneInfo(timezone))
    except ValueError:
        return None


def when(value: str | None, timezone: str, language: str) -> str:
    """``Nov 30 08:14`` (es: ``30 nov 08:14``) in ``timezone`` from an API time; ""."""
    at = _moment(value, timezone)
    if at is None:
        return ""
    month = MONTHS["es" if language == "es" else "en"][at.month - 1]
    day = f"{at.day} {month}" if language == "es" else f"{month} {at.day}"
    return f"{day} {at:%H:%M}"


def local_input(value: str | None, timezone: str) -> str:
    """An API time as an HTML ``datetime-local`` value in ``timezone``."""
    at = _moment(value, timezone)
    return "" if at is None else at.strftime("%Y-%m-%dT%H:%M")


def render(template: str, detail: Mapping[str, Any], csrf_token: str, language: str,
           **context: Any) -> Markup:
    """``template`` with the helpers every section uses: ``t(key, **values)``,
    ``when(api time)``, ``local(api time)``, ``n`` (the incident number), ``csrf``."""
    lang = "es" if language == "es" else "en"
    timezone = str(detail.get("timezone") or "UTC")
    helpers: dict[str, Callable[..., str] | object] = {
        "t": lambda key, **values: ui(key, lang, **values),
        "when": lambda value: when(value, timezone, lang),
        "local": lambda value: local_input(value, timezone),
        "n": detail["id"], "csrf": csrf_token, "lang": lang, "limits": LIMITS,
    }
    return Markup(environment().get_template(template).render(**helpers, **context))
