"""The after-action report as a PDF, with ReportLab (decision 0034).

``render_pdf(report, language) -> bytes`` lays out the data of ``build.build_report``:
summary, timings, pages, the procedure sections as sentences and "label: value" lines
(``report.sections``), documents (listed, never shown), timeline and the audit of who
viewed it.
Text is set in Bitstream Vera, the TrueType font ReportLab ships (Unicode: "Pérez",
"señora" render as written; no system font needed). Every time is shown in the
district's time zone (the report's ``timezone``), as "Mon 11/30 09:40". Every value
is escaped for ReportLab's paragraph markup.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from alertbot.report import sections
from alertbot.text.report import minutes_seconds, readable, report_label

FONT, BOLD = "Vera", "VeraBd"
MILESTONES = ("triggered", "first_page", "acknowledged", "on_site", "resolved")
MAX_CELL = 600  # characters of one cell: a very long value is cut (the JSON has it whole)


def _fonts() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, "Vera.ttf"))  # reportlab/fonts/
        pdfmetrics.registerFont(TTFont(BOLD, "VeraBd.ttf"))


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontName=FONT, fontSize=9,
                          leading=11.5)
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontName=BOLD, fontSize=15),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=BOLD, fontSize=12,
                             spaceBefore=10),
        "body": body,
        "cell": ParagraphStyle("cell", parent=body, fontSize=8, leading=10),
        "note": ParagraphStyle("note", parent=body, textColor=colors.HexColor("#8a1c1c")),
        "item": ParagraphStyle("item", parent=body, leftIndent=14),
    }


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (Mapping, list)):
        value = json.dumps(value, ensure_ascii=False)
    text = str(value)
    return text if len(text) <= MAX_CELL else text[:MAX_CELL - 1] + "…"


class _Pdf:
    def __init__(self, language: str, timezone: str) -> None:
        self.language = language
        self.timezone = timezone
        self.styles = _styles()
        self.story: list[Flowable] = []

    def say(self, key: str, **values: object) -> str:
        return report_label(self.language, key, **values)

    def para(self, text: str, style: str = "body") -> None:
        self.story.append(Paragraph(escape(text), self.styles[style]))

    def heading(self, key: str) -> None:
        self.para(self.say(key), "h2")

    def table(self, head: Sequence[str], rows: Sequence[Sequence[Any]],
              widths: Sequence[float] | None = None) -> None:
        cell = self.styles["cell"]
        data = [[Paragraph(f"<b>{escape(h)}</b>", cell) for h in head]]
        data += [[Paragraph(escape(_text(v)), cell) for v in row] for row in rows]
        table = Table(data, colWidths=widths, repeatRows=1)
        table.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        self.story.append(table)

    def pairs(self, rows: Sequence[tuple[str, Any]]) -> None:
        cell = self.styles["cell"]
        data = [[Paragraph(f"<b>{escape(k)}</b>", cell), Paragraph(escape(_text(v)), cell)]
                for k, v in rows]
        table = Table(data, colWidths=[1.8 * inch, 4.9 * inch])
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        self.story.append(table)

    def when(self, iso: object, seconds: bool = False) -> str:
        return readable(iso, self.timezone, self.language, seconds)

    def blocks(self, blocks: Sequence[sections.Block]) -> None:
        """Each block a line, its details indented under it ("None recorded." if none)."""
        if not blocks:
            self.para(self.say("none"))
        for head, lines in blocks:
            if head:
                self.para(head)
            for line in lines:
                self.para(_text(line), "item")
            self.story.append(Spacer(1, 3))


def render_pdf(report: Mapping[str, Any], language: str = "en") -> bytes:
    """The report (``build.build_report``'s data) as PDF bytes, headings in
    ``language`` (en, es)."""
    _fonts()
    timezone = str(report.get("timezone") or "UTC")
    pdf = _Pdf(language, timezone)
    incident = report["incident"]
    pdf.para(pdf.say("title", n=incident.get("id"), title=incident.get("title") or ""),
             "title")
    if report.get("redacted"):
        pdf.para(pdf.say("redacted"), "note")
    pdf.para(pdf.say("generated", when=pdf.when(report.get("generated_at"), True),
                     timezone=report.get("timezone") or ""))
    pdf.heading("summary")
    pdf.pairs([(pdf.say("school"), incident.get("school_name") or incident.get("school")),
               (pdf.say("type"), incident.get("incident")),
               (pdf.say("state"), incident.get("state")),
               (pdf.say("source"), incident.get("source")),
               (pdf.say("reporter"), report.get("reporter")),
               (pdf.say("acknowledged_by"), report.get("acknowledged_by")),
               (pdf.say("resolved_by"), report.get("resolved_by"))]
              + ([(pdf.say("details"), report.get("details"))]
                 if report.get("details") else []))
    pdf.heading("timings")
    times = report["timings"]
    pdf.table([pdf.say("milestone"), pdf.say("time"), pdf.say("from_trigger")],
              [(pdf.say(m), pdf.when(times[m]["at"], True) or pdf.say(
                  "before_trigger" if times[m].get("flag") else "not_reached"),
                minutes_seconds(times[m]["seconds"])) for m in MILESTONES],
              [2.0 * inch, 2.6 * inch, 1.6 * inch])
    pdf.heading("pages")
    pages = report.get("pages") or []
    if pages:
        pdf.table([pdf.say("time"), pdf.say("to"), pdf.say("channel"), pdf.say("step"),
                   pdf.say("result")],
                  [(pdf.when(p.get("at")), p.get("to"), f"{p.get('channel')} ({p.get('kind')})",
                    f"{(p.get('step') or 0) + 1} / {p.get('round') or 0}"
                    if p.get("step") is not None else "",
                    " ".join(filter(None, [p.get("result"), p.get("error")])))
                   for p in pages],
                  [1.5 * inch, 1.4 * inch, 1.2 * inch, 0.8 * inch, 1.8 * inch])
    else:
        pdf.para(pdf.say("no_pages"))
    if "procedure" in report:
        pdf.heading("procedure")
        pdf.blocks(sections.checklist(report["procedure"] or [], timezone, language))
    for name in ("encounter", "warrant_reviews", "records_requests"):
        if name in report:
            pdf.heading(name)
            render = (sections.warrant_reviews if name == "warrant_reviews"
                      else sections.records)
            pdf.blocks(render(report[name] or [], timezone, language))
    pdf.heading("documents")
    docs = report.get("documents") or []
    if docs:
        pdf.table(["#", pdf.say("doc_type"), pdf.say("doc_size"), pdf.say("doc_from"),
                   pdf.say("doc_added")],
                  [(d.get("id"), d.get("content_type") or d.get("status"), d.get("bytes"),
                    d.get("added_by"), pdf.when(d.get("added_at"))) for d in docs])
    else:
        pdf.para(pdf.say("no_documents"))
    pdf.heading("timeline")
    pdf.table([pdf.say("time"), pdf.say("kind"), pdf.say("actor"), pdf.say("text")],
              [(pdf.when(e.get("at")), e.get("kind"), e.get("actor"), e.get("text"))
               for e in report.get("timeline") or []],
              [1.5 * inch, 1.0 * inch, 1.2 * inch, 3.0 * inch])
    pdf.heading("audit")
    audit = report.get("audit") or []
    if audit:
        pdf.table([pdf.say("time"), pdf.say("who"), pdf.say("action")],
                  [(pdf.when(a.get("at")), a.get("who"), a.get("action")) for a in audit])
    else:
        pdf.para(pdf.say("no_audit"))
    out = io.BytesIO()
    document = SimpleDocTemplate(out, pagesize=LETTER, title=f"Incident {incident.get('id')}",
                                 author="alertbot", leftMargin=0.75 * inch,
                                 rightMargin=0.75 * inch, topMargin=0.7 * inch,
                                 bottomMargin=0.7 * inch)
    document.build(pdf.story)
    return out.getvalue()
