"""The words the writers print, in both languages (kept beside the writers, which are pure)."""

from __future__ import annotations

from app.i18n import t


def L(key: str, lang: str, **values: object) -> str:
    return t(f"export.{key}", lang, **values)
