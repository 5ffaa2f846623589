"""The pages' formatting: the product's one formatting module (`app.formatting`), re-exported
where the pages have always imported it from."""

from __future__ import annotations

from app.formatting import (
    day,
    index,
    local,
    now_vietnam,
    number,
    percent,
    round_name,
    signed,
    today_vietnam,
    when,
)
from app.ui.session import lang


def rn(name: str) -> str:
    """A round's name in the page's language."""
    return round_name(name, lang())


__all__ = [
    "day",
    "index",
    "local",
    "now_vietnam",
    "number",
    "percent",
    "rn",
    "signed",
    "today_vietnam",
    "when",
]
