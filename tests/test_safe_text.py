"""User text made safe for spreadsheets, Markdown and reports, with the same characters read."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.safe_text import FORMULA_START, WORD_JOINER, spreadsheet_cell, without_autolinks, without_unseen
from tests.security.test_hostile_text import GFM_EMAIL, GFM_URL


def test_a_formula_becomes_text_and_reads_the_same() -> None:
    for formula in ("=1+1", "+84 912", "-2", "@SUM(A1)", "\t=x", '=HYPERLINK("http://e.x")'):
        safe = spreadsheet_cell(formula)
        assert not safe.startswith(FORMULA_START) and safe.replace(WORD_JOINER, "") == formula.lstrip("\r")
    assert spreadsheet_cell("Công ty An Phát") == "Công ty An Phát"


def test_bidirectional_overrides_and_zero_width_characters_are_dropped() -> None:
    assert without_unseen("Công ty \u202egnahT\u202c \u200bAn\x07") == "Công ty gnahT An"
    assert without_unseen("dòng 1\ndòng 2\tcột") == "dòng 1\ndòng 2\tcột"


@given(st.text())
def test_no_cell_starts_a_formula_and_nothing_unseen_survives(text: str) -> None:
    safe = spreadsheet_cell(text)
    assert not safe.startswith(FORMULA_START)
    assert without_unseen(safe.removeprefix(WORD_JOINER)) == safe.removeprefix(WORD_JOINER)


@given(st.text(alphabet=st.sampled_from("htps:/w.@ab-_1é ")))
def test_markdown_finds_no_link_in_text_without_autolinks(text: str) -> None:
    safe = without_autolinks(text)
    assert GFM_URL.search(safe) is None and GFM_EMAIL.search(safe) is None
    assert safe.replace(WORD_JOINER, "") == text
