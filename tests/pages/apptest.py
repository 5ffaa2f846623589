"""Driving the real app with Streamlit's AppTest: log in through the form, as a user would."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from streamlit.components.v2 import manifest_scanner
from streamlit.testing.v1 import AppTest

from app.formatting import typed_number

ROOT = Path(__file__).resolve().parents[2]
PASSWORDS = {
    "demo.company": "HoaBinh-Garment-2021",
    "demo.zoneboard": "KCN-BacGiang-2021",
    "demo.labour": "LDTBXH-BacGiang-2021",
    "demo.ict": "TTTT-BacGiang-2021",
    "demo.admin": "Admin-ZoneRisk-2021",
}


# Each new AppTest's first run looks for custom components in every installed distribution's
# metadata: 0.2 s of CPU, 40 % of the pages' tests' time (92,000 metadata files parsed for 218 of
# them). What is installed does not change during a test run, so it is looked for once; the pages
# run as before (a running server looks once, when it starts).
manifest_scanner.scan_component_manifests = cache(manifest_scanner.scan_component_manifests)


def app() -> AppTest:
    return AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)


def logged_in(username: str, lang: str = "vi") -> AppTest:
    at = app()
    at.run()
    if lang != "vi":
        at.sidebar.radio[0].set_value(lang).run()
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(PASSWORDS[username])
    at.button[0].click().run()
    assert not at.exception, at.exception
    at.run()  # a browser reloads here with its cookie; AppTest's tab goes on with its own token
    assert not at.exception, at.exception
    return at


def fill(at: AppTest, prefix: str, answers: Mapping[str, Any], lang: str = "vi") -> None:
    """Answer the questions shown, as a user would: whole numbers in the number fields, choices in
    the radios, decimals typed in the reader's way (22.998,5 in Vietnamese) in their text fields."""
    for input_id, value in answers.items():
        key = f"in_{prefix}_{input_id}"
        for widget in [w for w in at.number_input if w.key == key] + [w for w in at.radio if w.key == key]:
            widget.set_value(value)
        for field in [w for w in at.text_input if w.key == f"{key}_{lang}"]:
            field.input(typed_number(value, lang))


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def texts(at: AppTest) -> str:
    """Everything a user reads on the page, as one string, with Markdown's backslash escapes
    resolved as the browser shows them."""
    return _ESCAPED.sub(r"\1", markdown_source(at)).replace("\u2060", "")  # the WORD JOINER is unseen


class _Tables(HTMLParser):
    """The cells of every `<table class="zr-table">`, as the browser shows their text."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table" and ("class", "zr-table") in attrs:
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("th", "td") and self.tables:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


class _Figures(HTMLParser):
    """The headline figures of every `<dl class="zr-figures">` (`app.ui.widgets.headline_figures`):
    each label with its figure and its note, as the browser shows their text."""

    def __init__(self) -> None:
        super().__init__()
        self.figures: list[list[str]] = []
        self._inside = 0
        self._text: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "dl" and ("class", "zr-figures") in attrs:
            self._inside += 1
        elif self._inside and tag == "dt":
            self.figures.append([])
            self._text = []
        elif self._inside and tag == "dd":
            self._text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "dl" and self._inside:
            self._inside -= 1
        elif tag in ("dt", "dd") and self._text is not None:
            self.figures[-1].append("".join(self._text))
            self._text = None

    def handle_data(self, data: str) -> None:
        if self._text is not None:
            self._text.append(data)


def figure_rows(at: Any) -> list[tuple[str, str, str]]:
    """Every headline figure the page shows, in order, as (label, figure, note or "").
    `at` is an AppTest or a page's element tree (`bench.stclient.Page.tree`)."""
    parser = _Figures()
    for element in at.markdown:
        parser.feed(str(element.value))
    return [(label, value, note[0] if note else "") for label, value, *note in parser.figures]


def figures(at: Any) -> dict[str, str]:
    """The headline figures as {label: figure}, as a user reads them. A page that shows one label
    twice (the province's two sections) is read with `figure_rows`: a dict would keep the last."""
    rows = figure_rows(at)
    labels = [label for label, _, _ in rows]
    assert len(set(labels)) == len(labels), f"a label shown twice, read figure_rows: {labels}"
    return {label: value for label, value, _ in rows}


def static_tables(at: AppTest) -> list[list[dict[str, str]]]:
    """The HTML tables the page shows (`app.ui.grid.static_table`), each as rows of {header: text}."""
    parser = _Tables()
    for element in at.markdown:
        parser.feed(str(element.value))
    return [[dict(zip(table[0], row, strict=True)) for row in table[1:]] for table in parser.tables]


def markdown_source(at: AppTest) -> str:
    """The Markdown the page sends to the browser, escapes and all."""
    parts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "info",
        "warning",
        "error",
        "success",
    ):
        parts.extend(str(element.value) for element in getattr(at, kind))
    parts.extend(f"{m.label} {m.value}" for m in at.metric)  # the pages that still draw st.metric
    return "\n".join(parts)
