"""Interface strings in Vietnamese and English, kept as data (strings.yaml), looked up by key.

Vietnamese is the default. A missing key fails loudly in tests (see tests/test_i18n.py) rather than
showing a key to a user.
"""

from __future__ import annotations

import string
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale

from app import yaml_text

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
STRINGS = Path(__file__).with_name("strings.yaml")


@cache
def strings() -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = yaml_text.load(STRINGS.read_text(encoding="utf-8"))
    for key, entry in data.items():
        if not isinstance(entry, dict) or set(entry) != set(LANGUAGES):
            raise ValueError(f"{STRINGS.name}: {key!r} needs exactly the languages {LANGUAGES}")
    return data


class _Sentence(string.Formatter):
    """str.format with one more spec, `{count:plural:company|companies}`: the word that agrees
    with the number, by the language's plural rules (Babel's CLDR data). Vietnamese has one form;
    English says "1 company", "2 companies", "1.5 points". A value already written as text ("1",
    "1.234") is read back as a number, so a sentence may get its numbers formatted."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.locale = Locale.parse(lang if lang in LANGUAGES else DEFAULT_LANGUAGE)

    def format_field(self, value: Any, format_spec: str) -> str:
        if not format_spec.startswith("plural:"):
            return str(super().format_field(value, format_spec))
        one, _, other = format_spec.removeprefix("plural:").partition("|")
        return one if self._category(value) == "one" else other

    def _category(self, value: Any) -> str:
        if isinstance(value, bool):
            return "other"
        if not isinstance(value, (int, float, Decimal)):
            try:
                value = Decimal(str(value).strip())
            except InvalidOperation:
                return "other"
        return str(self.locale.plural_form(value))


@cache
def _sentence(lang: str) -> _Sentence:
    return _Sentence(lang)


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    entry = strings()[key]
    text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    if not values:
        return text
    if ":plural:" not in text:  # str.format is C; the Formatter is Python, for the few that count
        return text.format(**values)
    return _sentence(lang).format(text, **values)
