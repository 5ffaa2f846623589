"""The pages' formatting: the product's one formatting module (`app.formatting`), re-exported
where the pages have always imported it from."""

from __future__ import annotations

from app.formatting import day, index, local, now_vietnam, number, percent, signed, today_vietnam, when

__all__ = ["day", "index", "local", "now_vietnam", "number", "percent", "signed", "today_vietnam", "when"]
