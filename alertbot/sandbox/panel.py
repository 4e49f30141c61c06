"""The sandbox's "send a text as a contact" panel on the console board (issue 11).

Shown only in sandbox mode to a signed-in person: pick anyone in contacts/ (reporters
first: the story starts with a principal's text), type a text, see the reply and what
alertbot "sent". The form posts to ``/sandbox/sms`` with the session's CSRF token.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from aiohttp import web
from markupsafe import Markup

from alertbot.sandbox.codes import shown_body
from alertbot.web.console.views import Views
from alertbot.web.session import Viewer

if TYPE_CHECKING:
    from alertbot.clock import Clock
    from alertbot.sandbox.sender import SandboxOutbox
    from alertbot.service.receiver import Receiver

STRANGER = "+18605550198"  # a number in no contacts file (555-01xx: fictional)


class Panel:
    """The panel and the recorded messages, with what they read (decision 0046): the
    console's ``Views``, the receiver (contacts/) as a getter, the clock and the
    sandbox's recording outbox."""

    def __init__(self, pages: Views, receiver: Callable[[], Receiver], clock: Clock,
                 outbox: SandboxOutbox) -> None:
        self._views, self._receiver, self._clock, self._outbox = (
            pages, receiver, clock, outbox)

    def panel_html(self, request: web.Request, seen: Viewer) -> Markup:
        """The panel for ``seen`` on the board."""
        config = self._receiver().config
        people = sorted((c for c in config.contacts.values() if c.phone),
                        key=lambda c: (not c.schools, c.name))
        choices = [(c.phone, f"{c.name} ({', '.join(c.roles)})") for c in people]
        now = self._clock.now()
        return self._views.page(request, seen, "sandbox_panel.html", now, people=choices,
                                stranger=STRANGER)

    def messages_html(self, viewer: Viewer | None) -> Markup:
        """The latest 40 messages the sandbox recorded, newest first, as HTML; others'
        sign-in codes hidden from ``viewer`` (sandbox/codes.py)."""
        records = list(reversed(self._outbox.records))[:40]
        rows = [Markup('<div class="msg"><b>{}</b> → {}: {}</div>').format(
            str(r.channel).upper(), r.to, shown_body(r.to, r.body, viewer)) for r in records]
        return Markup("").join(rows)
