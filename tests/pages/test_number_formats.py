"""Every page writes numbers its language's way: no 1,234 or 12.34 % on a Vietnamese page, no
1.234 or 12,34 % on an English one."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.apptest import PASSWORDS, app, texts

PAGES = {
    "demo.zoneboard": ["overview", "lists", "company_detail", "visits", "inspections", "reminders"],
    "demo.ict": ["overview", "province"],
    "demo.company": ["home", "result", "history", "profile", "whatif", "my_inspections"],
}


def _other_locale(text: str, lang: str) -> list[str]:
    if lang == "vi":
        patterns = [r"\d,\d{3}(?!\d)", r"(?<![\w./:])\d+\.\d{1,2}(?!\d)\s?%"]
    else:
        patterns = [r"(?<![\w./:])\d{1,3}(\.\d{3})+(?![\d,])", r"\d,\d{1,2}\s?%"]
    return [m.group(0) for pattern in patterns for m in re.finditer(pattern, text)]


def _table_cells(at: AppTest) -> list[str]:
    """Every number a table shows, as the browser draws it: a styled table's display values, else
    the value itself (what Streamlit writes for an unformatted number)."""
    import pyarrow as pa

    shown: list[str] = []
    for table in at.dataframe:
        frame = table.value
        numeric = [n for n, c in enumerate(frame.columns) if pd.api.types.is_numeric_dtype(frame[c])]
        numeric = [n for n in numeric if not pd.api.types.is_bool_dtype(frame.iloc[:, n])]
        arrow = table.proto.arrow_data
        if arrow.HasField("styler"):
            drawn = pa.ipc.open_stream(arrow.styler.display_values).read_all().to_pandas()
            shown += [str(v) for n in numeric for v in drawn.iloc[:, n]]
        else:
            shown += [str(v) for n in numeric for v in frame.iloc[:, n] if v == v]
    return shown


def _cell_in_other_locale(cell: str, lang: str) -> bool:
    """1384 or 58.33 in a Vietnamese table; 1384 or 58,33 in an English one."""
    if re.search(r"\d{4,}", cell.replace(".", "").replace(",", "")) and not re.search(r"[.,]", cell):
        return True  # four digits or more with no thousands mark
    mark = r"\." if lang == "vi" else ","
    return bool(re.search(rf"\d{mark}\d{{1,2}}(?!\d)", cell))


def _session_in(lang: str, username: str) -> AppTest:
    """Logged in with the language chosen before the first page renders (AppTest keeps a
    selectbox's formatted label across a later switch, which a browser does not)."""
    at = app()
    at.session_state["lang"] = lang
    at.run()
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(PASSWORDS[username])
    at.button[0].click().run()
    at.run()  # where a browser reloads with its cookie
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("username", list(PAGES))
def test_pages_write_numbers_in_their_language(seeded: str, username: str, lang: str) -> None:
    at = _session_in(lang, username)
    for page in PAGES[username]:
        at.switch_page(f"app/pages/{page}.py").run()
        assert not at.exception, (page, at.exception)
        found = _other_locale(texts(at), lang)
        found += [c for c in _table_cells(at) if _cell_in_other_locale(c, lang)]
        # inputs: a number field with decimals writes 22998.50 in any language; a decimal typed
        # as text is shown the language's way
        found += [f"decimal number field {w.key}" for w in at.number_input if "%." in w.proto.format]
        found += [
            f"{w.key}={w.value}"
            for w in at.text_input
            if re.fullmatch(r"[\d.,]+", w.value or "") and _cell_in_other_locale(w.value or "", lang)
        ]
        for chart in at.get("plotly_chart"):  # ticks and hovers: the language's marks, its % sign
            layout = json.loads(chart.proto.spec)["layout"]
            if layout.get("separators") != {"vi": ",.", "en": ".,"}[lang]:
                found.append(f"chart separators {layout.get('separators')!r}")
            if (
                "map" not in layout
                and json.loads(chart.proto.config or "{}").get("displayModeBar") is not False
            ):
                found.append("a tool bar over the chart's title")
            suffixes = [a.get("ticksuffix") for k, a in layout.items() if k.startswith(("xaxis", "yaxis"))]
            found += [
                f"tick suffix {x!r}" for x in suffixes if x and x != ("\u00a0%" if lang == "vi" else "%")
            ]
        assert found == [], (page, found)


def test_the_chairman_report_is_previewed_without_taking_a_number(seeded: str) -> None:
    from tests.databases import scalar

    at = _session_in("vi", "demo.ict")
    at.toggle(key=f"chairman_{at.session_state['round']}_show").set_value(True).run()
    assert not at.exception
    previews = [k for k in at.session_state if str(k).startswith("chairman_") and "_preview_" in str(k)]
    assert previews and at.session_state[previews[0]][:5] == b"%PDF-"
    assert scalar(seeded, "SELECT count(*) FROM exportlog") == 0
    assert scalar(seeded, "SELECT count(*) FROM documentregister") == 0


def test_round_names_read_in_english(seeded: str) -> None:
    at = _session_in("en", "demo.ict")
    page = texts(at)
    assert "Week " in page and "Tuần " not in page


def test_downloads_are_named_by_what_they_are() -> None:
    """Issue 26: "zonerisk-1-3189.pdf" said nothing in a downloads folder."""
    from app.ui.downloads import file_name

    assert (
        file_name("phiếu kết quả", "2400812345", "Tuần 49/2026 (30/11–06/12)", extension="pdf")
        == "phieu-ket-qua-2400812345-tuan-49-2026.pdf"
    )
    assert file_name("result report", "", "Đợt Đông Bắc", extension="pdf") == "result-report-dot-dong-bac.pdf"
    assert (
        file_name("zonerisk", "Tuần 23/2021 (07/06–13/06)", extension="xlsx") == "zonerisk-tuan-23-2021.xlsx"
    )


def test_a_province_wide_list_is_written_in_the_page_s_language() -> None:
    """Issue 26: a list of 8,000 companies (80,000 cells) was left to Streamlit's own format,
    1384 and 58.33 in Vietnamese. It is shown through the Styler like a short one, and still
    sorts by its numbers."""
    import numpy as np

    from app.ui.grid import localized

    rows = 8_000
    frame = pd.DataFrame(
        {f"count{n}": np.arange(rows) * 7 + 1000 for n in range(5)}
        | {f"share{n}": np.linspace(0, 100, rows) for n in range(4)}
        | {"name": [f"Công ty {n}" for n in range(rows)]}
    )
    styled = localized(frame, {"share0": "index"})
    assert not isinstance(styled, pd.DataFrame), "left unformatted"
    styled._compute()
    body = styled._translate(False, False)["body"]  # each row: its header cell, then the columns
    assert body[1][1]["display_value"] == "1.007"
    assert body[rows - 1][6]["display_value"] == "100,00\u00a0%"
    assert body[4000][7]["display_value"] == "50,01"
    drawn = [str(row[n]["display_value"]) for row in body for n in range(1, 10)]
    assert [cell for cell in drawn if _cell_in_other_locale(cell, "vi")] == []
    assert pd.api.types.is_numeric_dtype(styled.data["count0"])  # the browser sorts the numbers
