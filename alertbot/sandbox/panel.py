"""The sandbox's "send a text as a contact" panel on the console board (issue 11).

Shown only in sandbox mode to a signed-in person: pick anyone in contacts/ (reporters
first: the story starts with a principal's text), type a text, see the reply and what
alertbot "sent". The form posts to ``/sandbox/sms`` with the session's CSRF token.
"""

from __future__ import annotations

from aiohttp import web
from markupsafe import Markup

from alertbot import appkeys
from alertbot.sandbox.codes import shown_body
from alertbot.web.console import views
from alertbot.web.session import Viewer

STRANGER = "+18605550198"  # a number in no contacts file (555-01xx: fictional)


def panel_html(request: web.Request, seen: Viewer) -> Markup:
    config = request.app[appkeys.RECEIVER].config
    people = sorted((c for c in config.contacts.values() if c.phone),
                    key=lambda c: (not c.schools, c.name))
    choices = [(c.phone, f"{c.name} ({', '.join(c.roles)})") for c in people]
    now = request.app[appkeys.CLOCK].now()
    return views.page(request, seen, "sandbox_panel.html", now, people=choices,
                      stranger=STRANGER)


def messages_html(request: web.Request, viewer: Viewer | None) -> Markup:
    """The latest 40 messages the sandbox recorded, newest first, as HTML; others'
    sign-in codes hidden from ``viewer`` (sandbox/codes.py)."""
    records = list(reversed(request.app[appkeys.SANDBOX].records))[:40]
    rows = [Markup('<div class="msg"><b>{}</b> → {}: {}</div>').format(
        str(r.channel).upper(), r.to, shown_body(r.to, r.body, viewer)) for r in records]
    return Markup("").join(rows)
