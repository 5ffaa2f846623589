"""The pages' formatting: the product's one formatting module (`app.formatting`), re-exported
where the pages have always imported it from."""

from __future__ import annotations

from datetime import date, datetime

from app import formatting
from app.formatting import (
    index,
    local,
    now_vietnam,
    number,
    percent,
    round_name,
    signed,
    today_vietnam,
)
from app.ui.session import lang


def day(value: date | None) -> str:
    """A date in the page's language (2 Dec 2026 in English)."""
    return formatting.day(value, lang())


def when(moment: datetime | None) -> str:
    """A moment in Vietnam time, in the page's language."""
    return formatting.when(moment, lang())


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
