"""Who is acting on issue 12's routes (a seam: the console's sign-in plugs in here).

A script: the bearer ``ALERTBOT_API_TOKEN`` acting for the contact in form field
``contact`` (CONTRACT.md). Anything else is refused: 401 without credentials, 403 for a
contact id that is not in contacts.
"""

from __future__ import annotations

from aiohttp import web

from alertbot import appkeys
from alertbot.core.model import Contact
from alertbot.web.api import require_token


def _bearer(request: web.Request) -> bool:
    return request.headers.get("Authorization", "").startswith("Bearer ")


async def acting_contact(request: web.Request, incident_id: int) -> Contact:
    """The contact this request acts for (raises 401/403 otherwise). ``incident_id``:
    the incident acted on (a session may act only on incidents it may see)."""
    require_token(request)
    if not _bearer(request):
        raise web.HTTPForbidden(text='{"error": "sign in as a person to change an incident"}',
                                content_type="application/json")
    posted = await request.post()
    contact_id = posted.get("contact")
    config = request.app[appkeys.RECEIVER].config
    contact = config.contacts.get(contact_id) if isinstance(contact_id, str) else None
    if contact is None:
        raise web.HTTPForbidden(text='{"error": "form field contact: a contact id"}',
                                content_type="application/json")
    return contact
