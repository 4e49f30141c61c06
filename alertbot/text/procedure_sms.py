"""The texts issue 12 sends: a records request's reminder and an overdue checklist step's,
in English and Spanish. Pure.

No student name and no immigration fact: the incident number, what is due (a parent
notice, a response deadline, "step B" - never its title), when, and the console link
(DESIGN rule 4). GSM-7 and one segment-sized message where the URL allows (``sms_text``
folds and fits).
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from alertbot.text.drill import MARK as DRILL_MARK
from alertbot.text.messages import fit_sms

TEMPLATES: dict[str, dict[str, str]] = {
    "en": {
        "parent_notice": "alertbot: a parent notice for records request {r} of #{n} is due "
                         "at {time}. Details in the console: {url}",
        "response": "alertbot: a records-request deadline for #{n} (request {r}) is due at "
                    "{time}. Details in the console: {url}",
        "step": "alertbot: #{n} step {step} was due {after} after the report ({time}) and "
                "is not done. Console: {url}",
    },
    "es": {
        "parent_notice": "alertbot: el aviso a los padres de la solicitud de expedientes {r} "
                         "de #{n} vence a las {time}. Detalles en la consola: {url}",
        "response": "alertbot: el plazo de la solicitud de expedientes {r} de #{n} vence a "
                    "las {time}. Detalles en la consola: {url}",
        "step": "alertbot: #{n} paso {step}: vencía {after} tras el aviso ({time}) y sigue "
                "pendiente. Consola: {url}",
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


def after_words(seconds: float) -> str:
    """``30 min``, ``1 h``, ``1 h 30 min``, ``45 s``: how long after the report a step
    is due (the same words in English and Spanish)."""
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    hours, minutes = divmod(whole // 60, 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h" + (f" {minutes} min" if minutes else "")


def step_reminder_sms(language: str, *, n: int, step: str, after: float, due_at: float,
                      timezone: str, url: str, drill: bool) -> str:
    """The one text about checklist step ``step`` (its letter or number, never its
    title) of incident ``n``, due ``after`` seconds after the report (at ``due_at``) and
    not done; marked DRILL for a drill. GSM-7 (Spanish accents folded), one message
    (``fit_sms``); one 160-character segment with a console URL up to ~50 characters."""
    table = TEMPLATES.get(language) or TEMPLATES["en"]
    text = table["step"].format(n=n, step=step, after=after_words(after),
                                time=due_time(due_at, timezone, language, due_at), url=url)
    if drill:
        text = (DRILL_MARK.get(language) or DRILL_MARK["en"]) + text
    return fit_sms(text)
