"""Who is looking at the console, as the console's pages need it: the signed-in person
(console-auth's ``web/session.py``), what they may see (``core/who.may_view``), and the
audit hook for a look at an incident's details (``web/audit.py``)."""

from __future__ import annotations

from aiohttp import web

from alertbot.core import who
from alertbot.core.incident import Incident
from alertbot.core.model import Config, Contact
from alertbot.web import audit
from alertbot.web.session import CSRF_FIELD, Viewer, check_csrf, current_viewer

__all__ = ["CSRF_FIELD", "Viewer", "audit_viewed", "check_csrf", "current_viewer",
           "may_view"]


def may_view(config: Config, contact: Contact, incident: Incident) -> bool:
    """``who.may_view``'s answer: admins and ``console.see_all``, the incident's team, a
    principal of its school."""
    return who.may_view(config, contact, incident).allowed


async def audit_viewed(request: web.Request, viewer: Viewer, incident_id: int) -> None:
    """Record that ``viewer`` viewed incident ``incident_id``'s details (FERPA, 34 CFR
    99.32: a record of who looked at education-record information)."""
    await audit.record(request, viewer, "viewed", incident_id=incident_id)
