"""Reading rule sets from YAML, with errors a person can act on (file, path, problem)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import ValidationError

from app import yaml_text
from app.assessment.guards import TooLarge, check_size, check_yaml_shape, limits, numeric_maximum
from app.assessment.schema import RuleSet

RULESET_FOLDER = Path(__file__).with_name("rulesets")  # advice.yaml per rule-set id lives here


class RuleSetError(ValueError):
    """A rule set that cannot be used; `problems` lists every problem found, each with its path."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"Bộ tiêu chí không hợp lệ / invalid rule set: {source}\n{lines}")


@dataclass(frozen=True)
class LoadedRuleSet:
    """A validated rule set with the hash of the exact text it was read from.

    The hash is stored with every assessment, so a report can always say which text scored it.
    """

    ruleset: RuleSet
    content_hash: str
    source: str


def content_hash(text: str) -> str:
    """sha256 of the text with line endings folded, so a checkout on Windows hashes the same."""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def _format_loc(loc: tuple[object, ...]) -> str:
    path = ""
    previous: object = None
    for part in loc:
        is_tag = previous in {"rule"} and part in {"choice", "bands", "ratio", "share", "sum"}
        previous = part
        if is_tag:
            continue  # pydantic's discriminator tag, not part of the author's path
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "(top level)"


def parse_ruleset(text: str, source: str = "<text>") -> LoadedRuleSet:
    """Validate rule-set YAML text; raise RuleSetError listing every problem. Too large or too deep
    a text is refused before it is parsed."""
    try:
        check_size(text, int(limits()["max_ruleset_bytes"]), "Bộ tiêu chí / the rule set")
        check_yaml_shape(text, "Bộ tiêu chí / the rule set")
        data = yaml_text.load(text)
    except TooLarge as exc:
        raise RuleSetError(source, [str(exc)]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise RuleSetError(source, [f"{where}not valid YAML ({getattr(exc, 'problem', exc)})"]) from None
    if not isinstance(data, dict):
        raise RuleSetError(source, ["the file must hold a mapping (id, version, inputs, …)"])
    _apply_numeric_maxima(data)
    problems = _apply_advice(data)
    if problems:
        raise RuleSetError(source, problems)
    try:
        ruleset = RuleSet.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            message = str(err["msg"]).removeprefix("Value error, ")
            location = _format_loc(tuple(err["loc"]))
            for line in message.split("\n"):
                problems.append(line if location == "(top level)" else f"{location}: {line}")
        raise RuleSetError(source, problems) from None
    return LoadedRuleSet(ruleset=ruleset, content_hash=content_hash(text), source=source)


def _apply_numeric_maxima(data: dict[str, object]) -> None:
    """Give each numeric input without an upper bound the realistic maximum of `limits.yaml`, so
    the form, the validator and the scorer refuse the same impossible figures. The content hash
    stays that of the text as written."""
    inputs = data.get("inputs")
    if not isinstance(inputs, list):
        return
    for item in inputs:
        if not isinstance(item, dict) or item.get("kind") not in ("integer", "number"):
            continue
        if item.get("le") is None and item.get("lt") is None:
            maximum = numeric_maximum(str(item.get("id")), str(item["kind"]))
            if maximum is not None:
                item["le"] = maximum


def _apply_advice(data: dict[str, object]) -> list[str]:
    """Mark the options that `advice.yaml` beside the rule set calls not recommendable. Advice is
    not scoring, so it lives outside the hashed text; a name it gives that does not exist is an
    error, as in the rule set itself."""
    advice_file = RULESET_FOLDER / str(data.get("id")) / "advice.yaml"
    if not str(data.get("id", "")).replace("-", "").isalnum() or not advice_file.is_file():
        return []
    advice = yaml_text.load(advice_file.read_text("utf-8")) or {}
    listed = advice.get("not_recommendable") or {}
    listed_inputs = data.get("inputs")
    items = listed_inputs if isinstance(listed_inputs, list) else []
    inputs = {str(i.get("id")): i for i in items if isinstance(i, dict)}
    problems = []
    for input_id, option_ids in listed.items():
        item = inputs.get(str(input_id))
        if item is None or item.get("kind") != "choice":
            problems.append(f"{advice_file.name}: {input_id!r} is not a choice input")
            continue
        options = {str(o.get("id")): o for o in item.get("options") or [] if isinstance(o, dict)}
        for option_id in option_ids:
            if str(option_id) not in options:
                problems.append(f"{advice_file.name}: {option_id!r} is not an option of {input_id!r}")
            else:
                options[str(option_id)]["recommendable"] = False
    return problems


def load_ruleset_file(path: Path) -> LoadedRuleSet:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleSetError(str(path), [f"cannot read the file: {exc}"]) from None
    return parse_ruleset(text, str(path))
