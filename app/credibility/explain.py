"""A flag in words, in the reader's language: its values are stored language-neutral (input ids,
level ids, numbers) and named here from the rule set that scored the submission."""

from __future__ import annotations

from typing import Any

from app.assessment.schema import RuleSet
from app.credibility.checks import Flag
from app.credibility.rules import FlagRules
from app.formatting import number, percent


def _input(ruleset: RuleSet | None, input_id: str, lang: str) -> str:
    found = next((i for i in ruleset.inputs if i.id == input_id), None) if ruleset else None
    return found.label.get(lang) if found else input_id


def _level(ruleset: RuleSet | None, level_id: Any, lang: str) -> str:
    found = next((lv for lv in ruleset.levels if lv.id == level_id), None) if ruleset else None
    return found.label.get(lang) if found else str(level_id)


def explain(flag: Flag, rules: FlagRules, ruleset: RuleSet | None, lang: str = "vi") -> str:
    rule = rules.get(flag.rule_id)
    if rule is None:  # a rule removed since the flag was stored: still say what it was
        return flag.rule_id
    v = flag.values
    words: dict[str, str] = {}
    for key, value in v.items():
        if isinstance(value, bool):
            words[key] = str(value)
        elif isinstance(value, int | float):
            decimals = 0 if value == int(value) else 2 if abs(value) < 1 else 1
            words[key] = percent(value, lang) if key == "peers" else number(value, lang, decimals)
        else:
            words[key] = str(value)
    if "pairs" in v:
        words["detail"] = "; ".join(
            f"{_input(ruleset, rule.params[a], lang)} ({number(x, lang)}) > "
            f"{_input(ruleset, rule.params[b], lang)} ({number(y, lang)})"
            for a, x, b, y in v["pairs"]
        )
    if "platform" in v:
        words["detail"] = "; ".join(
            f"{_input(ruleset, rule.params[param], lang)} {number(claimed, lang)} > {number(counted, lang)}"
            for param, claimed, counted in v["platform"]
        )
    if "before" in v:
        words["before"], words["after"] = (
            _level(ruleset, v["before"], lang),
            _level(ruleset, v["after"], lang),
        )
    if "inputs" in v:
        words["inputs"] = ", ".join(_input(ruleset, i, lang) for i in v["inputs"])
    if "what" in v:
        words["what"] = ", ".join(rule.words[w].get(lang) if w in rule.words else w for w in v["what"])
    return rule.explain.get(lang).format(**words)
