"""The live incident post in SLACK_CHANNEL and its thread, as Block Kit. Pure.

Texts come from ``slack_text.TEXTS``; user text is mrkdwn-escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from alertbot.core.incident import Incident, State
from alertbot.core.records import OutboxItem, OutboxKind, OutboxStatus, TimelineEntry
from alertbot.core.timeline_kinds import carries_words
from alertbot.text.drill import drill_title
from alertbot.text.slack_text import (
    Block,
    buttons,
    clip,
    escape,
    escape_inline,
    fallback,
    fit_blocks,
    hhmm,
    mrkdwn_section,
    plain,
    t,
)

CHANNEL_LABELS = {"sms": "SMS", "voice": "call", "slack": "Slack"}


@dataclass(frozen=True)
class PostView:
    """What the incident post shows, read from the store at one moment."""

    incident: Incident
    pages: tuple[OutboxItem, ...]  # this incident's outbox, in order
    timezone: str
    now: float
    exhausted: bool = False


def _page_status(item: OutboxItem, language: str) -> str:
    return {OutboxStatus.SENT: t("page_sent", language),
            OutboxStatus.FAILED: t("page_failed", language),
            OutboxStatus.CANCELLED: t("page_cancelled", language)}.get(
        item.status, t("page_pending", language))


def escalation_lines(view: PostView, language: str = "en", limit: int = 12) -> list[str]:
    """One line per person paged in a step: when, how, with what result."""
    names = {r.contact_id: r.name for s in view.incident.plan.steps for r in s.recipients}
    groups: dict[tuple[int, int, str], list[OutboxItem]] = {}
    for item in view.pages:
        if item.kind is OutboxKind.PAGE:
            key = (item.round or 0, item.step or 0, item.contact_id or item.address)
            groups.setdefault(key, []).append(item)
    lines: list[str] = []
    for (rnd, step, who), items in groups.items():
        at = hhmm(min(i.sent_at or i.created_at for i in items), view.timezone)
        how = ", ".join(f"{CHANNEL_LABELS.get(str(i.channel), str(i.channel))} "
                        f"{_page_status(i, language)}" for i in items)
        where = t("step", language, step=step + 1)
        if rnd:
            where += ", " + t("repeat", language, round=rnd)
        lines.append(f"{at} {escape(names.get(who, who))}: {how} ({where})")
    if len(lines) > limit:
        lines = [t("earlier", language, count=len(lines) - limit), *lines[-limit:]]
    return lines


def _state_line(view: PostView, language: str) -> str:
    inc, tz = view.incident, view.timezone
    if inc.state is State.RESOLVED:
        return t("resolved", language, time=hhmm(inc.resolved_at or view.now, tz))
    if inc.state is State.ACKNOWLEDGED:
        return t("acknowledged", language, name=escape_inline(inc.acknowledged_by_name or "?"),
                 time=hhmm(inc.acknowledged_at or view.now, tz))
    line = t("triggered", language)
    if inc.due_at is not None:
        line += "\n" + t("next_step", language, time=hhmm(inc.due_at, tz))
    elif view.exhausted:
        line += "\n" + t("exhausted", language)
    return line


def post_blocks(view: PostView, language: str = "en") -> list[Block]:
    """The channel post: what, where, who reported, state, who was paged, the buttons."""
    inc = view.incident
    icon = {State.TRIGGERED: ":rotating_light:", State.ACKNOWLEDGED: ":large_yellow_circle:",
            State.RESOLVED: ":white_check_mark:"}[inc.state]
    reporter = escape(inc.reporter_name) + (f" ({escape(inc.source)})" if inc.source else "")
    if inc.unverified:
        reporter += "\n" + t("unverified", language)
    fields = [
        (t("school", language), escape(inc.school_name or t("no_school", language))),
        (t("reporter", language), reporter),
        (t("opened", language), hhmm(inc.created_at, view.timezone)),
        (t("state", language), _state_line(view, language)),
    ]
    pages = escalation_lines(view, language) or [t("no_pages", language)]
    blocks: list[Block] = [
        {"type": "header",
         "text": plain(f"{icon} #{inc.id} {drill_title(inc.title, inc.drill)}", 150)},
        {"type": "section", "fields": [{"type": "mrkdwn", "text": clip(f"*{k}*\n{v}", 2000)}
                                       for k, v in fields]},
        # Free text never goes to Slack (it may name a student): decision 0004.
        mrkdwn_section(f"*{t('details', language)}*\n"
                       + t("details_in_console" if inc.details else "no_details", language)),
        mrkdwn_section(f"*{t('paging', language)}*\n" + "\n".join(pages)),
    ]
    if inc.state is not State.RESOLVED:
        blocks.append(buttons(inc.id, language, ack=inc.state is State.TRIGGERED))
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": t(
        "footer", language, n=inc.id, time=hhmm(view.now, view.timezone))}]})
    return fit_blocks(blocks, language)


# Timeline entries that carry people's words (core/timeline_kinds.py, the one list shared
# with retention and the report): the thread says one arrived; the words stay on the
# console, behind sign-in (decisions 0004, 0043).
UPDATE_IN_CONSOLE = "the reporter sent more details (in the console, not posted here)"
WORDS_IN_CONSOLE = "words added (in the console, not posted here)"  # a note, a message


def post_text(incident: Incident) -> str:
    """The notification/fallback text of the channel post (escaped, no markup)."""
    return fallback(f"#{incident.id} {drill_title(incident.title, incident.drill)} "
                    f"({incident.state})")


def timeline_text(entries: Sequence[TimelineEntry], timezone: str, limit: int = 3500,
                  max_messages: int = 5) -> list[str]:
    """Thread messages for new timeline entries: as few as fit Slack's text limits
    (``limit`` characters each), at most ``max_messages`` per sync (Slack allows about
    one message a second in a channel): when there are more, the newest lines fill
    ``max_messages - 1`` messages after a first one counting the older lines, which stay
    in the console."""
    lines = []
    for entry in entries:
        text = ((UPDATE_IN_CONSOLE if entry.kind == "update" else WORDS_IN_CONSOLE)
                if carries_words(entry.kind) else entry.text)
        line = f"`{hhmm(entry.at, timezone)}` *{escape(entry.kind)}*: {escape(text)}"
        lines.append(clip(line, limit))
    messages = _chunks(lines, limit)
    if len(messages) <= max_messages:
        return messages
    kept: list[str] = []
    for line in reversed(lines):
        if len(_chunks([line, *kept], limit)) > max_messages - 1:
            break
        kept.insert(0, line)
    return [t("earlier", "en", count=len(lines) - len(kept)), *_chunks(kept, limit)]


def _chunks(lines: Sequence[str], limit: int) -> list[str]:
    """``lines`` joined into as few messages of at most ``limit`` characters as fit."""
    messages: list[str] = []
    current = ""
    for line in lines:
        if current and len(current) + len(line) + 1 > limit:
            messages.append(current)
            current = ""
        current = f"{current}\n{line}" if current else line
    if current:
        messages.append(current)
    return messages
