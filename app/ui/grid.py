"""Every table on every page goes through `data_table`, or for a short one that needs no grid
`static_table` (HTML, no download). Streamlit's own "Download as CSV" writes what the grid holds,
and a company named `=HYPERLINK(…)` would be a formula in the official's spreadsheet. The grid's
text cells are made spreadsheet-safe (`app.safe_text.spreadsheet_cell`) on the way in; the page
shows the same characters.

Numbers are shown in the page's language by `app.formatting` (1.384 and 58,33 % in Vietnamese,
1,384 and 58.33% in English): Streamlit's column formats follow the browser's locale, not the
page's. They are written as a pandas Styler's display values, so a column still sorts by its
numbers. The Styler renders every cell (10,000 rows of 10 columns: 0.66 s of pandas, and 0.6 s of
formatting, which was 2.2 s through Babel's patterns): above STYLED_CELLS cells (more than 10,000
companies in one list) it would cost the page more than it gives, and the numbers are left to
Streamlit."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any, Literal

import pandas as pd
import streamlit as st

from app import formatting
from app.safe_text import spreadsheet_cell
from app.ui.session import lang

NumberKind = Literal["count", "decimal", "index", "percent100", "share"]
"""count: 1.384; decimal: up to 2 decimals; index: a risk index in percent, 2 decimals (58,33 %);
percent100: a percentage 0–100 with one decimal (92,5 %); share: a share of 1 written the same way,
rounded once from the share itself (381/400 → 95,3 %)"""
STYLED_CELLS = 100_000  # cells of the whole table: a Styler renders every one (10k × 10: 1.2 s)


def _formatter(kind: NumberKind, language: str) -> Callable[[Any], str]:
    def shown(value: Any) -> str:
        if value is None or (isinstance(value, float) and value != value):  # NaN: no figure
            return formatting.EMPTY
        if kind == "count":
            return formatting.number(value, language)
        if kind == "index":
            return formatting.index(value, language)
        if kind == "percent100":
            return formatting.percent(value / 100, language)
        if kind == "share":
            return formatting.percent(value, language)
        return formatting.quantity(value, language)

    return shown


def _kinds(frame: pd.DataFrame, numbers: Mapping[str, NumberKind] | None) -> dict[str, NumberKind]:
    """How each numeric column is written: the kinds named in `numbers`, integers as counts and
    other numbers with up to two decimals."""
    kinds: dict[str, NumberKind] = {}
    for column in frame.columns:
        values = frame[column]
        if numbers and column in numbers:
            kinds[column] = numbers[column]
        elif pd.api.types.is_bool_dtype(values):
            continue
        elif pd.api.types.is_integer_dtype(values):
            kinds[column] = "count"
        elif pd.api.types.is_float_dtype(values):
            kinds[column] = "decimal"
    return kinds


def localized(frame: pd.DataFrame, numbers: Mapping[str, NumberKind] | None = None) -> Any:
    """The frame with its numeric columns shown in the page's language (`_kinds`)."""
    kinds = _kinds(frame, numbers)
    if not kinds or frame.size > STYLED_CELLS:
        return frame
    language = lang()
    return frame.style.format({c: _formatter(k, language) for c, k in kinds.items()})


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell a spreadsheet keeps as text (a copy; numbers untouched)."""
    safe = frame.copy(deep=False)
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            safe[column] = values.map(lambda v: spreadsheet_cell(v) if isinstance(v, str) else v)
    return safe


ROW_PX = 35  # Streamlit's row height, the header's too
WHOLE_UP_TO = 40  # a table of at most this many rows is shown whole, not in a 10-row box


def data_table(frame: pd.DataFrame, numbers: Mapping[str, NumberKind] | None = None, **options: Any) -> Any:
    """`st.dataframe` of a spreadsheet-safe copy of `frame`, its numbers in the page's language;
    returns what st.dataframe returns (the selection, for a table whose rows can be picked). A
    short table (15 criteria) is shown whole: Streamlit's default box shows 10 rows and hid the
    rest behind a scroll inside the page's scroll."""
    if "height" not in options and 10 < len(frame) <= WHOLE_UP_TO:
        options["height"] = ROW_PX * (len(frame) + 1) + 3
    return st.dataframe(localized(spreadsheet_safe(frame), numbers), **options)


TABLE_STYLE = """<style>
.zr-table{width:100%;border-collapse:collapse;font-size:.875rem;margin:0 0 1rem 0}
.zr-table th,.zr-table td{padding:.3rem .5rem;text-align:left;vertical-align:top;overflow-wrap:break-word}
.zr-table th{font-weight:600}
.zr-table .zr-num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
@media (max-width:640px){
.zr-table thead{display:none}
.zr-table,.zr-table tbody,.zr-table tr{display:block;width:100%}
.zr-table tr{padding:.4rem 0;border-bottom:1px solid #8884}
.zr-table td,.zr-table .zr-num{display:block;border:none !important;padding:.1rem 0;text-align:left}
.zr-table td:first-child{font-weight:600}
.zr-table td:not(:first-child)::before{content:attr(data-label) ": ";opacity:.7}
}
</style>"""


def static_table(frame: pd.DataFrame, numbers: Mapping[str, NumberKind] | None = None) -> None:
    """A short table drawn in HTML, its numbers in the page's language. `data_table`'s grid is a
    canvas whose code a new session's browser fetches and lays out before the table shows: on the
    company's Result page that was 0.14 s of the 0.36 s from the click to the page drawn (`python -m
    bench browser`), for fifteen criteria nobody needs to sort. On a phone each row becomes a card
    (its cells one under the other, each with its heading), so nothing is squeezed into a narrow
    column."""
    st.markdown(TABLE_STYLE + table_html(frame, lang(), numbers), unsafe_allow_html=True)


def table_html(frame: pd.DataFrame, language: str, numbers: Mapping[str, NumberKind] | None = None) -> str:
    """The table's HTML. It has no "Download as CSV", so its text is escaped for HTML and needs no
    spreadsheet guard."""
    shown = {column: _formatter(kind, language) for column, kind in _kinds(frame, numbers).items()}
    number = ' class="zr-num"'
    head = "".join(f"<th{number if c in shown else ''}>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for record in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, record, strict=True):
            text = shown[column](value) if column in shown else "" if value is None else str(value)
            label = html.escape(str(column), quote=True)  # each cell's heading, on a phone where rows stack
            cells.append(
                f'<td data-label="{label}"{number if column in shown else ""}>{html.escape(text)}</td>'
            )
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f'<table class="zr-table"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
