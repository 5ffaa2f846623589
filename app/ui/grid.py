"""Every table on every page goes through `data_table`: Streamlit's own "Download as CSV" writes
what the table holds, and a company named `=HYPERLINK(…)` would be a formula in the official's
spreadsheet. Text cells are made spreadsheet-safe (`app.safe_text.spreadsheet_cell`) on the way
in; the page shows the same characters."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from app.safe_text import spreadsheet_cell


def spreadsheet_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with every text cell a spreadsheet keeps as text (a copy; numbers untouched)."""
    safe = frame.copy(deep=False)
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            safe[column] = values.map(lambda v: spreadsheet_cell(v) if isinstance(v, str) else v)
    return safe


def data_table(frame: pd.DataFrame, **options: Any) -> Any:
    """`st.dataframe` of a spreadsheet-safe copy of `frame`; returns what st.dataframe returns
    (the selection, for a table whose rows can be picked)."""
    return st.dataframe(spreadsheet_safe(frame), **options)
