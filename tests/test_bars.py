"""The HTML bars (Overview: levels; Result: sections): what a browser draws and a screen reader says."""

from __future__ import annotations

import re

import pandas as pd

from app.ui.bars import Segment, points_bars, stacked_bars
from app.ui.grid import table_html

LEVELS = [Segment("Thấp", "#1a9850"), Segment("Rất cao", "#a50026"), Segment("Chưa nộp", "#bdbdbd")]


def test_each_segment_is_its_share_of_the_widest_bar_and_says_its_count() -> None:
    drawn = stacked_bars("Theo khu", LEVELS, [("KCN A", [3, 1, 0]), ("KCN B", [1, 0, 1])])
    widths = [float(w) for w in re.findall(r"width:([\d.]+)%", drawn)]
    assert widths == [75.0, 25.0, 25.0, 25.0]  # the widest bar (4) fills the width; a 0 draws nothing
    assert re.findall(r'aria-label="([^"]+)"', drawn)[1:] == [
        "Thấp: 3",
        "Rất cao: 1",
        "Thấp: 1",
        "Chưa nộp: 1",
    ]
    assert re.findall(r'class="zr-total">(\d+)<', drawn) == ["4", "2"]


def test_names_are_text_not_markup() -> None:
    drawn = stacked_bars("<b>t</b>", LEVELS, [('<img src=x onerror="alert(1)">', [1, 0, 0])])
    assert "<img" not in drawn and "<b>" not in drawn
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in drawn


def test_counts_are_readable_on_every_level_colour() -> None:
    assert Segment("x", "#a50026").text_color == "#fff"  # white on dark red
    assert Segment("x", "#fee08b").text_color == "#111"  # dark on yellow
    assert Segment("x", "#bdbdbd").text_color == "#111"


def test_no_rows_draws_an_empty_chart_without_dividing_by_zero() -> None:
    assert 'class="zr-row"' not in stacked_bars("t", LEVELS, [])
    zero = stacked_bars("t", LEVELS, [("KCN A", [0, 0, 0])])
    assert 'class="zr-seg"' not in zero and 'class="zr-total">0<' in zero


def test_the_results_section_bars_show_points_against_each_sections_maximum() -> None:
    drawn = points_bars(
        "Điểm theo phần", "Điểm", "Tối đa", [("1. Nhân lực", 6, 20), ("2. <Ca làm>", 10, 10), ("3. Xe", 0, 5)]
    )
    widths = [float(w) for w in re.findall(r"width:([\d.]+)%", drawn)]
    # one scale for all (the largest maximum, 20): scored, then what is left up to the section's maximum
    assert widths == [30.0, 70.0, 50.0, 0.0, 0.0, 25.0]
    assert re.findall(r'class="zr-total">([^<]+)<', drawn) == ["6/20", "10/10", "0/5"]
    assert 'aria-label="1. Nhân lực: 6/20"' in drawn and "<Ca" not in drawn


def test_a_static_table_writes_numbers_in_the_pages_language_and_text_as_text() -> None:
    frame = pd.DataFrame(
        {"Tiêu chí": ['<img src=x onerror="alert(1)">', "CS2"], "Điểm": [1384, 0], "Tỷ lệ": [58.333, 0.5]}
    )
    vi, en = table_html(frame, "vi"), table_html(frame, "en", {"Tỷ lệ": "index"})
    assert "<img" not in vi and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in vi
    assert re.findall(r'<td data-label="Điểm" class="zr-num">([^<]+)<', vi) == ["1.384", "0"]
    assert re.findall(r'<td data-label="Tỷ lệ" class="zr-num">([^<]+)<', vi) == ["58,33", "0,5"]
    assert re.findall(r'<td data-label="Tỷ lệ" class="zr-num">([^<]+)<', en) == ["58.33%", "0.50%"]
    assert vi.count("<tr>") == 3 and '<th class="zr-num">Điểm</th>' in vi


def test_a_share_is_rounded_once_half_up_and_a_missing_one_is_a_dash() -> None:
    """381 of 400 is 95,25 %: written 95,3 % (half up, from the share itself), never 95,2 %."""
    frame = pd.DataFrame({"Khu vực": ["KCN A", "KCN B"], "Đã nộp": [381 / 400, None]})
    vi = table_html(frame, "vi", {"Đã nộp": "share"})
    en = table_html(frame, "en", {"Đã nộp": "share"})
    assert re.findall(r'<td data-label="Đã nộp" class="zr-num">([^<]+)<', vi) == ["95,3\u00a0%", "—"]
    assert re.findall(r'<td data-label="Đã nộp" class="zr-num">([^<]+)<', en) == ["95.3%", "—"]
