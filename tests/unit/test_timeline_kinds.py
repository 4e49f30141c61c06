"""Every timeline kind written anywhere is classified once: words or not (decision 0043).

Slack (the thread mirror), the redacted report and retention all read the one list in
``core/timeline_kinds.py``; a kind nobody classified fails here, so a new kind that
carries people's words cannot slip into Slack or outlive retention unnoticed.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from alertbot.core import timeline_kinds
from alertbot.core.records import TimelineEntry
from alertbot.report.build import WORDS_KINDS
from alertbot.service.retention import FREE_TEXT_TIMELINE
from alertbot.text.slack_post_blocks import timeline_text

ROOT = Path(__file__).resolve().parents[2] / "alertbot"
# add_timeline(<incident>, <at>, <kind>, …): the kind is a string or a module constant.
CALL = re.compile(r"add_timeline\(\s*[^,()]+(?:\([^()]*\))?[^,()]*,\s*[^,()]+(?:\([^()]*\))?"
                  r"[^,()]*,\s*(?:\"(?P<literal>[a-z_]+)\"|(?P<name>[A-Z_]+))")


def written_kinds() -> dict[str, str]:
    """Kind -> the first file that writes it."""
    found: dict[str, str] = {}
    calls = 0
    for path in sorted(ROOT.rglob("*.py")):
        source = path.read_text(encoding="utf-8")
        module = ".".join(path.relative_to(ROOT.parent).with_suffix("").parts)
        for match in CALL.finditer(source):
            calls += 1
            kind = match.group("literal") or getattr(importlib.import_module(module),
                                                     match.group("name"))
            found.setdefault(kind, str(path.relative_to(ROOT.parent)))
        assert source.count("add_timeline(") - source.count("def add_timeline(") == \
            len(CALL.findall(source)), f"{path}: an add_timeline call this test cannot read"
    assert calls > 40  # the pattern still finds the calls
    return found


def test_every_written_kind_is_classified_once() -> None:
    kinds = written_kinds()
    free, system = timeline_kinds.FREE_TEXT_KINDS, timeline_kinds.SYSTEM_KINDS
    assert not free & system
    unclassified = {k: where for k, where in kinds.items() if k not in free | system}
    assert unclassified == {}, "classify these in core/timeline_kinds.py"
    assert {"update", "note", "console_message"} <= set(kinds)


def test_slack_retention_and_report_share_the_one_list() -> None:
    free = timeline_kinds.FREE_TEXT_KINDS
    assert set(FREE_TEXT_TIMELINE) == free
    assert free <= WORDS_KINDS
    for kind in sorted(written_kinds()):
        entry = TimelineEntry(1, 0.0, kind, "Ana Perez", "Maria Lopez agents")
        posted = "\n".join(timeline_text([entry], "America/New_York"))
        assert ("Maria" in posted) is (kind not in free), kind


def test_an_unknown_kind_counts_as_words() -> None:
    assert timeline_kinds.carries_words("something_new")
    assert not timeline_kinds.carries_words("paged")
