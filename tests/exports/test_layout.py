"""The PDFs as an office clerk holding Nghị định 30/2020 would check them, read back from the files
(poppler's `pdffonts` and `pdftotext -bbox`): only the serif face, embedded; every word inside the
decree's margins; the page number alone, centred at the top, from page 2; the signature block never
on a page without the text it closes; a short table never split, a long one repeating its header."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import pytest
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from app.exports import decree
from app.exports.pdf_base import build, p, styles, table
from app.services.documents import chairman_reports, company_reports
from app.services.onsite import visits
from tests.databases import scalar
from tests.exports.test_figures import _file
from tests.services.helpers import GOOD_ANSWERS, actor, latest_period_id

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils is not installed")

POINTS_PER_MM = 72 / 25.4
SLACK = 0.5 * POINTS_PER_MM  # a glyph's side bearing


@dataclass(frozen=True)
class Word:
    text: str
    left: float
    top: float
    right: float
    bottom: float


class _Boxes(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.pages: list[list[Word]] = []
        self._box: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "page":
            self.pages.append([])
        elif tag == "word":
            self._box = {k: v or "" for k, v in attrs}

    def handle_data(self, data: str) -> None:
        if self._box is not None:
            b = self._box
            self.pages[-1].append(
                Word(data, float(b["xmin"]), float(b["ymin"]), float(b["xmax"]), float(b["ymax"]))
            )
            self._box = None


def pages_of(data: bytes, tmp_path: Path) -> list[list[Word]]:
    path = tmp_path / "read.pdf"
    path.write_bytes(data)
    html = subprocess.run(
        ["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    parser = _Boxes()
    parser.feed(html)
    return parser.pages


def text_on(page: list[Word]) -> str:
    return " ".join(w.text for w in page)


def _documents(tmp_path: Path) -> dict[str, bytes]:
    filed = _file(GOOD_ANSWERS, "layout")
    board = actor("zone_board")
    proposal = visits.propose(board, latest_period_id(), 12)
    plan = visits.save_plan(board, proposal)
    period = latest_period_id()
    return {
        "chairman": chairman_reports.export_chairman_pdf(actor("ict"), period),
        "chairman_en": chairman_reports.export_chairman_pdf(actor("ict"), period, "en"),
        "company": company_reports.export_company_pdf(actor("company"), filed),
        "plan": visits.export_plan(board, plan, "pdf"),
    }


def test_the_decrees_figures_sit_inside_its_ranges() -> None:
    """The constants every writer takes its layout from are the decree's (its ranges, in mm)."""
    margins = {
        "top": decree.MARGIN_TOP,
        "bottom": decree.MARGIN_BOTTOM,
        "left": decree.MARGIN_LEFT,
        "right": decree.MARGIN_RIGHT,
    }
    for side, (low, high) in decree.MARGIN_RANGES_MM.items():
        assert low * mm <= margins[side] <= high * mm, side
    assert 13 <= decree.BODY_SIZE <= 14 and 12 <= decree.TABLE_SIZE <= 13
    assert 13 <= decree.PAGE_NUMBER_SIZE <= 14


def test_only_the_serif_face_embedded_in_every_document(seeded: str, tmp_path: Path) -> None:
    for name, data in _documents(tmp_path).items():
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(data)
        listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        fonts = [line.split() for line in listing.splitlines()[2:]]
        assert fonts, name
        for row in fonts:
            assert re.fullmatch(r"[A-Z]{6}\+LiberationSerif(-Bold|-Italic|-BoldItalic)?", row[0]), (name, row)
            assert row[-5] == "yes", (name, row)  # embedded
        faces = {row[0].split("+")[1] for row in fonts}
        assert "LiberationSerif-Italic" in faces, (name, faces)  # the dateline


def test_margins_and_page_numbers_as_the_decree_asks(seeded: str, tmp_path: Path) -> None:
    left, right = decree.MARGIN_LEFT, decree.PAGE_WIDTH - decree.MARGIN_RIGHT
    top, bottom = decree.MARGIN_TOP, decree.PAGE_HEIGHT - decree.MARGIN_BOTTOM
    centre = (left + right) / 2
    for name, data in _documents(tmp_path).items():
        pages = pages_of(data, tmp_path)
        assert len(pages) >= 2, name  # so the page numbers are seen
        for number, page in enumerate(pages, start=1):
            in_margin = [w for w in page if w.bottom <= top]
            if number == 1:
                assert in_margin == [], (name, in_margin)
            else:
                assert [w.text for w in in_margin] == [str(number)], (name, number, in_margin)
                mark = in_margin[0]
                assert abs((mark.left + mark.right) / 2 - centre) < 1.5, (name, number, mark)
            body = [w for w in page if w not in in_margin]
            assert body, (name, number)
            assert min(w.left for w in body) >= left - SLACK, (name, number)
            assert max(w.right for w in body) <= right + SLACK, (name, number)
            assert max(w.bottom for w in body) <= bottom + SLACK, (name, number)


def test_no_page_holds_the_signature_without_the_text_it_closes(seeded: str, tmp_path: Path) -> None:
    closings = {
        "chairman": ("GIÁM ĐỐC", "Trên đây là báo cáo"),
        "chairman_en": ("DIRECTOR", "The above is the report"),
        "company": ("ĐẠI DIỆN DOANH NGHIỆP", "Chấm theo"),
        "plan": ("TRƯỞNG BAN", "Các đoàn kiểm tra thực hiện"),
    }
    for name, data in _documents(tmp_path).items():
        signer, closing = closings[name]
        pages = [text_on(page) for page in pages_of(data, tmp_path)]
        signed = [n for n, text in enumerate(pages) if signer in text]
        assert signed == [len(pages) - 1], (name, signed)
        assert closing in pages[-1], (name, pages[-1][:300])
        if name != "company":
            assert ("Nơi nhận:" in pages[-1]) or ("Copies to:" in pages[-1]), name


def test_the_visit_plan_is_a_numbered_document_of_its_agency(seeded: str, tmp_path: Path) -> None:
    board = actor("zone_board")
    first = visits.save_plan(board, visits.propose(board, latest_period_id(), 5))
    second = visits.save_plan(board, visits.propose(board, latest_period_id(), 5))
    texts = [
        text_on(pages_of(visits.export_plan(board, plan, "pdf"), tmp_path)[0]) for plan in (first, second)
    ]
    numbers = [
        scalar(seeded, "SELECT number FROM visitplan WHERE id = :p", p=plan) for plan in (first, second)
    ]
    assert numbers[1] == numbers[0] + 1
    for text, number in zip(texts, numbers, strict=True):
        assert f"Số: {number}/KH-BQL" in text
        assert "BAN QUẢN LÝ CÁC KHU CÔNG NGHIỆP" in text and "KẾ HOẠCH KIỂM TRA" in text
        assert re.search(r"Bắc Giang, ngày \d\d tháng \d\d? năm \d{4}", text), text[:300]
    logged = scalar(seeded, "SELECT number FROM exportlog WHERE report = 'visits.pdf' ORDER BY id LIMIT 1")
    assert logged == f"Số: {numbers[0]}/KH-BQL"


def test_a_plan_saved_before_plans_were_numbered_is_numbered_once(seeded: str, tmp_path: Path) -> None:
    from sqlalchemy import text

    from app.services.context import unit_of_work

    board = actor("zone_board")
    plan = visits.save_plan(board, visits.propose(board, latest_period_id(), 3))
    with unit_of_work(write=True) as session:
        session.execute(text("UPDATE visitplan SET number = NULL, agency = NULL WHERE id = :p"), {"p": plan})
    first = text_on(pages_of(visits.export_plan(board, plan, "pdf"), tmp_path)[0])
    again = text_on(pages_of(visits.export_plan(board, plan, "pdf"), tmp_path)[0])
    number = scalar(seeded, "SELECT number FROM visitplan WHERE id = :p", p=plan)
    assert number is not None and f"Số: {number}/KH-BQL" in first and f"Số: {number}/KH-BQL" in again


def test_production_prints_no_plan_without_its_signer(
    seeded: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from app.config import get_settings
    from app.services.errors import Invalid

    board = actor("zone_board")
    plan = visits.save_plan(board, visits.propose(board, latest_period_id(), 3))
    monkeypatch.setenv("ZONERISK_ENV", "production")
    monkeypatch.setenv("ZONERISK_SECRET_KEY", "k" * 16 + "9f3a1c" * 8)
    monkeypatch.setenv("ZONERISK_SIGNERS", '{"labour": "Trần Thị B"}')
    get_settings.cache_clear()
    with pytest.raises(Invalid):
        visits.export_plan(board, plan, "pdf")
    monkeypatch.setenv("ZONERISK_SIGNERS", '{"zone_board": "Nguyễn Văn A"}')
    get_settings.cache_clear()
    last = pages_of(visits.export_plan(board, plan, "pdf"), tmp_path)[-1]
    assert "Nguyễn Văn A" in text_on(last)


def _layout(story: list[object], tmp_path: Path) -> list[str]:
    buffer = io.BytesIO()
    build(buffer, "layout", story, invariant=True)
    return [text_on(page) for page in pages_of(buffer.getvalue(), tmp_path)]


def _grid(rows: int, tag: str) -> list[list[str]]:
    return [[f"{tag}-head", "x"]] + [[f"{tag}-row{n:02d}", str(n)] for n in range(1, rows + 1)]


def test_a_short_table_moves_whole_with_its_heading(tmp_path: Path) -> None:
    s = styles()
    filler = decree.PAGE_HEIGHT - decree.MARGIN_TOP - decree.MARGIN_BOTTOM - 60 * mm  # 60 mm left
    story: list[object] = [
        Spacer(1, filler),
        p("II. Short", s["h2"]),
        table(_grid(10, "short"), [100 * mm, decree.TEXT_WIDTH - 100 * mm]),
    ]
    pages = _layout(story, tmp_path)
    assert len(pages) == 2
    assert "II. Short" in pages[1] and all(f"short-row{n:02d}" in pages[1] for n in range(1, 11))


def test_a_long_table_starts_under_its_heading_and_repeats_its_header(tmp_path: Path) -> None:
    s = styles()
    filler = decree.PAGE_HEIGHT - decree.MARGIN_TOP - decree.MARGIN_BOTTOM - 60 * mm
    story: list[object] = [
        Spacer(1, filler),
        p("III. Long", s["h2"]),
        table(_grid(40, "long"), [100 * mm, decree.TEXT_WIDTH - 100 * mm]),
    ]
    pages = _layout(story, tmp_path)
    assert "III. Long" in pages[0] and "long-row01" in pages[0]  # no empty foot of the page
    assert all("long-head" in page for page in pages)
    rows = [row for page in pages for row in re.findall(r"long-row\d\d", page)]
    assert rows == [f"long-row{n:02d}" for n in range(1, 41)]  # each row once, in order


def test_a_heading_never_ends_a_page(tmp_path: Path) -> None:
    s = styles()
    filler = decree.PAGE_HEIGHT - decree.MARGIN_TOP - decree.MARGIN_BOTTOM - 14 * mm  # a line's room
    story: list[object] = [
        Spacer(1, filler),
        p("IV. Heading", s["h2"]),
        table(_grid(40, "next"), [100 * mm, decree.TEXT_WIDTH - 100 * mm]),
    ]
    pages = _layout(story, tmp_path)
    assert "IV. Heading" not in pages[0] and "IV. Heading" in pages[1]
