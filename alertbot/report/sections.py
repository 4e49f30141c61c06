"""The procedure sections of the after-action report as lines people read (issue 12).

Pure. ``build.build_report`` keeps each section as data (the detail JSON's shapes, see
web/procedure_json.py); these functions turn them into ``(headline, [detail lines])``
for the PDF: the checklist as "B. Designees go to the school — done by Sam Okafor,
Mon 11/30 09:40 — note" with its fields as "label: value"; a warrant review as its kind,
what it means for entry and "Counsel decides" (decision 0032); any other record as
"label: value" lines. Times are shown in the district's time zone (``text.report.readable``),
titles and labels in the report's language (en, es), falling back to English.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from alertbot.report.build import parse_time
from alertbot.text.report import readable, report_label
from alertbot.text.warrant_text import t as warrant_words

Block = tuple[str, list[str]]
SKIP = frozenset({"id", "titles", "labels", "roles", "options", "kind", "reminders",
                  "option_titles", "value_titles"})


def _who(value: object) -> str:
    if isinstance(value, Mapping):
        return str(value.get("name") or value.get("id") or "")
    return "" if value is None else str(value)


def show(value: Any, timezone: str, language: str) -> str:
    """One value in words: an ISO time in the district's time, ``{at, by, ...}`` as
    "time, by, ...", a list joined with commas, a mapping as "key: value" pairs."""
    if value is None:
        return ""
    if isinstance(value, str):
        timed = "T" in value and parse_time(value) is not None
        return readable(value, timezone, language) if timed else value
    if isinstance(value, Mapping):
        if set(value) == {"id", "name"}:
            return _who(value)
        return ", ".join(f"{k}: {show(v, timezone, language)}" if k not in ("at", "by")
                         else show(v, timezone, language)
                         for k, v in value.items() if v not in (None, "", [], {}))
    if isinstance(value, list):
        return ", ".join(show(v, timezone, language) for v in value)
    return str(value)


def _label(key: str) -> str:
    return key.replace("_", " ").capitalize()


def checklist(steps: list[Any], timezone: str, language: str) -> list[Block]:
    """One block per step: title, who ticked it off and when, the note; its fields."""
    out: list[Block] = []
    for step in steps:
        if not isinstance(step, Mapping):
            out.append((str(step), []))
            continue
        title = str((step.get("titles") or {}).get(language) or step.get("title")
                    or step.get("id") or "")
        if step.get("done_at"):
            head = f"{title} — " + report_label(
                language, "done_by", who=_who(step.get("done_by")),
                when=readable(step.get("done_at"), timezone, language))
        else:
            head = f"{title} — " + report_label(language, "not_done")
        if step.get("overdue") and step.get("due_at"):
            head += " — " + report_label(language, "overdue", when=readable(
                step.get("due_at"), timezone, language))
        if step.get("note"):
            head += f" — {step['note']}"
        lines = []
        for field in step.get("fields") or []:
            if field.get("value") in (None, ""):
                continue
            label = ((field.get("labels") or {}).get(language) or field.get("label")
                     or field.get("name"))
            titles = field.get("value_titles") or {}
            value = titles.get(language) or titles.get("en") or field.get("value")
            lines.append(f"{label}: {show(value, timezone, language)}")
        out.append((head, lines))
    return out


def _sentence(key: str, language: str) -> str:
    try:
        return warrant_words(key, language)
    except KeyError:  # a kind this build does not know: say the key
        return key.split(".", 1)[1]


def warrant_reviews(reviews: list[Any], timezone: str, language: str) -> list[Block]:
    """One block per review: who reviewed it when, then the kind of document, what it
    means for entry, the cautions, "Counsel decides", the answers and the note."""
    out: list[Block] = []
    for review in reviews:
        if not isinstance(review, Mapping):
            out.append((str(review), []))
            continue
        head = report_label(language, "reviewed_by", who=_who(review.get("reviewed_by")),
                            when=readable(review.get("reviewed_at"), timezone, language))
        result = review.get("assessment") or {}
        lines = [_sentence(f"kind.{result.get('kind')}", language),
                 _sentence(f"entry.{result.get('entry')}", language)]
        lines += [_sentence(f"caution.{c}", language) for c in result.get("cautions") or []]
        lines.append(_sentence("counsel", language))
        lines += [f"{_label(k)}: {v}" for k, v in (review.get("answers") or {}).items()
                  if v not in (None, "")]
        if review.get("note"):
            lines.append(str(review["note"]))
        out.append((head, lines))
    return out


def records(value: Any, timezone: str, language: str) -> list[Block]:
    """Any other section (the encounter log, records requests): one block per record,
    its filled-in keys as "Label: value" lines."""
    if value in (None, [], {}):
        return []
    out: list[Block] = []
    for n, item in enumerate(value if isinstance(value, list) else [value], 1):
        if not isinstance(item, Mapping):
            out.append((show(item, timezone, language), []))
            continue
        head = f"#{item['id']}" if "id" in item else (f"#{n}" if isinstance(value, list)
                                                      else "")
        out.append((head, [f"{_label(str(k))}: {show(v, timezone, language)}"
                           for k, v in item.items()
                           if k not in SKIP and v not in (None, "", [], {})]))
    return out
