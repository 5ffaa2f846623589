"""Errors a use case raises for the page or the command line to show as they are, in both languages."""

from __future__ import annotations


class ServiceError(Exception):
    """A refusal the user can act on; nothing was written."""

    def __init__(self, vi: str, en: str, field: str | None = None) -> None:
        self.vi = vi
        self.en = en
        self.field = field
        super().__init__(f"{vi} / {en}")

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
