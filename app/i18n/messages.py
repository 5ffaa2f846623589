"""Vietnamese for messages that libraries and the rule-set checker write in English (pydantic's
field errors, the rule-set schema's problems), from the patterns in `ruleset_messages.yaml` and
pydantic's error types. Data, like the rest of the UI's words."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

from app import yaml_text

PATTERNS_FILE = Path(__file__).with_name("ruleset_messages.yaml")

# pydantic's error types, as a company officer reads them (the context supplies {ge}, {le}, …)
PYDANTIC_VI = {
    "greater_than_equal": "phải lớn hơn hoặc bằng {ge}",
    "greater_than": "phải lớn hơn {gt}",
    "less_than_equal": "phải nhỏ hơn hoặc bằng {le}",
    "less_than": "phải nhỏ hơn {lt}",
    "string_too_short": "cần ít nhất {min_length} ký tự",
    "string_too_long": "tối đa {max_length} ký tự",
    "int_parsing": "phải là số nguyên",
    "int_from_float": "phải là số nguyên",
    "float_parsing": "phải là một số",
    "missing": "chưa nhập",
    "value_error": "{error}",
}


@cache
def _patterns() -> list[tuple[re.Pattern[str], str]]:
    data = yaml_text.load(PATTERNS_FILE.read_text("utf-8"))
    return [(re.compile(entry["en"]), str(entry["vi"])) for entry in data]


def ruleset_problem(message: str, lang: str) -> str:
    """A rule-set problem in the reader's language."""
    if lang != "vi":
        return message
    for pattern, template in _patterns():
        found = pattern.match(message)
        if found:
            return template.format(**{k: v or "" for k, v in found.groupdict().items()})
    return f"(tiếng Anh) {message}"


def in_language(text: str, lang: str) -> str:
    """The reader's half of a message written "Vietnamese / English" (our validators' messages,
    an import's problems); a message in one language only is kept whole."""
    if " / " not in text:
        return text
    vi, en = text.split(" / ", 1)
    return vi if lang == "vi" else en


def pydantic_error(error: dict[str, Any], lang: str) -> str:
    """One pydantic field error in the reader's language."""
    message = str(error.get("msg", "")).removeprefix("Value error, ")
    if lang != "vi":  # our own validators write "Vietnamese / English": the English half
        return message.split(" / ", 1)[1] if " / " in message else message
    template = PYDANTIC_VI.get(str(error.get("type")))
    if template is None:
        return message
    context = {k: v for k, v in (error.get("ctx") or {}).items()}
    if "error" in context:
        # our own validators write "Vietnamese / English": keep the Vietnamese half
        context["error"] = str(context["error"]).split(" / ")[0]
    try:
        return template.format(**context)
    except (KeyError, IndexError):
        return message
