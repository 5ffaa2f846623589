"""Interface strings in Vietnamese and English, kept as data (strings.yaml), looked up by key.

Vietnamese is the default. A missing key fails loudly in tests (see tests/test_i18n.py) rather than
showing a key to a user.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
STRINGS = Path(__file__).with_name("strings.yaml")


@cache
def strings() -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = yaml.safe_load(STRINGS.read_text(encoding="utf-8"))
    for key, entry in data.items():
        if not isinstance(entry, dict) or set(entry) != set(LANGUAGES):
            raise ValueError(f"{STRINGS.name}: {key!r} needs exactly the languages {LANGUAGES}")
    return data


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    entry = strings()[key]
    text = entry.get(lang) or entry[DEFAULT_LANGUAGE]
    return text.format(**values) if values else text
