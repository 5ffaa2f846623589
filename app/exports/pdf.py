"""PDF reports with reportlab and the DejaVu Sans font shipped in exports/fonts, so every Vietnamese
letter renders on a machine that has no fonts at all. Charts use reportlab's own graphics."""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics import shapes
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle, tables

from app.exports.labels import L
from app.exports.report import ChairmanReport, CompanyLine, CompanyReport, clean
from app.formatting import index, number, percent

FONTS = Path(__file__).with_name("fonts")
REGULAR, BOLD = "ZoneRiskSans", "ZoneRiskSans-Bold"
MAX_LISTED = 60  # companies listed by name in one table before "and N more"
NON_FILERS_PER_AREA = 25


@cache
def register_fonts() -> None:
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONTS / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)
    # reportlab's graphics (charts, the QR code) start each drawing in Helvetica, which no PDF here
    # embeds and preflight checks flag: start them in the shipped font instead
    shapes.STATE_DEFAULTS["fontName"] = REGULAR
    tables.CellStyle.fontname = REGULAR  # likewise every table cell, even one holding paragraphs


def _styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    base = ParagraphStyle("base", fontName=REGULAR, fontSize=10, leading=13.5)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=11),
        "center": ParagraphStyle("center", parent=base, alignment=TA_CENTER),
        "center_bold": ParagraphStyle("center_bold", parent=base, fontName=BOLD, alignment=TA_CENTER),
        "title": ParagraphStyle(
            "title", parent=base, fontName=BOLD, fontSize=14, leading=18, alignment=TA_CENTER
        ),
        "h2": ParagraphStyle(
            "h2", parent=base, fontName=BOLD, fontSize=11.5, leading=15, spaceBefore=8, spaceAfter=4
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=10.5),
        "cell_bold": ParagraphStyle("cell_bold", parent=base, fontName=BOLD, fontSize=8.5, leading=10.5),
        "center_small": ParagraphStyle(
            "center_small", parent=base, fontSize=8, leading=10, alignment=TA_CENTER
        ),
        "recipients_head": ParagraphStyle(
            "recipients_head", parent=base, fontName=BOLD, fontSize=9, leading=11
        ),
        "recipients": ParagraphStyle("recipients", parent=base, fontSize=8, leading=10),
        "footnote": ParagraphStyle("footnote", parent=base, fontSize=7.5, leading=9.5),
    }


def p(text: object, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(clean(text))), style)


def _numbered_canvas(lang: str) -> type[Canvas]:
    class NumberedCanvas(Canvas):  # type: ignore[misc]  # reportlab ships no type hints
        """Defers each page so the footer can say 'page x of y'."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self.setFont(REGULAR, 8)
                self.setFillColor(colors.grey)
                self.drawCentredString(
                    A4[0] / 2, 10 * mm, L("page", lang, page=self._pageNumber, pages=total)
                )
                super().showPage()
            super().save()

    return NumberedCanvas


def _document(buffer: io.BytesIO, title: str, invariant: bool) -> SimpleDocTemplate:
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=title,
        author="ZoneRisk",
        invariant=int(invariant),
        initialFontName=REGULAR,  # not ReportLab's Helvetica, which no PDF here embeds
    )


def _table(rows: list[list[Any]], widths: list[float], header: bool = True) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("FONTSIZE", (0, 0), (-1, -1), 8.5),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    if header:
        style += [
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#1F4E79")),
            ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
        ]
    table.setStyle(TableStyle(style))
    return table


def _percent(value: float | None, lang: str) -> str:
    return percent(value, lang)


def _level_chart(report: ChairmanReport) -> Drawing:
    labels = {lv.id: lv for lv in report.levels}
    counts = [c for _, c, _ in report.level_counts]
    drawing = Drawing(170 * mm, 62 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 14 * mm, 12 * mm, 150 * mm, 42 * mm
    chart.data = [counts]
    chart.categoryAxis.categoryNames = [labels[i].label for i, _, _ in report.level_counts]
    chart.categoryAxis.labels.fontName = REGULAR
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontName = REGULAR
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max([*counts, 1]) * 1.15
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = REGULAR
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 6
    for n, (level_id, _, _) in enumerate(report.level_counts):
        chart.bars[(0, n)].fillColor = colors.HexColor(labels[level_id].color)
    drawing.add(chart)
    drawing.add(String(14 * mm, 57 * mm, L("chairman.chart_levels", report.lang), fontName=BOLD, fontSize=9))
    return drawing


def _filing_chart(report: ChairmanReport) -> Drawing:
    areas = [a for a in report.areas if a.expected]
    height = max(30, 7 * len(areas)) * mm
    drawing = Drawing(170 * mm, height + 16 * mm)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 48 * mm, 6 * mm, 115 * mm, height
    chart.data = [[round(a.submitted / a.expected * 100, 1) for a in reversed(areas)]]
    chart.categoryAxis.categoryNames = [a.name for a in reversed(areas)]
    chart.categoryAxis.labels.fontName = REGULAR
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontName = REGULAR
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.bars[0].fillColor = colors.HexColor("#2B8CBE")
    chart.barLabelFormat = "%.0f"
    chart.barLabels.fontName = REGULAR
    chart.barLabels.fontSize = 6.5
    chart.barLabels.nudge = 8
    drawing.add(chart)
    drawing.add(
        String(0, height + 10 * mm, L("chairman.chart_filing", report.lang), fontName=BOLD, fontSize=9)
    )
    return drawing


def _heading(report: ChairmanReport, s: dict[str, ParagraphStyle]) -> Table:
    h, lang = report.heading, report.lang
    left = [
        p(h.authority, s["center"]),
        p(h.issuer, s["center_bold"]),
        p("———", s["center"]),
        p(h.number, s["center"]),
    ]
    dateline = L(
        "dateline",
        lang,
        place=h.place,
        day=f"{report.issued_on.day:02d}",
        month=f"{report.issued_on.month:02d}",
        year=str(report.issued_on.year),
    )
    right = [
        p(L("nation", lang), s["center_bold"]),
        p(L("motto", lang), s["center_bold"]),
        p("———", s["center"]),
        Paragraph(f"<i>{escape(dateline)}</i>", s["center"]),
    ]
    table = Table([[left, right]], colWidths=[82 * mm, 93 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


COMPANY_WIDTHS = [27 * mm, 50 * mm, 30 * mm, 16 * mm, 18 * mm, 34 * mm]


def _company_rows(
    lines: list[CompanyLine], report: ChairmanReport, s: dict[str, ParagraphStyle]
) -> list[list[Any]]:
    """Tax codes and level names are plain cells, which never wrap: a branch tax code must not
    break at its hyphen, nor a level name over two lines."""
    labels = {lv.id: lv.label for lv in report.levels}
    lang = report.lang
    rows: list[list[Any]] = [
        [
            p(h, s["cell_bold"])
            for h in (
                L("tax_code", lang),
                L("name", lang),
                L("zone", lang),
                L("workers", lang),
                L("index", lang),
                L("level", lang),
            )
        ]
    ]
    for c in lines[:MAX_LISTED]:
        rows.append(
            [
                c.tax_code,
                p(c.name, s["cell"]),
                p(c.zone, s["cell"]),
                number(c.workers, lang),
                index(c.risk_index, lang),
                labels.get(c.level or "", "—"),
            ]
        )
    return rows


def _non_filers(report: ChairmanReport, s: dict[str, ParagraphStyle]) -> list[Any]:
    """Counts by area first (expected, missing), then the names grouped under each area."""
    lang = report.lang
    if not report.non_filers:
        return [p(L("chairman.none_missing", lang), s["base"])]
    by_area: dict[str, list[CompanyLine]] = {}
    for c in report.non_filers:
        by_area.setdefault(c.zone, []).append(c)
    expected = {a.name: a.expected for a in report.areas}
    ordered = sorted(by_area.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    rows: list[list[Any]] = [
        [p(h, s["cell_bold"]) for h in (L("area", lang), L("expected", lang), L("missing", lang))]
    ]
    for area, lines in ordered:
        rows.append([p(area, s["cell"]), number(expected.get(area), lang), number(len(lines), lang)])
    rows.append(
        [
            p(L("total", lang), s["cell_bold"]),
            number(sum(expected.get(a, 0) for a, _ in ordered), lang),
            number(len(report.non_filers), lang),
        ]
    )
    parts: list[Any] = [_table(rows, [95 * mm, 40 * mm, 40 * mm])]
    for area, lines in ordered:
        parts.append(p(f"{area} ({number(len(lines), lang)})", s["cell_bold"]))
        listed = [
            [c.tax_code, p(c.name, s["cell"]), c.contact_phone or "—"] for c in lines[:NON_FILERS_PER_AREA]
        ]
        table = Table(listed, colWidths=[27 * mm, 113 * mm, 35 * mm])
        table.setStyle(
            TableStyle([("FONTNAME", (0, 0), (-1, -1), REGULAR), ("FONTSIZE", (0, 0), (-1, -1), 8)])
        )
        parts.append(table)
        if len(lines) > NON_FILERS_PER_AREA:
            parts.append(p(L("chairman.more", lang, count=len(lines) - NON_FILERS_PER_AREA), s["small"]))
    return parts


def _signature_block(
    recipients: list[str], title: str, name: str, lang: str, s: dict[str, ParagraphStyle]
) -> KeepTogether:
    """Nghị định 30/2020/NĐ-CP: "Nơi nhận" bottom left; bottom right the signer's title, room for
    the signature and the seal, and the signer's full name."""
    left: list[Any] = []
    if recipients:
        left = [p(L("recipients", lang) + ":", s["recipients_head"])]
        left += [p(f"- {r}", s["recipients"]) for r in recipients]
    right: list[Any] = [
        p(title, s["center_bold"]),
        p(L("sign_hint", lang), s["center_small"]),
        Spacer(1, 24 * mm),
        p(name or " ", s["center_bold"]),
    ]
    table = Table([[left, right]], colWidths=[85 * mm, 90 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return KeepTogether(table)


def chairman_pdf(report: ChairmanReport, invariant: bool = False) -> bytes:
    """The periodic report to the provincial chairman, headed like an official document."""
    s = _styles()
    lang = report.lang
    buffer = io.BytesIO()
    story: list[Any] = [_heading(report, s), Spacer(1, 6 * mm)]
    story.append(p(L("chairman.title", lang), s["title"]))
    story.append(p(L("chairman.subject", lang, period=report.period_name), s["center_bold"]))
    story.append(Spacer(1, 4 * mm))
    story.append(p(L("chairman.to", lang, recipient=report.heading.recipient), s["center"]))
    story.append(Spacer(1, 4 * mm))
    due = f"{report.due_on:%d/%m/%Y}"
    story.append(
        p(
            L(
                "chairman.intro",
                lang,
                issuer=report.heading.issuer_name,
                period=report.period_name,
                due=due,
            ),
            s["base"],
        )
    )
    if report.note:
        story.append(p(report.note, s["small"]))

    f = report.filing
    story.append(p(L("chairman.s1", lang), s["h2"]))
    story.append(
        p(
            L(
                "chairman.filing_line",
                lang,
                expected=f.expected,
                submitted=f.submitted,
                share=_percent(f.submitted / f.expected if f.expected else None, lang),
                on_time=f.on_time,
                late=f.late,
                missing=f.missing,
            ),
            s["base"],
        )
    )
    story.append(
        p(
            L(
                "chairman.adoption_line",
                lang,
                bluezone=_percent(report.adoption[0], lang),
                health=_percent(report.adoption[1], lang),
            ),
            s["base"],
        )
    )
    if any(a.expected for a in report.areas):
        story.append(_filing_chart(report))

    story.append(p(L("chairman.s2", lang), s["h2"]))
    labels = {lv.id: lv.label for lv in report.levels}
    workers_total = sum(w for _, _, w in report.level_counts)
    rows = [
        [
            p(h, s["cell_bold"])
            for h in (L("level", lang), L("companies", lang), L("workers", lang), L("worker_share", lang))
        ]
    ]
    for level_id, companies, workers in report.level_counts:
        rows.append(
            [
                labels[level_id],
                number(companies, lang),
                number(workers, lang),
                _percent(workers / workers_total if workers_total else None, lang),
            ]
        )
    story.append(_table(rows, [60 * mm, 35 * mm, 35 * mm, 35 * mm]))
    story.append(p(L("chairman.operate_line", lang, count=report.may_not_operate), s["base"]))
    story.append(_level_chart(report))

    story.append(p(L("chairman.s3", lang), s["h2"]))
    if report.high_risk:
        story.append(
            _table(
                _company_rows(list(report.high_risk), report, s),
                COMPANY_WIDTHS,
            )
        )
        if len(report.high_risk) > MAX_LISTED:
            story.append(p(L("chairman.more", lang, count=len(report.high_risk) - MAX_LISTED), s["small"]))
    else:
        story.append(p(L("chairman.none_high", lang), s["base"]))

    story.append(p(L("chairman.s4", lang), s["h2"]))
    story.extend(_non_filers(report, s))

    story.append(p(L("chairman.s5", lang), s["h2"]))
    change = report.change
    if change is None:
        story.append(p(L("chairman.no_previous", lang), s["base"]))
    else:
        if report.round_open:
            story.append(p(L("chairman.round_open", lang, due=f"{report.due_on:%d/%m/%Y}"), s["small"]))
        story.append(
            p(
                L(
                    "chairman.change_filing",
                    lang,
                    before=_percent(change.filed_share_before, lang),
                    previous=change.previous_name,
                    now=_percent(change.filed_share_now, lang),
                ),
                s["base"],
            )
        )
        rows = [
            [
                p(L("level", lang), s["cell_bold"]),
                p(L("level_counts_before", lang), s["cell_bold"]),
                p(L("level_counts_now", lang), s["cell_bold"]),
            ]
        ]
        for level_id, companies, _ in report.level_counts:
            rows.append(
                [
                    labels[level_id],
                    number(change.level_counts_before.get(level_id, 0), lang),
                    number(companies, lang),
                ]
            )
        story.append(_table(rows, [60 * mm, 40 * mm, 40 * mm]))
        if change.risers:
            story.append(p(L("chairman.risers", lang, count=len(change.risers)), s["base"]))
            story.append(
                _table(
                    _company_rows(list(change.risers), report, s),
                    COMPANY_WIDTHS,
                )
            )
    story.append(Spacer(1, 8 * mm))
    story.append(
        _signature_block(
            report.heading.recipients, report.heading.signer_title, report.heading.signer_name, lang, s
        )
    )
    document = _document(buffer, L("chairman.subject", lang, period=report.period_name), invariant)
    document.build(story, canvasmaker=_numbered_canvas(lang))
    return buffer.getvalue()


def _company_heading(report: CompanyReport, s: dict[str, ParagraphStyle]) -> Table:
    """The company issues its own report: its name and tax code top left, the national motto and
    the date top right, as a Vietnamese document is headed."""
    lang = report.lang
    issued = report.issued_on
    left = [
        p(report.company_name.upper(), s["center_bold"]),
        p(f"{L('tax_code', lang)}: {report.tax_code}", s["center"]),
        p("———", s["center"]),
    ]
    right: list[Any] = [
        p(L("nation", lang), s["center_bold"]),
        p(L("motto", lang), s["center_bold"]),
        p("———", s["center"]),
    ]
    if issued is not None:
        dateline = L(
            "dateline",
            lang,
            place=report.district or report.zone,
            day=f"{issued.day:02d}",
            month=f"{issued.month:02d}",
            year=str(issued.year),
        )
        right.append(Paragraph(f"<i>{escape(dateline)}</i>", s["center"]))
    table = Table([[left, right]], colWidths=[82 * mm, 93 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def company_pdf(report: CompanyReport, invariant: bool = False) -> bytes:
    """A company's assessment to keep on file, with a QR code to the verification page."""
    s = _styles()
    lang = report.lang
    buffer = io.BytesIO()
    story: list[Any] = [_company_heading(report, s), Spacer(1, 5 * mm)]
    story.append(p(L("company.title", lang), s["title"]))
    story.append(Spacer(1, 2 * mm))
    at = f"{report.submitted_at:%H:%M %d/%m/%Y}" if report.submitted_at else "—"
    story.append(
        p(L("company.submitted", lang, period=report.period_name, at=at, status=report.status), s["center"])
    )
    if report.on_time is not None and report.due_on is not None:
        due = f"{report.due_on:%d/%m/%Y}"
        if report.on_time:
            story.append(p(L("company.on_time", lang, due=due), s["center"]))
        else:
            story.append(p(L("company.late", lang, due=due), s["center_bold"]))

    story.append(p(L("company.profile", lang), s["h2"]))
    profile = [
        (L("name", lang), report.company_name),
        (L("tax_code", lang), report.tax_code),
        (L("zone", lang), f"{report.zone} · {report.district}"),
        (L("sector", lang), report.sector),
        (L("company.address", lang), report.address or "—"),
        (L("company.workers_profile", lang), number(report.workers, lang)),
    ]
    story.append(
        _table(
            [[p(k, s["cell_bold"]), p(v, s["cell"])] for k, v in profile], [55 * mm, 120 * mm], header=False
        )
    )

    story.append(p(L("company.result", lang), s["h2"]))
    level_box = Table(
        [
            [
                p(
                    L(
                        "company.total_line",
                        lang,
                        total=report.total,
                        max=report.max_total,
                        index=index(report.risk_index, lang),
                        level=report.level.label,
                    ),
                    s["cell_bold"],
                )
            ]
        ],
        colWidths=[175 * mm],
    )
    level_box.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(report.level.color)),
                ("BOX", (0, 0), (-1, -1), 0.5, colors.black),
            ]
        )
    )
    story.append(level_box)
    answer = L("yes", lang) if report.may_operate else L("no", lang)
    story.append(
        p(
            L("company.operate", lang, answer=answer)
            + (f" – {report.operate_reason}" if report.operate_reason else ""),
            s["base"],
        )
    )
    story.append(p(L("company.obligation", lang, text=report.obligation), s["base"]))

    story.append(p(L("company.fix", lang), s["h2"]))
    story.append(p(report.fix_note, s["base"]))
    for fix in report.fixes:
        story.append(p(f"• {fix.what}: {fix.change} (−{number(fix.points, lang)})", s["base"]))

    story.append(p(L("company.criteria", lang) + (" (*)" if report.note else ""), s["h2"]))
    rows = [
        [
            p(h, s["cell_bold"])
            for h in (
                L("company.criterion", lang),
                L("company.answer", lang),
                L("company.points", lang),
                L("company.max", lang),
                L("company.provenance", lang),
            )
        ]
    ]
    for c in report.criteria:
        rows.append(
            [
                p(f"{c.id} · {c.title}", s["cell"]),
                p(c.answer, s["cell"]),
                number(c.points, lang),
                number(c.max, lang),
                p(c.provenance, s["cell"]),
            ]
        )
    story.append(_table(rows, [55 * mm, 70 * mm, 13 * mm, 13 * mm, 24 * mm]))

    story.append(p(L("company.answers", lang), s["h2"]))
    story.append(
        _table(
            [[p(k, s["cell"]), p(v, s["cell"])] for k, v in report.answers], [110 * mm, 65 * mm], header=False
        )
    )
    story.append(p(L("company.workers_note", lang), s["small"]))
    story.append(
        p(
            L(
                "company.ruleset",
                lang,
                title=report.ruleset_title,
                version=str(report.ruleset_version),
                hash=report.ruleset_hash[:16],
            ),
            s["small"],
        )
    )

    qr = QrCodeWidget(report.verify_url)
    x0, y0, x1, y1 = qr.getBounds()
    size = 32 * mm
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(qr)
    verify = Table(
        [[drawing, [p(L("company.verify", lang), s["cell"]), p(report.verify_url, s["cell"])]]],
        colWidths=[36 * mm, 139 * mm],
    )
    verify.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story.append(Spacer(1, 4 * mm))
    story.append(KeepTogether(verify))
    story.append(Spacer(1, 6 * mm))
    story.append(_signature_block([], L("company.representative", lang), "", lang, s))
    if report.note:
        story.append(Spacer(1, 4 * mm))
        story.append(p(report.note, s["footnote"]))
    document = _document(buffer, f"{report.company_name} – {report.period_name}", invariant)
    document.build(story, canvasmaker=_numbered_canvas(lang))
    return buffer.getvalue()
