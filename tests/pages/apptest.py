"""Driving the real app with Streamlit's AppTest: log in through the form, as a user would."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
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
    parts.extend(f"{m.label} {m.value}" for m in at.metric)
    return "\n".join(parts)
