"""Who may read a console sign-in code the sandbox "sent" (decision 0049).

The sandbox records every message instead of sending it, and shows them on the board's
sandbox panel and at ``GET /sandbox/messages``. A sign-in code is a password for an hour
of someone's console session even in the sandbox: shown to every signed-in person, it let
anyone become anyone (the Superintendent, an admin) and the audit log would record the
wrong person (new-user trial). So a code is shown in full only

- in the terminal (or container log) of the process, as before: whoever runs the
  sandbox, which is how the README's newcomer signs in;
- to the bearer token (``viewer`` None), printed in that same terminal;
- to a signed-in person for their own phone number or Slack id (their own codes);

and to everyone else with its digits hidden.
"""

from __future__ import annotations

import re

from alertbot.text.console import say
from alertbot.text.messages import TEMPLATES
from alertbot.web.session import Viewer

HIDDEN = "••••••"
_CODE = "{code}"


def _pattern() -> re.Pattern[str]:
    """Any language's sign-in text (text/messages.py ``signin_code``), its code a group."""
    shapes = [re.escape(table["signin_code"]).replace(re.escape(_CODE), r"(\d{4,10})")
              for table in TEMPLATES.values() if _CODE in table.get("signin_code", "")]
    return re.compile("|".join(f"(?:{shape})" for shape in shapes))


_SIGN_IN = _pattern()


def sign_in_code(body: str) -> str | None:
    """The code in ``body`` when it is a sign-in code's text, else None."""
    found = _SIGN_IN.fullmatch(body.strip())
    if found is None:
        return None
    return next(group for group in found.groups() if group)


def shown_body(to: str, body: str, viewer: Viewer | None) -> str:
    """``body`` (a message the sandbox recorded for address ``to``) as ``viewer`` may
    read it: a sign-in code to someone else has its digits hidden and says where it is
    (in the viewer's language); everything else as it was."""
    code = sign_in_code(body)
    if code is None or viewer is None:
        return body
    contact = viewer.contact
    if to in (contact.phone, contact.slack):
        return body
    return body.replace(code, HIDDEN) + " " + say(contact.language, "sandbox_code_hidden")
