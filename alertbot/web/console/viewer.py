"""Who is looking at the console: the signed-in person, their CSRF token, what they may
see, and the audit hook. Sessions, sign-in, CSRF and the audit log are the auth
branch's (console-auth); this module is the console's one seam onto them."""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from dataclasses import dataclass

from aiohttp import web

from alertbot.core.incident import Incident
from alertbot.core.model import Config, Contact

CSRF_FIELD = "csrf_token"


@dataclass(frozen=True)
class Seen:
    """The signed-in person (``contact``) and their session's ``csrf_token``."""

    contact: Contact
    csrf_token: str


async def current(request: web.Request) -> Seen | None:
    """The person signed in on this request, or None (placeholder until console-auth)."""
    del request
    return None


def may_view(config: Config, contact: Contact, incident: Incident) -> bool:
    """Placeholder until console-auth's ``who.may_view``: admins, the incident's team,
    a principal of its school."""
    return (config.is_admin(contact.id) or contact.id in incident.plan.contact_ids()
            or (incident.school_id is not None and incident.school_id in contact.schools))


async def audit_viewed(request: web.Request, seen: Seen, incident_id: int) -> None:
    """Record that ``seen`` viewed incident ``incident_id``'s details (FERPA, 34 CFR
    99.32). Placeholder until console-auth."""
    del request, seen, incident_id


def sign_in_page(request: web.Request) -> web.StreamResponse:
    """What ``GET /`` shows someone not signed in (console-auth's sign-in page)."""
    del request
    return web.Response(status=401, text="sign in", content_type="text/plain")


def check_csrf(request: web.Request, seen: Seen, form: Mapping[str, object]) -> None:
    """403 unless the form (or the ``X-CSRF-Token`` header) carries the session's
    token. Placeholder until console-auth's ``check_csrf``."""
    offered = str(form.get(CSRF_FIELD) or request.headers.get("X-CSRF-Token", ""))
    if not offered or not hmac.compare_digest(offered.encode(), seen.csrf_token.encode()):
        raise web.HTTPForbidden(text="CSRF token missing or wrong")
