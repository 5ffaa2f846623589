"""What every PDF report shares: the shipped DejaVu Sans (so Vietnamese renders on a machine with no
fonts, and no other font is ever written), styles, page numbering, tables and the signature block
laid out per Nghị định 30/2020."""

from __future__ import annotations

import io
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics import shapes
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
from app.exports.report import clean
from app.formatting import long_date, percent

FONTS = Path(__file__).with_name("fonts")
REGULAR, BOLD = "ZoneRiskSans", "ZoneRiskSans-Bold"


@cache
def register_fonts() -> None:
    pdfmetrics.registerFont(TTFont(REGULAR, str(FONTS / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(FONTS / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=REGULAR, boldItalic=BOLD)
    # reportlab's graphics (charts, the QR code) start each drawing in Helvetica, which no PDF here
    # embeds and preflight checks flag: start them in the shipped font instead
    shapes.STATE_DEFAULTS["fontName"] = REGULAR
    tables.CellStyle.fontname = REGULAR  # likewise every table cell, even one holding paragraphs


def styles() -> dict[str, ParagraphStyle]:
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


def numbered_canvas(lang: str) -> type[Canvas]:
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


def document(buffer: io.BytesIO, title: str, invariant: bool) -> SimpleDocTemplate:
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


def table(rows: list[list[Any]], widths: list[float], header: bool = True) -> Table:
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


def share(value: float | None, lang: str) -> str:
    return percent(value, lang)


def signature_block(
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


def document_heading(
    issuer: list[Any], lang: str, place: str, issued: date | None, s: dict[str, ParagraphStyle]
) -> Table:
    """A Vietnamese document's heading: who issues it top left, the national motto and the dated
    place top right (Nghị định 30/2020)."""
    right: list[Any] = [
        p(L("nation", lang), s["center_bold"]),
        p(L("motto", lang), s["center_bold"]),
        p("———", s["center"]),
    ]
    if issued is not None:
        dateline = L("dateline", lang, place=place, date=long_date(issued, lang))
        right.append(Paragraph(f"<i>{escape(dateline)}</i>", s["center"]))
    heading = Table([[issuer, right]], colWidths=[82 * mm, 93 * mm])
    heading.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return heading
