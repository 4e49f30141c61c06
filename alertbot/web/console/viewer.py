"""Who is looking at the console, as the console's pages need it: the signed-in person
(console-auth's ``web/session.py``: ``Gate.current_viewer``) and what they may see
(``core/who.may_view``). A look at an incident's details is recorded by the ``Audit``
the console is given (web/audit.py, decision 0046)."""

from __future__ import annotations

from alertbot.core import who
from alertbot.core.incident import Incident
from alertbot.core.model import Config, Contact
from alertbot.web.session import CSRF_FIELD, Viewer

__all__ = ["CSRF_FIELD", "Viewer", "may_view"]


def may_view(config: Config, contact: Contact, incident: Incident) -> bool:
    """``who.may_view``'s answer: admins and ``console.see_all``, the incident's team, a
    principal of its school."""
    return who.may_view(config, contact, incident).allowed
