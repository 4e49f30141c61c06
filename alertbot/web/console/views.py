"""Loading what a console page shows (one read unit each) and rendering it.

Every incident passes ``viewer.may_view`` before anything of it is rendered: the board,
a card fragment, the incident page and the live stream show a person only what they
may see (issue 11; the rule is console-auth's, in core/who.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web
from markupsafe import Markup

from alertbot.core.incident import Incident
from alertbot.core.model import Config
from alertbot.core.records import OutboxItem
from alertbot.service import notices
from alertbot.store import timeline_pages as pages
from alertbot.store.tx import Tx
from alertbot.text.console import say
from alertbot.web import api
from alertbot.web.console import board, drill_view, render, sections
from alertbot.web.console.viewer import CSRF_FIELD, Viewer, may_view

if TYPE_CHECKING:
    from alertbot.service.receiver import Receiver
    from alertbot.settings import Settings
    from alertbot.store.sql import Store


log = logging.getLogger("alertbot.console")

TIMELINE = 500  # latest timeline entries on the incident page
KNOWN_PROVIDER_STATUSES = frozenset({
    "delivered", "read", "undelivered", "failed", "queued", "sent", "busy", "no-answer",
    "completed", "voicemail", "fax", "ringing", "in-progress"})


def names_of(config: Config) -> dict[str, str]:
    return {c.id: c.name for c in config.contacts.values()}


def delivery_words(line: board.PageLine, language: str) -> str:
    """A page's delivery result in words: the provider's last status if known, else
    ours ("waiting to send", "not sent (paging stopped)"), with the error if any."""
    if line.provider_status in KNOWN_PROVIDER_STATUSES:
        words = say(language, f"ps_{line.provider_status}")
    elif line.provider_status:
        words = line.provider_status
    else:
        words = say(language, f"st_{line.status}")
    return f"{words} ({line.error})" if line.error else words


class Views:
    """Loading and rendering console pages, with what they read (decision 0046): the
    store and receiver (contacts/ as loaded now) as getters, the settings (sandbox),
    and the ``IncidentsApi`` (the detail JSON the incident page's sections render)."""

    def __init__(self, store: Callable[[], Store], receiver: Callable[[], Receiver],
                 settings: Settings, incidents: api.IncidentsApi) -> None:
        self._store, self._receiver, self._settings = store, receiver, settings
        self._incidents = incidents

    def context(self, request: web.Request, seen: Viewer, now: float) -> dict[str, Any]:
        """What every console page's template needs besides its own data."""
        config = self._receiver().config
        lang = seen.contact.language
        names = names_of(config)
        def title(inc: Incident) -> str:
            return notices.incident_title(config, inc, lang)
        return {
            "organization": config.organization, "sandbox": self._settings.sandbox,
            "viewer_name": seen.contact.name, "csrf_token": seen.csrf_token,
            "csrf_field": CSRF_FIELD, "title": title,
            "name_of": lambda cid: names.get(cid or "", cid or ""),
            "delivery": lambda line: delivery_words(line, lang),
        }

    def page(self, request: web.Request, seen: Viewer, template: str, now: float,
             **data: Any) -> Markup:
        config = self._receiver().config
        return render.render(template, seen.contact.language, now, config.timezone,
                             **self.context(request, seen, now), **data)

    async def board_cards(self, request: web.Request, seen: Viewer,
                          now: float) -> dict[str, list[board.Card]]:
        """The board's sections for ``seen`` (only incidents they may see)."""
        config = self._receiver().config
        midnight = board.local_midnight(now, config.timezone)

        def load(tx: Tx) -> tuple[list[Incident], dict[int, list[OutboxItem]],
                                  dict[int, float]]:
            found = tx.board_incidents(midnight)
            ends = {r.incident_id: r.end_at for r in tx.running_drills()
                    if r.incident_id is not None and r.end_at is not None}
            return found, tx.messages_of([i.id for i in found]), ends

        found, messages, ends = await self._store().read(load)
        visible = [i for i in found if may_view(config, seen.contact, i)]
        return board.build_cards(visible, messages, names_of(config), now, config.timezone,
                                 ends)

    async def load_incident(self, request: web.Request, seen: Viewer, number: int) -> Loaded | None:
        """Incident ``number`` if it exists and ``seen`` may view it, else None (the same
        answer for both: a URL does not tell whether an incident exists)."""

        def one(tx: Tx) -> Loaded | None:
            incident = tx.get_incident(number)
            if incident is None:
                return None
            entries = pages.timeline_page(tx, number, TIMELINE)
            total = pages.timeline_totals(tx, [number])[number]
            run = tx.drill_run_of(number) if incident.drill else None
            ends = run.end_at if run is not None and run.ended_at is None else None
            return Loaded(incident, entries, total, tx.messages_for(number), ends)

        loaded = await self._store().read(one)
        config = self._receiver().config
        if loaded is None or not may_view(config, seen.contact, loaded.incident):
            return None
        return loaded

    def card_of(self, request: web.Request, loaded: Loaded, now: float) -> board.Card | None:
        """The incident's board card, or None when it is not on today's board."""
        config = self._receiver().config
        section = board.section_of(loaded.incident, board.local_midnight(now, config.timezone))
        if section is None:
            return None
        return board.card_for(loaded.incident, section, loaded.messages, names_of(config), now,
                              loaded.drill_ends_at)

    async def incident_page(self, request: web.Request, seen: Viewer, loaded: Loaded,
                            now: float) -> Markup:
        """The incident page: words, later texts, pages, timeline, sections, actions. The
        sections (issue 12) render from the same detail JSON as ``GET /api/incidents/{id}``
        (``api.incident_detail``: procedure, encounter, warrant reviews, records requests,
        documents)."""
        from alertbot.core import who
        from alertbot.service.console_actions import MESSAGE_LIMIT
        from alertbot.service.notes import NOTE_MAX
        from alertbot.web.recordings_api import recording_path, recording_sids

        config = self._receiver().config
        inc = loaded.incident
        midnight = board.local_midnight(now, config.timezone)
        card = board.card_for(inc, board.section_of(inc, midnight) or "resolved",
                              loaded.messages, names_of(config), now, loaded.drill_ends_at)
        detail = await self._incidents.incident_detail(inc.id, seen)
        if detail is None:  # gone between the two reads: as if it did not exist
            raise web.HTTPNotFound()
        drill = await drill_view.fragment(self._store(), config, inc,  # issue 14
                                          seen.contact.language, now)
        return self.page(request, seen, "incident.html", now, inc=inc, card=card, on_page=True,
                    timeline=loaded.entries,
                    updates=[e for e in loaded.entries if e.kind == "update"],
                    recordings=lambda text: [recording_path(inc.id, sid)  # decision 0043
                                             for sid in recording_sids(text)],
                    sections=([drill] if drill else []) + section_fragments(detail, seen),
                    targets=page_targets(config, inc),
                    can_act=who.may_respond(config, seen.contact, inc).allowed,
                    can_message=who.may_message_reporter(config, seen.contact, inc).allowed,
                    message_limit=MESSAGE_LIMIT, note_limit=NOTE_MAX)


@dataclass(frozen=True)
class Loaded:
    """One incident with what its page shows."""

    incident: Incident
    entries: list[pages.Entry]
    total: int
    messages: list[OutboxItem]
    drill_ends_at: float | None = None  # an open drill's run: when it ends by itself


def page_targets(config: Config, incident: Incident) -> list[tuple[str, str]]:
    """The "page now" choices: every contact who may be paged for ``incident``
    (``who.may_be_paged_now``: may open it and answer the page), as ``Name (roles)``,
    then each of their roles not also a contact id."""
    from alertbot.core import who

    people = sorted((c for c in config.contacts.values()
                     if who.may_be_paged_now(config, c, incident).allowed),
                    key=lambda c: c.name)
    out = [(c.id, f"{c.name} ({', '.join(c.roles)})" if c.roles else c.name) for c in people]
    roles = sorted({r for c in people for r in c.roles} - set(config.contacts))
    return out + [(r, r) for r in roles]


def section_fragments(detail: dict[str, Any], seen: Viewer) -> list[Markup]:
    """Issue 12's sections for this incident, in order; one that fails is left out."""
    given = sections.SectionInput(detail=detail, csrf_token=seen.csrf_token,
                                  language=seen.contact.language, viewer_id=seen.contact.id)
    out: list[Markup] = []
    for section in sections.INCIDENT_SECTIONS:
        try:
            out.append(sections.as_fragment(section(given)))
        except Exception:
            log.exception("incident %s: section %r failed", detail.get("id"), section)
    return out

