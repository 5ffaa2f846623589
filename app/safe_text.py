"""User text made safe for wherever it is shown, in one place: pages (Markdown), tables and their
CSV download, workbooks and PDFs. Pure: no Streamlit.

- Characters nobody sees but that change what is read: control characters, bidirectional
  overrides (U+202E makes "Công ty gnahT" read "Công ty Thang"), zero-width characters.
- Spreadsheet formulas: a cell that begins with = + - @ (or a tab or carriage return) is run as a
  formula by LibreOffice and Excel when a CSV is opened; an invisible WORD JOINER in front makes
  it text, and the reader sees the same characters.
- Autolinks: Streamlit's Markdown (remark-gfm) turns http://…, www.… and a@b.vn into live links
  even when their punctuation is escaped, because it looks for them in the text after escapes are
  resolved; a WORD JOINER after the scheme, after "www" and after "@" breaks its patterns and
  shows the same characters.
"""

from __future__ import annotations

import re

WORD_JOINER = "\u2060"
# control characters but tab and line breaks, bidirectional controls, zero-width characters
UNSEEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SCHEME = re.compile(r"(?i)(https?)(?=:)")
_WWW = re.compile(r"(?i)(www)(?=\.)")


def without_unseen(text: str) -> str:
    return UNSEEN.sub("", text)


def spreadsheet_cell(text: str) -> str:
    """Text that a spreadsheet opening it keeps as text."""
    text = without_unseen(text)
    return WORD_JOINER + text if text.startswith(FORMULA_START) else text


def without_autolinks(text: str) -> str:
    """Text in which Markdown finds no bare URL or e-mail address to link."""
    text = _SCHEME.sub(r"\1" + WORD_JOINER, text)
    text = _WWW.sub(r"\1" + WORD_JOINER, text)
    return text.replace("@", "@" + WORD_JOINER)
