"""Every table on every page goes through `data_table`: Streamlit's own "Download as CSV" writes
what the table holds, and a company named `=HYPERLINK(…)` would be a formula in the official's
spreadsheet. Text cells are made spreadsheet-safe (`app.safe_text.spreadsheet_cell`) on the way
in; the page shows the same characters.

Numbers are shown in the page's language by `app.formatting` (1.384 and 58,33 % in Vietnamese,
1,384 and 58.33% in English): Streamlit's column formats follow the browser's locale, not the
page's. They are written as a pandas Styler's display values, so a column still sorts by its
numbers. The Styler renders every cell (10,000 rows of 10 columns: 0.66 s of pandas, and 0.6 s of
formatting, which was 2.2 s through Babel's patterns): above STYLED_CELLS cells (more than 10,000
companies in one list) it would cost the page more than it gives, and the numbers are left to
Streamlit."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal

import pandas as pd
import streamlit as st

from app import formatting
from app.safe_text import spreadsheet_cell
from app.ui.session import lang

NumberKind = Literal["count", "decimal", "index", "percent100"]
"""count: 1.384; decimal: up to 2 decimals; index: a risk index in percent, 2 decimals (58,33 %);
percent100: a percentage 0–100 with one decimal (92,5 %)"""
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
        return formatting.quantity(value, language)

    return shown


def localized(frame: pd.DataFrame, numbers: Mapping[str, NumberKind] | None = None) -> Any:
    """The frame with its numeric columns shown in the page's language: the kinds named in
    `numbers`, integers as counts and other numbers with up to two decimals."""
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
