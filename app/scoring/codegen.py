"""The fast path: each compiled rule set is turned into one straight-line Python function that checks
valid answers and scores them in a single pass, with every threshold written in as a constant.

It only ever says "valid, and here are the points" or "not sure": on None the interpreter in
scorer.py runs instead and words every problem. tests/scoring/test_codegen.py checks that both
paths give the same points, details and exact values for every rule set.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

from app.assessment.answers import bounds_first
from app.assessment.schema import exact_pair
from app.scoring.engine import NOT_APPLICABLE, CompiledRuleSet, LeafProgram

Fast = Callable[[Mapping[str, object]], tuple[Any, ...] | None]


def _compare(n: str, d: str, un: int, ud: int, strict: bool) -> str:
    """Python text for n/d < un/ud (or <= when not strict), on integers."""
    left = n if ud == 1 else f"{n} * {ud}"
    right = f"{un} * {d}" if un not in (0, 1) else ("0" if un == 0 else d)
    return f"{left} {'<' if strict else '<='} {right}"


def generate(compiled: CompiledRuleSet) -> tuple[Fast, str]:
    validator = compiled.validator
    if validator.applicability.conditional:
        return _unavailable(), "# questions asked only for some answers: the interpreter decides"
    lines: list[str] = [
        "def fast(answers):",
        "    if type(answers) is not dict or answers.keys() - KNOWN:",
        "        return None",
    ]
    lines.append("    get = answers.get")
    lines.append("    clean = {}")
    lines.append("    exact = {}")
    constants: dict[str, Any] = {
        "KNOWN": validator.known,
        "isfinite": math.isfinite,
        "exact_pair": exact_pair,
        "NA": NOT_APPLICABLE,
    }
    var: dict[str, tuple[str, str]] = {}
    for n, spec in enumerate(bounds_first(validator.numeric)):
        v, num, den = f"v{n}", f"n{n}", f"d{n}"
        lines += [
            f"    {v} = get({spec.input_id!r})",
            f"    if type({v}) is int:",
            f"        {num} = {v}; {den} = 1",
            f"    elif type({v}) is float and isfinite({v}):",
            f"        if {v}.is_integer():",
            f"            {v} = int({v}); {num} = {v}; {den} = 1",
        ]
        lines += (
            ["        else:", "            return None"]
            if spec.integer
            else ["        else:", f"            {num}, {den} = exact_pair({v})"]
        )
        lines += ["    else:", "        return None"]
        if spec.lower is not None:
            ln, ld, inclusive = spec.lower
            lines += [f"    if {_compare(num, den, ln, ld, strict=inclusive)}:", "        return None"]
        if spec.upper is not None:
            un, ud, inclusive = spec.upper
            # value > upper (or >= when exclusive) is out of range
            left = num if ud == 1 else f"{num} * {ud}"
            right = f"{un} * {den}"
            lines += [f"    if {left} {'>' if inclusive else '>='} {right}:", "        return None"]
        if spec.le_input is not None:
            if spec.le_input not in var:
                return _unavailable(), "# bound on an input checked later: interpreter only"
            on, od = var[spec.le_input]
            lines += [f"    if {num} * {od} > {on} * {den}:", "        return None"]
        lines += [f"    clean[{spec.input_id!r}] = {v}", f"    exact[{spec.input_id!r}] = ({num}, {den})"]
        var[spec.input_id] = (num, den)
    choice_var: dict[str, str] = {}
    for n, choice in enumerate(validator.choices):
        v = f"c{n}"
        constants[f"OPTIONS{n}"] = choice.options
        lines += [
            f"    {v} = get({choice.input_id!r})",
            f"    if type({v}) is not str or {v} not in OPTIONS{n}:",
            "        return None",
            f"    clean[{choice.input_id!r}] = {v}",
        ]
        choice_var[choice.input_id] = v

    point_names: list[str] = []
    detail_names: list[str] = []
    leaf_no = 0

    def leaf_code(leaf: LeafProgram, p: str, i: str) -> list[str]:
        nonlocal leaf_no
        leaf_no += 1
        out: list[str] = []
        if leaf.kind == "choice":
            table = f"TABLE{leaf_no}"
            constants[table] = dict(leaf.option_points or {})
            option = choice_var[leaf.inputs[0]]
            return [f"    {p} = {table}[{option}]; {i} = {option}"]
        points = f"POINTS{leaf_no}"
        constants[points] = leaf.band_points
        if leaf.kind == "bands":
            num, den = var[leaf.inputs[0]]
            indent = "    "
        else:
            a_n, a_d = var[leaf.inputs[0]]
            b_n, b_d = var[leaf.inputs[1]]
            scale = " * 100" if leaf.kind == "share" else ""
            num, den = f"rn{leaf_no}", f"rd{leaf_no}"
            out += [
                f"    if {b_n} == 0:",
                f"        {p} = {leaf.not_applicable_points}; {i} = NA",
                "    else:",
                f"        {num} = {a_n} * {b_d}{scale}; {den} = {a_d} * {b_n}",
            ]
            indent = "        "
        for k, (un, ud, inclusive) in enumerate(leaf.uppers):
            keyword = "if" if k == 0 else "elif"
            out.append(f"{indent}{keyword} {_compare(num, den, un, ud, strict=not inclusive)}:")
            out.append(f"{indent}    {i} = {k}")
        if leaf.uppers:
            out.append(f"{indent}else:")
            out.append(f"{indent}    {i} = {len(leaf.uppers)}")
        else:
            out.append(f"{indent}{i} = 0")
        out.append(f"{indent}{p} = {points}[{i}]")
        return out

    for k, program in enumerate(compiled.criteria):
        if program.is_sum:
            parts = []
            for m, leaf in enumerate(program.leaves):
                p, i = f"p{k}_{m}", f"i{k}_{m}"
                lines += leaf_code(leaf, p, i)
                parts.append((p, i))
            lines.append(f"    p{k} = {' + '.join(p for p, _ in parts)}")
            lines.append(f"    i{k} = ({', '.join(f'({p}, {i})' for p, i in parts)},)")
        else:
            lines += leaf_code(program.leaves[0], f"p{k}", f"i{k}")
        point_names.append(f"p{k}")
        detail_names.append(f"i{k}")
    lines.append(f"    points = ({', '.join(point_names)},)")
    lines.append(f"    return clean, exact, points, ({', '.join(detail_names)},), {' + '.join(point_names)}")
    source = "\n".join(lines)
    namespace = dict(constants)
    exec(
        compile(source, f"<zonerisk fast scorer {compiled.ruleset.id} v{compiled.ruleset.version}>", "exec"),
        namespace,
    )
    return namespace["fast"], source


def _unavailable() -> Fast:
    return lambda _answers: None
