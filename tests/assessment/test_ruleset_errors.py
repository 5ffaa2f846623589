"""A rule set an admin uploads is checked part by part: each mistake is refused with its path and
what is wrong, before anything is scored with it."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from app.assessment.loader import RuleSetError, parse_ruleset
from app.assessment.registry import RULESET_DIR

BASE: dict[str, Any] = yaml.safe_load((RULESET_DIR / "bg-kcn-2021" / "v1.yaml").read_text("utf-8"))


def _criterion(data: dict[str, Any], criterion_id: str) -> dict[str, Any]:
    return next(c for s in data["sections"] for c in s["criteria"] if c["id"] == criterion_id)


def _input(data: dict[str, Any], input_id: str) -> dict[str, Any]:
    return next(i for i in data["inputs"] if i["id"] == input_id)


def _set(
    path: Callable[[dict[str, Any]], dict[str, Any]], key: str, value: Any
) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        path(data)[key] = value

    return change


MISTAKES: list[tuple[str, Callable[[dict[str, Any]], None], str]] = [
    ("gap", lambda d: _criterion(d, "CS1")["rule"]["bands"][1].update(ge=60), "gap between"),
    ("overlap", lambda d: _criterion(d, "CS1")["rule"]["bands"][1].update(ge=40), "overlap"),
    ("first band", lambda d: _criterion(d, "CS1")["rule"]["bands"][0].update(ge=10), "the first band starts"),
    ("last band", lambda d: _criterion(d, "CS1")["rule"]["bands"][-1].update(lt=9000), "the last band ends"),
    ("max above the top", _set(lambda d: _criterion(d, "CS1"), "max", 11), "highest score"),
    (
        "points over max",
        lambda d: _criterion(d, "CS1")["rule"]["bands"][0].update(points=99),
        "exceeds the max",
    ),
    ("total", _set(lambda d: d["scale"], "max_total", 301), "criteria add up to"),
    ("unknown option", lambda d: _criterion(d, "CS4")["rule"]["points"].update(teleport=1), "not an option"),
    ("missing option", lambda d: _criterion(d, "CS4")["rule"]["points"].pop("uncontrolled"), "no points for"),
    ("unused input", lambda d: d["inputs"].append({**_input(d, "workers"), "id": "spare_count"}), "not read"),
    ("repeated ids", lambda d: d["inputs"].append(copy.deepcopy(_input(d, "workers"))), "repeated"),
    (
        "bad le_input",
        _set(lambda d: _input(d, "bluezone_installed"), "le_input", "cs4"),
        "not a numeric input",
    ),
    (
        "two lower ends",
        lambda d: _criterion(d, "CS1")["rule"]["bands"][1].update(gt=49),
        "give the lower end once",
    ),
    ("empty range", lambda d: _criterion(d, "CS1")["rule"]["bands"][1].update(ge=300), "empty range"),
    ("choice with bounds", _set(lambda d: _input(d, "cs4"), "ge", 0), "cannot have numeric bounds"),
    (
        "number with options",
        _set(lambda d: _input(d, "workers"), "options", [{"id": "a", "label": {"vi": "a", "en": "a"}}]),
        "cannot have options",
    ),
    ("unknown key", _set(lambda d: d, "colour", "red"), "Extra inputs are not permitted"),
    ("incomplete without a note", _set(lambda d: d, "complete", False), "must say what is missing"),
]


@pytest.mark.parametrize(("name", "change", "said"), MISTAKES, ids=[m[0] for m in MISTAKES])
def test_each_mistake_is_refused_with_its_path(
    name: str, change: Callable[[dict[str, Any]], None], said: str
) -> None:
    data = copy.deepcopy(BASE)
    change(data)
    with pytest.raises(RuleSetError) as refused:
        parse_ruleset(yaml.safe_dump(data, allow_unicode=True), f"{name}.yaml")
    assert said in str(refused.value), str(refused.value)


def test_the_unchanged_rule_set_loads() -> None:
    assert parse_ruleset(yaml.safe_dump(BASE, allow_unicode=True), "same.yaml").ruleset.id == "bg-kcn-2021"
