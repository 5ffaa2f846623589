"""User text shown as text. Streamlit renders Markdown (and its own `:color[…]` and `:icon:`
directives) in titles, captions, alerts and metric labels, so a company name such as
`[✅ APPROVED](http://evil.example)` or `![](http://tracker/x.png)` would become a live link or an
outside image. Every company-editable or uploaded string goes through `plain()` before it reaches
such an element; tables go through `app.ui.grid.data_table`, whose CSV download a spreadsheet
opens as text."""

from __future__ import annotations

import re

from app.safe_text import without_autolinks, without_unseen

# every ASCII punctuation mark may be backslash-escaped in CommonMark: links, images, HTML and
# Streamlit's directives become text (bare URLs need more: `without_autolinks`)
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_LINE_BREAKS = re.compile(r"[\r\n\t\v\f]+")


def plain(value: object, limit: int = 500) -> str:
    """`value` as literal text in any Markdown-rendering element, on one line, at most `limit`
    characters."""
    text = _LINE_BREAKS.sub(" ", str(value))
    text = without_unseen(text).strip()
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return _PUNCTUATION.sub(r"\\\1", without_autolinks(text))
