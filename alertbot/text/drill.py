"""What people read about drills (issue 14): the DRILL mark and the admins' summary.

Pure. ``mark_drill`` puts "DRILL" at the start of any message about a drill incident
that does not say it already (the outbox applies it to every notice it queues for a
drill: acknowledgement and resolve notices, admin alerts, the console link sent to the
acknowledger; pages carry it in their title). ``drill_summary`` is the short text the
admins get when a drill ends: numbers and responders' names only (staff, never a
student; a drill has no report words).
"""

from __future__ import annotations

from alertbot.core.drill_report import DrillReport, Responder
from alertbot.core.durations import format_duration
from alertbot.core.model import Channel
from alertbot.text.messages import fit_sms

MARK = {"en": "DRILL: ", "es": "DRILL (simulacro): "}
SPOKEN_MARK = {"en": "DRILL. ", "es": "DRILL, simulacro. "}

SUMMARY = {
    "en": {
        "head": "DRILL #{n}{drill} ended ({ended}). ",
        "first": "First page after {first}. ",
        "first_none": "No page went out. ",
        "acked": "Acknowledged: {acked} of {paged}. {lines}. Median {median}.",
        "nobody_acked": "Nobody acknowledged ({paged} paged: {names}).",
        "nobody_paged": "Nobody was paged.",
        "line": "{name} {after} by {channel}",
        "line_never": "{name} did not ack",
        "earlier": " Earlier drills: {earlier}.",
        "earlier_none": "nobody acked",
        "no_earlier": " No earlier drill to compare.",
        "never": "never",
        "unknown": "?",
    },
    "es": {
        "head": "DRILL (simulacro) #{n}{drill} terminado ({ended}). ",
        "first": "Primer aviso en {first}. ",
        "first_none": "No salió ningún aviso. ",
        "acked": "Atendieron: {acked} de {paged}. {lines}. Mediana {median}.",
        "nobody_acked": "Nadie atendió ({paged} avisados: {names}).",
        "nobody_paged": "No se avisó a nadie.",
        "line": "{name} {after} por {channel}",
        "line_never": "{name} no atendió",
        "earlier": " Simulacros anteriores: {earlier}.",
        "earlier_none": "nadie atendió",
        "no_earlier": " Sin simulacros anteriores.",
        "never": "nunca",
        "unknown": "?",
    },
}


def mark_drill(body: str, channel: Channel, language: str, spoken: bool = False) -> str:
    """``body`` starting with the DRILL mark unless it already says DRILL; an SMS is
    refitted to one message (``fit_sms``)."""
    if "DRILL" in body:
        return body
    marks = SPOKEN_MARK if spoken else MARK
    marked = (marks.get(language) or marks["en"]) + body
    return fit_sms(marked) if channel is Channel.SMS else marked


def drill_title(title: str, drill: bool) -> str:
    """An incident's title as posted (the Slack channel post): ``DRILL - …`` for a drill
    whose title does not say it (a scheduled drill of a real incident type)."""
    return f"DRILL - {title}" if drill and "DRILL" not in title.upper() else title


def seconds(value: float | None, language: str = "en") -> str:
    """``0.8s``, ``42s``, ``1m5s``; ``never`` for None."""
    if value is None:
        return (SUMMARY.get(language) or SUMMARY["en"])["never"]
    if value < 10:
        return f"{value:.1f}s"
    return format_duration(round(value))


def _line(r: Responder, words: dict[str, str], language: str) -> str:
    if r.ack_after is None:
        return words["line_never"].format(name=r.name)
    return words["line"].format(name=r.name, after=seconds(r.ack_after, language),
                                channel=r.channel or words["unknown"])


def drill_summary(report: DrillReport, language: str) -> str:
    """The admins' text when a drill ends, folded and fitted to one SMS (GSM-7). Only
    true, plain statements (new-user trial 2: "Median never"): no page at all, nobody
    acknowledged, nobody paged and an earlier drill nobody acknowledged are each said in
    words; times are shown only where there is one."""
    words = SUMMARY.get(language) or SUMMARY["en"]
    this = report.this
    text = words["head"].format(
        n=this.incident_id, drill=f" {report.drill_id}" if report.drill_id else "",
        ended=report.ended)
    text += (words["first_none"] if this.first_page_after is None
             else words["first"].format(first=seconds(this.first_page_after, language)))
    paged = len(this.responders)
    if not this.responders:
        text += words["nobody_paged"]
    elif this.median_ack is None:
        text += words["nobody_acked"].format(
            paged=paged, names=", ".join(r.name for r in this.responders))
    else:
        text += words["acked"].format(
            acked=this.acknowledged, paged=paged, median=seconds(this.median_ack, language),
            lines="; ".join(_line(r, words, language) for r in this.responders))
    if report.earlier:
        text += words["earlier"].format(earlier=", ".join(
            words["earlier_none"] if m.median_ack is None else seconds(m.median_ack, language)
            for m in report.earlier))
    else:
        text += words["no_earlier"]
    return fit_sms(text)
