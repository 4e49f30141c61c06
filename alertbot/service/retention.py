"""Retention (issue 12, decision 0031): an incident's free text is purged
``retention.free_text_days`` after it was resolved; timings, counts and who did what stay
for statistics and the after-action report's timings.

``purge_due(tx, config, now)`` is the engine's unit (engine/retention.py). The same unit
drops the sealed bytes of the incident's documents (photos of the agents' papers; their
type, size, sender and times stay).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from alertbot.core.model import Config
from alertbot.core.procedure import FieldKind
from alertbot.core.timeline_kinds import FREE_TEXT_KINDS
from alertbot.store.sql import Tx

# Timeline kinds that carry people's words: the one list (core/timeline_kinds.py) that
# also keeps them out of Slack and out of the redacted report (decision 0043).
FREE_TEXT_TIMELINE = tuple(sorted(FREE_TEXT_KINDS))


def _kept_values(config: Config, incident_type: str) -> Callable[[str, Mapping[str, str]],
                                                                  dict[str, str]]:
    """A step's field values to keep: times, numbers and choices (not text)."""
    itype = config.incidents.get(incident_type)
    kinds = {(s.id, f.name): f.kind for s in (itype.procedure if itype else ())
             for f in s.fields}

    def keep(step_id: str, values: Mapping[str, str]) -> dict[str, str]:
        return {k: v for k, v in values.items()
                if kinds.get((step_id, k)) not in (None, FieldKind.TEXT)}
    return keep


def purge_due(tx: Tx, config: Config, now: float, limit: int = 100) -> list[int]:
    """Purge up to ``limit`` incidents resolved more than ``free_text_days`` ago (none
    without a ``retention`` setting); returns their numbers. Each incident is purged once
    (``claim_purge``), with a timeline entry saying so."""
    seconds = config.retention.seconds
    if seconds is None:
        return []
    purged: list[int] = []
    for incident_id in tx.incidents_to_purge(now - seconds, limit):
        if not tx.claim_purge(incident_id, now):
            continue
        incident = tx.get_incident(incident_id)
        assert incident is not None
        tx.purge_free_text(incident_id, FREE_TEXT_TIMELINE, _kept_values(config, incident.type))
        tx.purge_incident_documents(incident_id, now)
        tx.add_timeline(incident_id, now, "retention",
                        "Free text and documents purged: "
                        f"{config.retention.free_text_days} days after resolution "
                        "(retention.free_text_days); timings and counts kept")
        purged.append(incident_id)
    return purged
