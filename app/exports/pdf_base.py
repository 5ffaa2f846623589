"""What every PDF report shares: the shipped Liberation Serif (Times New Roman's metrics, every
Vietnamese letter, SIL Open Font License beside it in fonts/; so a machine with no fonts prints the
same and no other font is ever written), the decree's styles, page numbers, tables, heading and
signature block (Nghị định 30/2020/NĐ-CP, Phụ lục I; the figures in app.exports.decree)."""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics import shapes
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
    tables,
)

from app.exports import decree
from app.exports.labels import L
from app.exports.report import clean
from app.formatting import long_date, percent

FONTS = Path(__file__).with_name("fonts")
REGULAR, BOLD = decree.FONT_FAMILY, f"{decree.FONT_FAMILY}-Bold"
ITALIC, BOLD_ITALIC = f"{decree.FONT_FAMILY}-Italic", f"{decree.FONT_FAMILY}-BoldItalic"


RENDERING = threading.RLock()
"""One PDF laid out at a time per process. ReportLab keeps process-wide state that it fills
lazily and shares between documents (its named colours, each font's subset bookkeeping), and two
builds at once corrupt it: seen as "Invalid color value 'black'" and an IndexError when four
threads exported at once. Streamlit runs every session in a thread of one process, so two
officials exporting together would meet it; a report takes a second, so they queue instead."""


@cache
def register_fonts() -> None:
    with RENDERING:
        _register_fonts()


def _register_fonts() -> None:
    for name in (REGULAR, BOLD, ITALIC, BOLD_ITALIC):
        face = name if "-" in name else f"{name}-Regular"
        pdfmetrics.registerFont(TTFont(name, str(FONTS / f"{face}.ttf")))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC)
    # reportlab's graphics (charts, the QR code) start each drawing in Helvetica, which no PDF here
    # embeds and preflight checks flag: start them in the shipped font instead
    shapes.STATE_DEFAULTS["fontName"] = REGULAR
    tables.CellStyle.fontname = REGULAR  # likewise every table cell, even one holding paragraphs


def styles() -> dict[str, ParagraphStyle]:
    """The decree's type: body 13 pt justified with its first line indented, tables 12 pt, the
    heading's lines at their own sizes (see app.exports.decree)."""
    register_fonts()
    base = ParagraphStyle(
        "base",
        fontName=REGULAR,
        fontSize=decree.BODY_SIZE,
        leading=decree.BODY_LEADING,
        alignment=TA_JUSTIFY,
        firstLineIndent=decree.FIRST_LINE_INDENT,
        spaceBefore=decree.PARAGRAPH_SPACE,
    )
    plain = ParagraphStyle("plain", parent=base, alignment=TA_LEFT, firstLineIndent=0, spaceBefore=0)
    center = ParagraphStyle("center", parent=plain, alignment=TA_CENTER)
    cell = ParagraphStyle(
        "cell", parent=plain, fontSize=decree.TABLE_SIZE, leading=decree.TABLE_LEADING, wordWrap="LTR"
    )

    def sized(name: str, parent: ParagraphStyle, size: float, font: str | None = None) -> ParagraphStyle:
        """A style at one of the decree's sizes, its lines 2 pt apart."""
        return ParagraphStyle(
            name, parent=parent, fontName=font or parent.fontName, fontSize=size, leading=size + 2
        )

    return {
        "base": base,
        "small": ParagraphStyle(
            "small", parent=base, fontSize=decree.TABLE_SIZE, leading=decree.TABLE_LEADING
        ),
        "center": center,
        "center_bold": ParagraphStyle("center_bold", parent=center, fontName=BOLD),
        "heading": sized("heading", center, decree.ISSUER_SIZE),
        "heading_bold": sized("heading_bold", center, decree.ISSUER_SIZE, BOLD),
        "nation": sized("nation", center, decree.NATION_SIZE, BOLD),
        "dateline": ParagraphStyle("dateline", parent=center, fontName=ITALIC),
        "title": ParagraphStyle(
            "title", parent=center, fontName=BOLD, fontSize=decree.TITLE_SIZE, leading=decree.TITLE_SIZE + 4
        ),
        "h2": ParagraphStyle(
            "h2", parent=base, fontName=BOLD, spaceBefore=decree.PARAGRAPH_SPACE * 2, keepWithNext=1
        ),
        "cell": cell,
        "cell_bold": ParagraphStyle("cell_bold", parent=cell, fontName=BOLD),
        "cell_center": ParagraphStyle("cell_center", parent=cell, alignment=TA_CENTER),
        "recipients_head": sized("recipients_head", plain, decree.RECIPIENTS_HEAD_SIZE, BOLD_ITALIC),
        "recipients": sized("recipients", plain, decree.RECIPIENTS_SIZE),
        "sign_hint": ParagraphStyle("sign_hint", parent=center, fontName=ITALIC, fontSize=decree.TABLE_SIZE),
        "footnote": sized("footnote", plain, decree.RECIPIENTS_SIZE),
    }


def p(text: object, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(clean(text))), style)


def _page_number(canvas: Canvas, doc: object) -> None:
    """Từ trang thứ hai: the number alone, centred over the text in the top margin."""
    canvas.saveState()
    canvas.setFont(REGULAR, decree.PAGE_NUMBER_SIZE)
    centre = decree.MARGIN_LEFT + decree.TEXT_WIDTH / 2
    canvas.drawCentredString(centre, decree.PAGE_NUMBER_BASELINE, str(canvas.getPageNumber()))
    canvas.restoreState()


def build(buffer: io.BytesIO, title: str, story: list[Any], invariant: bool) -> None:
    """Lays the story out on the decree's page: its margins, the number at the top of every page
    but the first."""
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=decree.MARGIN_LEFT,
        rightMargin=decree.MARGIN_RIGHT,
        topMargin=decree.MARGIN_TOP,
        bottomMargin=decree.MARGIN_BOTTOM,
        title=title,
        author="ZoneRisk",
        invariant=int(invariant),
        initialFontName=REGULAR,  # not ReportLab's Helvetica, which no PDF here embeds
    )
    doc.keepTogetherClass = HeadingWithNext
    with RENDERING:
        doc.build(story, onLaterPages=_page_number)


def table(rows: list[list[Any]], widths: list[float], header: bool = True) -> Table:
    """A grid in the table type. One of at most UNSPLIT_TABLE_ROWS rows moves whole to the next
    page rather than split; a longer one splits between rows and repeats its header row."""
    if abs(sum(widths) - decree.TEXT_WIDTH) > 0.5 * mm:
        raise ValueError(f"a table is as wide as the text ({sum(widths) / mm:.1f} mm given)")
    body_rows = len(rows) - (1 if header else 0)
    kind = WholeTable if body_rows <= decree.UNSPLIT_TABLE_ROWS else Table
    grid = kind(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), REGULAR),
        ("FONTSIZE", (0, 0), (-1, -1), decree.TABLE_SIZE),
        ("LEADING", (0, 0), (-1, -1), decree.TABLE_LEADING),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        style += [("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E7E6E6"))]
    grid.setStyle(TableStyle(style))
    return grid


class HeadingWithNext(KeepTogether):  # type: ignore[misc]  # reportlab ships no type hints
    """What a heading's keepWithNext wraps it in. Before a long table, the heading only needs the
    table's header and its first rows beside it, not the whole table: then the table starts on
    this page and splits, rather than leaving the rest of the page empty."""

    ROWS_WITH_HEADING = 3

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        *before, last = self._content
        if isinstance(last, Table) and not isinstance(last, WholeTable):
            needed = sum(f.wrap(availWidth, availHeight)[1] + f.getSpaceBefore() for f in before)
            last.wrap(availWidth, availHeight)
            needed += sum(last._rowHeights[: self.ROWS_WITH_HEADING])
            if needed <= availHeight:
                return list(self._content)
        return list(super().split(availWidth, availHeight))


class WholeTable(Table):  # type: ignore[misc]  # reportlab ships no type hints
    """A short table, moved whole to the next page rather than split. Not a KeepTogether: that
    is a container, which a heading's keepWithNext does not join, so the heading would be left
    at the foot of the page."""

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        if self._height <= decree.PAGE_HEIGHT - decree.MARGIN_TOP - decree.MARGIN_BOTTOM - 12:
            return []
        return list(super().split(availWidth, availHeight))  # taller than any page: split after all


def share(value: float | None, lang: str) -> str:
    return percent(value, lang)


def signature_block(
    recipients: list[str],
    title: str,
    name: str,
    lang: str,
    s: dict[str, ParagraphStyle],
    *,
    closing: Sequence[Flowable] = (),
    footnote: Flowable | None = None,
    hint: bool = False,
) -> KeepTogether:
    """Nghị định 30/2020/NĐ-CP: "Nơi nhận" bottom left; bottom right the signer's title, room for
    the signature and the seal, and the signer's full name. Kept on one page with `closing`, the
    document's last paragraph, so the signature never stands on a page of its own, nor a
    `footnote` under it. `hint` asks
    for "(ký, ghi rõ họ tên…)" under the title, for a form a company signs, not an official's."""
    left: list[Any] = []
    if recipients:
        left = [p(L("recipients", lang) + ":", s["recipients_head"])]
        left += [p(f"- {r}", s["recipients"]) for r in recipients]
    right: list[Any] = [p(title.upper(), s["center_bold"])]
    if hint:
        right.append(p(L("sign_hint", lang), s["sign_hint"]))
    right += [Spacer(1, decree.SIGNATURE_ROOM), p(name or " ", s["center_bold"])]
    block = Table([[left, right]], colWidths=[decree.TEXT_WIDTH - 90 * mm, 90 * mm])
    block.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
                ("RIGHTPADDING", (-1, 0), (-1, -1), 0),
            ]
        )
    )
    after = [Spacer(1, decree.PARAGRAPH_SPACE), footnote] if footnote is not None else []
    return KeepTogether([*closing, Spacer(1, decree.PARAGRAPH_SPACE * 2), block, *after])


class Rule(Flowable):  # type: ignore[misc]  # reportlab ships no type hints
    """A centred line of a given length across whatever width it is placed in. Not ReportLab's
    HRFlowable: inside a table cell that one is drawn from the cell's left edge and over the
    line of text above it."""

    def __init__(self, length: float) -> None:
        super().__init__()
        self.length = length
        self.available = 0.0

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.available = availWidth
        return availWidth, 5.0

    def draw(self) -> None:
        start = max((self.available - self.length) / 2, 0)
        self.canv.setLineWidth(0.6)
        self.canv.line(start, 3.5, start + min(self.length, self.available), 3.5)


def rule_under(text: str, style: ParagraphStyle, share: float) -> Rule:
    """The line the decree draws under the motto (as long as it) and under the issuer's name (a
    third to a half of it), centred, drawn rather than typed as dashes."""
    return Rule(min(stringWidth(text, style.fontName, style.fontSize) * share, 60 * mm))


HEADING_LEFT = 69 * mm  # the issuer's column; the rest of the text's width is the motto's


def document_heading(
    issuer: list[Any], lang: str, place: str, issued: date | None, s: dict[str, ParagraphStyle]
) -> Table:
    """A Vietnamese document's heading: who issues it (and its number) top left, the national
    name, the motto and the italic dateline top right (Nghị định 30/2020, Phụ lục I)."""
    right: list[Any] = [
        p(L("nation", lang), s["nation"]),
        p(L("motto", lang), s["center_bold"]),
        rule_under(L("motto", lang), s["center_bold"], 1.0),
    ]
    if issued is not None:
        right.append(p(L("dateline", lang, place=place, date=long_date(issued, lang)), s["dateline"]))
    heading = Table([[issuer, right]], colWidths=[HEADING_LEFT, decree.TEXT_WIDTH - HEADING_LEFT])
    heading.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return heading
