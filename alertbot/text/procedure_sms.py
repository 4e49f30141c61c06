"""The texts issue 12 sends: a records request's reminder, in English and Spanish. Pure.

No student name and no immigration fact: the incident number, what is due (a parent
notice, a response deadline), when, and the console link (DESIGN rule 4). GSM-7 and
one segment-sized message where the URL allows (``sms_text`` folds and fits).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from alertbot.text.messages import fit_sms

TEMPLATES: dict[str, dict[str, str]] = {
    "en": {
        "parent_notice": "alertbot: a parent notice for records request {r} of #{n} is due "
                         "at {time}. Details in the console: {url}",
        "response": "alertbot: a records-request deadline for #{n} (request {r}) is due at "
                    "{time}. Details in the console: {url}",
    },
    "es": {
        "parent_notice": "alertbot: el aviso a los padres de la solicitud de expedientes {r} "
                         "de #{n} vence a las {time}. Detalles en la consola: {url}",
        "response": "alertbot: el plazo de la solicitud de expedientes {r} de #{n} vence a "
                    "las {time}. Detalles en la consola: {url}",
    },
}


def due_time(epoch: float, timezone: str, language: str, now: float | None = None) -> str:
    """``3:00 PM`` (English) or ``15:00`` (Spanish) in the district's time zone; with the
    date (``Dec 1, 3:00 PM`` / ``1/12 15:00``) when it is not the day of ``now``."""
    zone = ZoneInfo(timezone)
    at = datetime.fromtimestamp(epoch, zone)
    same_day = now is None or datetime.fromtimestamp(now, zone).date() == at.date()
    if language == "es":
        clock = at.strftime("%H:%M")
        return clock if same_day else f"{at.day}/{at.month} {clock}"
    clock = f"{at.hour % 12 or 12}:{at.minute:02d} {'AM' if at.hour < 12 else 'PM'}"
    return clock if same_day else f"{at.strftime('%b')} {at.day}, {clock}"


def reminder_sms(kind: str, language: str, *, n: int, r: int, due_at: float, timezone: str,
                 url: str, now: float) -> str:
    """The reminder for due item ``kind`` (``parent_notice`` | ``response``), folded to
    GSM-7 and fit to one Twilio message (``fit_sms``)."""
    table = TEMPLATES.get(language) or TEMPLATES["en"]
    text = table[kind].format(n=n, r=r, time=due_time(due_at, timezone, language, now),
                              url=url)
    return fit_sms(text)
