"""Limits checked before a text is parsed or an answer is accepted, so that hostile input is refused
with a message instead of exhausting memory, the recursion limit, or a database column. The figures
live in `limits.yaml` beside this file."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml

from app import yaml_text

LIMITS_FILE = Path(__file__).with_name("limits.yaml")


class TooLarge(ValueError):
    """Input refused before parsing; str() says which limit, in Vietnamese and English."""


@cache
def limits() -> dict[str, Any]:
    data = yaml_text.load(LIMITS_FILE.read_text("utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{LIMITS_FILE}: must hold a mapping")
    return data


def numeric_maximum(input_id: str, kind: str) -> int | float | None:
    """The realistic maximum for an input that has no upper bound of its own."""
    found: int | float | None = limits().get("by_input", {}).get(input_id)
    if found is None:
        found = limits().get("by_kind", {}).get(kind)
    return found


def check_size(text: str | bytes, max_bytes: int, what: str) -> None:
    size = len(text.encode("utf-8")) if isinstance(text, str) else len(text)
    if size > max_bytes:
        raise TooLarge(
            f"{what} quá lớn: {size:,} byte, tối đa {max_bytes:,}. / "
            f"{what} is too large: {size:,} bytes, at most {max_bytes:,}."
        )


def _too_deep(what: str, depth: int) -> TooLarge:
    return TooLarge(
        f"{what} lồng nhau quá sâu (quá {depth} mức). / "
        f"{what} is nested too deeply (more than {depth} levels)."
    )


def check_json_depth(text: str, max_depth: int | None = None, what: str = "JSON") -> None:
    """Nesting depth of JSON text, counted without parsing it (json.loads recurses)."""
    limit = max_depth or int(limits()["max_depth"])
    depth = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                raise _too_deep(what, limit)
        elif char in "]}":
            depth -= 1


def check_yaml_shape(text: str, what: str = "YAML") -> None:
    """Nesting depth and alias count of YAML text, read as a stream of events (the event parser
    does not recurse; the composer that safe_load uses does)."""
    limit = int(limits()["max_depth"]) * 2  # a rule set nests a little deeper than answers
    max_aliases = int(limits()["max_yaml_aliases"])
    depth = aliases = 0
    for event in yaml.parse(text, Loader=yaml_text.SafeLoader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > limit:
                raise _too_deep(what, limit)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            aliases += 1
            if aliases > max_aliases:
                raise TooLarge(f"{what} dùng quá nhiều tham chiếu (alias). / {what} uses too many aliases.")
