"""User text shown as text. Streamlit renders Markdown (and its own `:color[…]` and `:icon:`
directives) in titles, captions, alerts and metric labels, so a company name such as
`[✅ APPROVED](http://evil.example)` or `![](http://tracker/x.png)` would become a live link or an
outside image. Every company-editable or uploaded string goes through `plain()` before it reaches
such an element; tables (`st.dataframe`) show text as text already."""

from __future__ import annotations

import re

# every ASCII punctuation mark may be backslash-escaped in CommonMark; escaping all of them also
# breaks GFM's bare-URL and e-mail autolinks (`http\:`, `www\.`, `a\@b\.vn`) and Streamlit's directives
_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
# bidirectional overrides and zero-width characters can make a name read differently from what it is
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_LINE_BREAKS = re.compile(r"[\r\n\t\v\f]+")


def plain(value: object, limit: int = 500) -> str:
    """`value` as literal text in any Markdown-rendering element, on one line, at most `limit`
    characters."""
    text = _INVISIBLE.sub("", str(value))
    text = _LINE_BREAKS.sub(" ", text).strip()
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return _PUNCTUATION.sub(r"\\\1", text)
