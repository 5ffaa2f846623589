"""The page of an official Vietnamese document, Nghị định 30/2020/NĐ-CP, Phụ lục I, as named
constants: every PDF writer takes its margins, sizes and spacing from here, and the layout tests read
the same figures back out of the PDFs.

Where the decree gives a range, the value chosen sits inside it; the tests check the range."""

from __future__ import annotations

from typing import Final

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm

PAGE_WIDTH, PAGE_HEIGHT = A4

# Lề trên, lề dưới 20–25 mm; lề trái 30–35 mm; lề phải 15–20 mm.
MARGIN_RANGES_MM: Final = {"top": (20, 25), "bottom": (20, 25), "left": (30, 35), "right": (15, 20)}
MARGIN_TOP: Final = 20 * mm
MARGIN_BOTTOM: Final = 20 * mm
MARGIN_LEFT: Final = 30 * mm
MARGIN_RIGHT: Final = 15 * mm
TEXT_WIDTH: Final = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT

# Times New Roman's metrics in a face licensed for shipping (SIL OFL) with every Vietnamese letter.
FONT_FAMILY: Final = "LiberationSerif"

BODY_SIZE: Final = 13.0  # nội dung 13–14
BODY_LEADING: Final = 16.0  # a little over single spacing ("từ cách dòng đơn")
PARAGRAPH_SPACE: Final = 6.0  # khoảng cách giữa các đoạn: tối thiểu 6 pt
FIRST_LINE_INDENT: Final = 10 * mm  # lùi đầu dòng 1–1,27 cm
TABLE_SIZE: Final = 12.0  # a table's text, a point under the body
TABLE_LEADING: Final = 14.0
TITLE_SIZE: Final = 14.0  # tên loại văn bản 13–14, đứng, đậm
NATION_SIZE: Final = 12.0  # quốc hiệu 12–13, in hoa, đậm: 12 keeps it on one line beside the issuer
ISSUER_SIZE: Final = 12.5  # tên cơ quan 12–13, in hoa
RECIPIENTS_HEAD_SIZE: Final = 12.0  # "Nơi nhận:" 12, nghiêng, đậm
RECIPIENTS_SIZE: Final = 11.0  # the recipients themselves, 11, đứng
SIGNATURE_ROOM: Final = 24 * mm  # between the signer's title and name: the signature and the seal

# Số trang: chữ số Ả Rập, cỡ 13–14, canh giữa lề trên, không hiển thị ở trang thứ nhất.
PAGE_NUMBER_SIZE: Final = 13.0
PAGE_NUMBER_BASELINE: Final = PAGE_HEIGHT - 13 * mm  # in the top margin, clear of the text

UNSPLIT_TABLE_ROWS: Final = 10
"""A table of at most this many rows below its header is moved whole to the next page rather
than split; a longer one splits between rows and repeats its header."""
