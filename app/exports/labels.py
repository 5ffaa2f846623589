"""The words the writers print, in both languages (kept beside the writers, which are pure)."""

from __future__ import annotations

from app.formatting import formatted
from app.i18n import t


def L(key: str, lang: str, **values: object) -> str:
    """A report's sentence, with its numbers written the language's way (147.759 / 147,759):
    pass years and ids as text."""
    return t(f"export.{key}", lang, **formatted(values, lang))
