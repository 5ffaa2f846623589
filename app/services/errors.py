"""Errors a use case raises for the page or the command line to show as they are, in both languages.

The words live in `app/i18n/errors.yaml`, looked up by key like the interface's strings, so that a
translator edits data, not code, and a test can check every message has both languages."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, Self

from app import yaml_text

MESSAGES = Path(__file__).parents[1] / "i18n" / "errors.yaml"


@cache
def messages() -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = yaml_text.load(MESSAGES.read_text(encoding="utf-8"))
    return data


def message(key: str, **values: object) -> tuple[str, str]:
    """The Vietnamese and English text of a message, its placeholders filled."""
    entry = messages()[key]
    return entry["vi"].format(**values), entry["en"].format(**values)


class ServiceError(Exception):
    """A refusal the user can act on; nothing was written."""

    def __init__(self, vi: str, en: str, field: str | None = None) -> None:
        self.vi = vi
        self.en = en
        self.field = field
        self.key: str | None = None  # the errors.yaml key, when raised by `said`
        super().__init__(f"{vi} / {en}")

    @classmethod
    def said(cls, key: str, /, **values: Any) -> Self:
        """The error whose words are `key` in errors.yaml; `field`, `problems` and `problems_vi`
        go to the error itself, every other keyword fills a placeholder."""
        own = {k: values.pop(k) for k in ("field", "problems", "problems_vi") if k in values}
        vi, en = message(key, **values)
        error = cls(vi, en, **own)
        error.key = key
        return error

    def text(self, lang: str = "vi") -> str:
        return self.en if lang == "en" else self.vi


class NotFound(ServiceError):
    pass


class Forbidden(ServiceError):
    """Outside the acting user's role or scope. Said the same way as NotFound for objects outside
    the scope, so that a probe cannot tell which tax codes exist elsewhere."""


class Conflict(ServiceError):
    pass


class Invalid(ServiceError):
    """Bad input; `problems` holds field → message pairs when there are several."""

    def __init__(
        self,
        vi: str,
        en: str,
        field: str | None = None,
        problems: list[tuple[str, str]] | None = None,
        problems_vi: list[tuple[str, str]] | None = None,
    ) -> None:
        super().__init__(vi, en, field)
        self.problems = problems or []
        self.problems_vi = problems_vi or self.problems

    def problems_in(self, lang: str) -> list[tuple[str, str]]:
        """(field, message) pairs in the reader's language."""
        return self.problems_vi if lang == "vi" else self.problems
