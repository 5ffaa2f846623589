"""Scoring cases kept as data: every band edge, every level edge, and the reference worked examples."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from app.assessment import registry
from app.assessment.schema import RatioRule
from app.scoring import score
from tests.reference import COPY, SHARED, worked_examples

CASES = Path(__file__).parent / "cases"


def _edge_params() -> list[Any]:
    data = yaml.safe_load((CASES / "band_edges.yaml").read_text(encoding="utf-8"))
    params = []
    for case in data["edges"]:
        base = data["bases"][case["base"]]
        for value, points in case["points"].items():
            answers = {**base, **case.get("set", {}), case["vary"]: value}
            case_id = f"{case['ruleset']}:{case['criterion']}:{case['vary']}={value}"
            params.append(pytest.param(case["ruleset"], case["criterion"], answers, points, id=case_id))
    return params


@pytest.mark.parametrize(("ruleset_id", "criterion", "answers", "points"), _edge_params())
def test_band_edge(ruleset_id: str, criterion: str, answers: dict[str, Any], points: int) -> None:
    result = score(registry.get(ruleset_id), answers)
    got = {c.id: c.points for c in result.criteria}
    assert got[criterion] == points


def _level_params() -> list[Any]:
    data = yaml.safe_load((CASES / "levels.yaml").read_text(encoding="utf-8"))
    params = []
    for case in data["cases"]:
        base = data["bases"][case["base"]] if case["base"] else {}
        params.append(pytest.param(case, {**base, **case["set"]}, id=case["id"]))
    return params


@pytest.mark.parametrize(("case", "answers"), _level_params())
def test_level_edge(case: dict[str, Any], answers: dict[str, Any]) -> None:
    result = score(registry.get(case["ruleset"]), answers)
    assert (result.total, result.index, result.level_id, result.may_operate) == (
        case["total"],
        case["index"],
        case["level"],
        case["may_operate"],
    )
    assert result.floor_id == case.get("floor")


def _worked_examples() -> list[Any]:
    return [pytest.param(e, id=e["id"]) for e in worked_examples()]


@pytest.mark.parametrize("example", _worked_examples())
def test_worked_example(example: dict[str, Any]) -> None:
    result = score(registry.get(example["ruleset"]), example["answers"])
    expect = example["expect"]
    assert result.total == expect["total"]
    assert result.max_total == expect["max"]
    assert result.index == expect["index"]
    assert result.level_id == expect["level"]
    assert result.may_operate == expect["may_operate"]
    assert {c.id: c.points for c in result.criteria} == expect["criteria"]


def test_every_banded_criterion_has_edge_cases() -> None:
    """A new banded criterion without edge cases in the data file fails here, not in production."""
    data = yaml.safe_load((CASES / "band_edges.yaml").read_text(encoding="utf-8"))
    covered = {(c["ruleset"], c["criterion"], c["vary"]) for c in data["edges"]}
    for loaded in registry.shipped().values():
        rs = loaded.ruleset
        for criterion in rs.criteria():
            rule = criterion.rule
            leaves = [p.rule for p in rule.parts] if rule.kind == "sum" else [rule]
            for leaf in leaves:
                varied = leaf.numerator if isinstance(leaf, RatioRule) else leaf.input
                assert (rs.id, criterion.id, varied) in covered, (rs.id, criterion.id, varied)


def test_copy_of_the_worked_examples_matches_shared_reference() -> None:
    if not SHARED.exists():
        pytest.skip("shared/reference is not beside this checkout")
    assert SHARED.read_text(encoding="utf-8") == COPY.read_text(encoding="utf-8")
