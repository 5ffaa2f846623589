"""The batch scorer equals the reference scorer row by row: on every shipped rule set and on
rule sets whose band edges and points Hypothesis moves, with valid answers, answers exactly on
band edges, and answers the validator refuses."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import yaml_text
from app.assessment import registry
from app.assessment.answers import InvalidAnswers
from app.assessment.loader import parse_ruleset
from app.assessment.registry import RULESET_DIR
from app.scoring import score
from app.scoring.batch import as_rows, json_columns, score_json, score_many, summaries
from app.scoring.compiler import compile_ruleset
from tests.strategies import answers_for

DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # a moved rule set written back in C, as it is read
COMPLETE = [loaded for loaded in registry.latest() if loaded.ruleset.complete]
IDS = [loaded.ruleset.id for loaded in COMPLETE]


def reference(compiled: Any, answers: dict[str, Any]) -> tuple[str | None, float | None, bool | None]:
    try:
        result = score(compiled, answers)
    except InvalidAnswers:
        return None, None, None
    return result.level_id, result.index, result.may_operate


def stored_summary(compiled: Any, answers: dict[str, Any]) -> dict[str, Any] | None:
    """What `submit` stores in a submission's `score` column, None where it refuses the answers."""
    try:
        return score(compiled, answers).summary()
    except InvalidAnswers:
        return None


def assert_summaries_agree(compiled: Any, rows: list[dict[str, Any]]) -> None:
    """The bulk writers' summaries (points per criterion, the floor that set the level) are the
    reference scorer's, row by row; a conditional rule set is refused, not summarised wrongly."""
    if compiled.conditional:
        with pytest.raises(ValueError, match="reference scorer"):
            summaries(compiled, score_many(compiled, rows))
        return
    assert summaries(compiled, score_many(compiled, rows)) == [stored_summary(compiled, r) for r in rows]


def spoiled(draw: st.DrawFn, answers: dict[str, Any]) -> dict[str, Any]:
    """Some answer sets made invalid the ways a stored or imported one can be."""
    key = draw(st.sampled_from(sorted(answers)))
    how = draw(st.sampled_from(["missing", "text", "negative", "bool", "unknown", "huge"]))
    broken = dict(answers)
    if how == "missing":
        del broken[key]
    elif how == "text":
        broken[key] = "nhiều"
    elif how == "negative":
        broken[key] = -1
    elif how == "bool":
        broken[key] = True
    elif how == "unknown":
        broken["khong_co"] = 1
    else:
        broken[key] = 10**30
    return broken


Edge = tuple[str, str | None, int, int]  # input, denominator input (ratios), edge n / d


def edges(ruleset: Any) -> list[Edge]:
    """Each band edge of each points table: a value, or a share of another answer, exactly on it."""
    found: list[Edge] = []
    for leaf in compile_ruleset_leaves(ruleset):
        scale = 100 if leaf.kind == "share" else 1
        for n, d, _ in leaf.uppers:
            if leaf.kind == "bands":
                found.append((leaf.inputs[0], None, n, d))
            elif leaf.kind != "choice":
                found.append((leaf.inputs[0], leaf.inputs[1], n, d * scale))
    return found


def on_edge(row: dict[str, Any], edge: Edge) -> None:
    input_id, of, n, d = edge
    base = 1 if of is None else row.get(of)
    if isinstance(base, int) and (base * n) % d == 0:
        row[input_id] = base * n // d  # may break a cross-field limit: then both must refuse it


def compile_ruleset_leaves(ruleset: Any) -> list[Any]:
    compiled = compile_ruleset(next(lr for lr in registry.latest() if lr.ruleset is ruleset))
    return [leaf for criterion in compiled.criteria for leaf in criterion.leaves]


@st.composite
def populations(draw: st.DrawFn, ruleset: Any, on_edges: list[Edge]) -> list[dict[str, Any]]:
    rows = draw(st.lists(answers_for(ruleset), min_size=1, max_size=25))
    for row in rows:
        for edge in draw(st.lists(st.sampled_from(on_edges), max_size=4)) if on_edges else []:
            on_edge(row, edge)
    if draw(st.booleans()):
        rows.append(spoiled(draw, rows[0]))
    return rows


@pytest.mark.parametrize("loaded", COMPLETE, ids=IDS)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_batch_equals_the_reference_on_shipped_rule_sets(loaded: Any, data: st.DataObject) -> None:
    compiled = compile_ruleset(loaded)
    rows = data.draw(populations(loaded.ruleset, edges(loaded.ruleset)))
    expected = [reference(compiled, r) for r in rows]
    assert as_rows(score_many(compiled, rows), compiled.max_total) == expected
    assert_summaries_agree(compiled, rows)
    stored = [json.dumps(r, ensure_ascii=False) for r in rows]  # as the database gives them back
    assert as_rows(score_json(compiled, stored), compiled.max_total) == expected


def _moved(draw: Callable[[st.SearchStrategy[Any]], Any], text: str) -> str:
    """The rule set with each points table shuffled: the same values (so every maximum holds) on
    other options and bands, so other answers sit on the level edges."""
    data = yaml_text.load(text)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "points" in node and isinstance(node["points"], dict):
                shuffled = draw(st.permutations(list(node["points"].values())))
                node["points"] = dict(zip(node["points"], shuffled, strict=True))
            if isinstance(node.get("bands"), list) and all(
                isinstance(b.get("points"), int) for b in node["bands"]
            ):
                shuffled = draw(st.permutations([b["points"] for b in node["bands"]]))
                for band, points in zip(node["bands"], shuffled, strict=True):
                    band["points"] = points
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(data)
    return yaml.dump(data, Dumper=DUMPER, allow_unicode=True, sort_keys=False)


@pytest.mark.parametrize("loaded", COMPLETE, ids=IDS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_batch_equals_the_reference_on_rule_sets_with_other_points(
    loaded: Any, data: st.DataObject
) -> None:
    rs = loaded.ruleset
    text = (RULESET_DIR / rs.id / f"v{rs.version}.yaml").read_text(encoding="utf-8")
    moved = parse_ruleset(_moved(data.draw, text), "moved.yaml")
    compiled = compile_ruleset(moved)
    rows = data.draw(populations(moved.ruleset, edges(loaded.ruleset)))
    assert as_rows(score_many(compiled, rows), compiled.max_total) == [reference(compiled, r) for r in rows]
    assert_summaries_agree(compiled, rows)


def test_band_edges_are_exact() -> None:
    """45 of 300 is exactly 15 %: "very low" in both, where floating point would say "low"."""
    loaded = registry.get("bg-kcn-2021")
    compiled = compile_ruleset(loaded)
    from tests.services.helpers import GOOD_ANSWERS

    rows = [copy.deepcopy(GOOD_ANSWERS) for _ in range(3)]
    rows[1]["handwash_rate_pct"] = 80  # on a band edge of its own
    rows[2]["bluezone_installed"] = rows[2]["smartphone_owners"]
    assert as_rows(score_many(compiled, rows), compiled.max_total) == [reference(compiled, r) for r in rows]
    assert as_rows(score_many(compiled, rows[:1]), compiled.max_total)[0][1] == 15.0


@pytest.mark.parametrize(
    "odd",
    [
        '"5"',  # a number written as text
        "true",
        "null",
        "[1]",
        '{"a": 1}',
        "1e400",  # past any double: Arrow refuses, the dicts decide
        "NaN",  # Python's json writes it, Arrow refuses it
        "100.0",  # a whole number written with a decimal: accepted as 100
        "100.5",
        "-0",
    ],
)
def test_stored_text_is_judged_as_the_decoded_answers_are(odd: str) -> None:
    """Every odd value a stored answer set could hold in a number field, a choice field or an
    unknown key: the columns read from the JSON text give exactly what the decoded dicts give."""
    loaded = registry.get("bg-kcn-2021")
    compiled = compile_ruleset(loaded)
    from tests.services.helpers import GOOD_ANSWERS

    good = json.dumps(GOOD_ANSWERS)
    texts = [good]
    for key in ("workers", "workshop_area_m2", "cs3", "khong_co"):
        texts.append(
            good[:-1] + f', "{key}": {odd}}}' if key == "khong_co" else _with(GOOD_ANSWERS, key, odd)
        )
    decoded = [json.loads(t) for t in texts]
    expected = [reference(compiled, d) for d in decoded]
    assert expected[0][0] is not None  # the good one scores
    assert as_rows(score_json(compiled, texts), compiled.max_total) == expected
    assert as_rows(score_json(compiled, [good, *texts]), compiled.max_total) == [expected[0], *expected]


def _with(answers: dict[str, Any], key: str, raw: str) -> str:
    """The answers' JSON text with one value replaced by raw JSON text."""
    rest = json.dumps({k: v for k, v in answers.items() if k != key})
    return rest[:-1] + f', "{key}": {raw}}}'


def test_an_impact_preview_ignores_inputs_the_other_version_dropped() -> None:
    """`only_known` scores each stored set as if it held only the rule set's inputs, as the
    preview's dict filter does."""
    compiled = compile_ruleset(registry.get("bg-kcn-2021"))
    from tests.services.helpers import GOOD_ANSWERS

    text = json.dumps({**GOOD_ANSWERS, "dropped_in_v2": "x"})
    assert json_columns(compiled, [text], only_known=True) is not None  # read as columns, not dicts
    assert json_columns(compiled, [text], only_known=False) is None  # an unknown key: the dicts decide
    assert as_rows(score_json(compiled, [text]), compiled.max_total) == [(None, None, None)]
    assert as_rows(score_json(compiled, [text], only_known=True), compiled.max_total) == [
        reference(compiled, GOOD_ANSWERS)
    ]
