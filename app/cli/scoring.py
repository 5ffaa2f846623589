"""The scoring commands: `score` one answers file, and browse or check rule sets."""

from __future__ import annotations

import json
import math
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from app.assessment import registry
from app.assessment.answers import InvalidAnswers
from app.assessment.guards import TooLarge, check_json_depth, limits
from app.assessment.loader import LoadedRuleSet, RuleSetError, load_ruleset_file
from app.cli.common import fail, prepared
from app.i18n import t
from app.scoring import ScoreResult, recommend, score
from app.scoring.compiler import compile_ruleset
from app.scoring.sample import safest_answers

rulesets_app = typer.Typer(no_args_is_help=True, help="Browse and check rule sets.")


class OutputFormat(StrEnum):
    json = "json"
    text = "text"


def score_command(
    ruleset: Annotated[str, typer.Option("--ruleset", help="rule set id, e.g. bg-kcn-2021")],
    answers: Annotated[Path, typer.Option("--answers", help="JSON file: input id → value")],
    version: Annotated[int | None, typer.Option("--version", help="default: latest")] = None,
    output: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.json,
    lang: Annotated[str, typer.Option("--lang", help="vi or en (text format)")] = "vi",
) -> None:
    """Score one answers file and print the result: shipped and admin-published versions alike."""
    loaded = _ruleset(ruleset, version)
    data = read_answers(answers)
    if not isinstance(data, dict):
        fail(f"{answers}: phải là một đối tượng JSON / must be a JSON object (input id → value)")
    try:
        result = score(loaded, data)
    except InvalidAnswers as exc:
        fail(str(exc))
    if output is OutputFormat.json:
        payload = result.to_dict()
        payload["recommendations"] = recommend(result).to_dict()
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        typer.echo(render_text(result, lang))


def read_answers(path: Path) -> object:
    """An answers file, refused with exit 2 when unreadable, too large, too deep or not JSON."""
    max_bytes = int(limits()["max_answers_bytes"])
    try:
        if path.stat().st_size > max_bytes:
            fail(f"{path}: tệp quá lớn / file too large (> {max_bytes:,} bytes)")
        text = path.read_text(encoding="utf-8")
        check_json_depth(text, what=str(path))
        # a number of more digits than any answer needs is read as infinite, so that the answer's
        # check names its field instead of Python refusing the whole file
        return json.loads(text, parse_int=lambda digits: int(digits) if len(digits) <= 30 else math.inf)
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"Không đọc được tệp / cannot read {path}: {exc}")
    except TooLarge as exc:
        fail(str(exc))
    except json.JSONDecodeError as exc:
        fail(f"{path}: JSON không hợp lệ / invalid JSON: line {exc.lineno}: {exc.msg}")
    except (ValueError, RecursionError) as exc:  # e.g. an integer of more than 4,300 digits
        fail(f"{path}: JSON không đọc được / unreadable JSON: {str(exc)[:200]}")


def _ruleset(ruleset_id: str, version: int | None) -> LoadedRuleSet:
    """The one lookup the app uses too (`services.rulesets.get`): versions an admin published in
    the database of DATABASE_URL are found as well as the shipped files. On settings that may not
    serve (production without its key: a fresh checkout) no database is opened or created: the
    shipped files are the rule sets there are."""
    from app.config import UnsafeSettings, get_settings
    from app.services.admin import rulesets

    try:
        get_settings().check_safe()
    except UnsafeSettings:
        try:
            return registry.get(ruleset_id, version)
        except LookupError as exc:
            fail(str(exc))
    prepared()
    try:
        return rulesets.get(ruleset_id, version)
    except LookupError as exc:
        fail(str(exc))


def render_text(result: ScoreResult, lang: str) -> str:
    rs = result.compiled.ruleset
    en = lang == "en"
    lines = [
        f"{rs.title.get(lang)} (v{rs.version})",
        f"{'Total' if en else 'Tổng điểm'}: {result.total}/{result.max_total}   "
        f"{'Index' if en else 'Chỉ số'}: {result.index:.2f}%   "
        f"{'Level' if en else 'Mức'}: {result.level.label.get(lang)}",
        f"{'May operate' if en else 'Được hoạt động'}: "
        + (("yes" if en else "có") if result.may_operate else ("no" if en else "không")),
    ]
    if result.may_operate_reason:
        lines.append(f"  {result.may_operate_reason.get(lang)}")
    if result.floor_reason:
        lines.append(f"  {result.floor_reason.get(lang)}")
    lines.append(f"{'Obligation' if en else 'Nghĩa vụ'}: {result.obligation.get(lang)}")
    if result.compliance is not None:
        lines.append(f"{'Conditions' if en else 'Điều kiện'}: {t(f'compliance.{result.compliance}', lang)}")
        for condition in result.failed_conditions:
            lines.append(
                f"  ✗ {condition.condition.title.get(lang)} — {condition.condition.on_fail.action.get(lang)}"
            )
    if result.hidden:
        lines.append(("Not asked: " if en else "Không hỏi: ") + ", ".join(result.not_asked))
    lines.append("")
    width = max(len(c.id) for c in result.criteria)
    for c in result.criteria:
        if c.not_asked:
            lines.append(f"{c.id:<{width}}    –/{c.max:<3} {c.title.get(lang)} — {c.fired.get(lang)}")
            continue
        lines.append(f"{c.id:<{width}}  {c.points:>3}/{c.max:<3} {c.title.get(lang)} — {c.fired.get(lang)}")
    recs = recommend(result)
    if recs.next_band is not None:
        lines.append("")
        lines.append(
            ("To reach the next band down: " if en else "Để hạ một mức: ") + recs.next_band.note.get(lang)
        )
        for ch in recs.next_band.changes:
            lines.append(
                f"  - {ch.input_label.get(lang)}: {ch.current_label.get(lang)} → "
                f"{ch.proposed_label.get(lang)} (−{ch.points_saved})"
            )
    if rs.has_reconstructed:
        lines.append("")
        lines.append(
            "Note: this rule set has parts reconstructed by ZoneRisk."
            if en
            else "Lưu ý: bộ tiêu chí có phần do ZoneRisk xây dựng lại."
        )
    return "\n".join(lines)


@rulesets_app.command("list")
def rulesets_list(output: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.text) -> None:
    """Every shipped rule set and version, with its kind: points, or combined (points and
    conditions that must hold)."""
    default = registry.default_id()
    if output is OutputFormat.json:
        listed = [
            {
                "id": ruleset_id,
                "version": version,
                "kind": loaded.ruleset.kind,
                "title": loaded.ruleset.title.model_dump(),
                "default": ruleset_id == default,
                "complete": loaded.ruleset.complete,
                "criteria": len(loaded.ruleset.criteria()),
                "conditions": len(loaded.ruleset.conditions),
                "max_total": loaded.ruleset.scale.max_total,
                "reconstructed_parts": loaded.ruleset.has_reconstructed,
                "content_hash": loaded.content_hash,
            }
            for (ruleset_id, version), loaded in sorted(registry.shipped().items())
        ]
        typer.echo(json.dumps(listed, ensure_ascii=False, indent=2))
        return
    for (ruleset_id, version), loaded in sorted(registry.shipped().items()):
        rs = loaded.ruleset
        flags = []
        if ruleset_id == default:
            flags.append("default")
        if not rs.complete:
            flags.append("incomplete")
        if rs.has_reconstructed:
            flags.append("reconstructed parts")
        typer.echo(
            f"{ruleset_id}\tv{version}\t{rs.kind}\t{len(rs.criteria())} criteria\t"
            f"max {rs.scale.max_total}\t{loaded.content_hash[:12]}\t{', '.join(flags)}\t{rs.title.vi}"
        )


@rulesets_app.command("show")
def rulesets_show(
    ruleset_id: Annotated[str, typer.Argument(help="rule set id")],
    version: Annotated[int | None, typer.Option("--version")] = None,
    lang: Annotated[str, typer.Option("--lang")] = "vi",
) -> None:
    """Criteria, points and levels of one rule set."""
    loaded = _ruleset(ruleset_id, version)
    rs = loaded.ruleset
    typer.echo(f"{rs.id} v{rs.version} — {rs.title.get(lang)}")
    typer.echo(f"{rs.decision}\nsha256 {loaded.content_hash}")
    if not rs.complete and rs.incomplete_note:
        typer.echo(rs.incomplete_note.get(lang))
    for section in rs.sections:
        typer.echo(f"\n[{section.title.get(lang)}]")
        for c in section.criteria:
            typer.echo(f"  {c.id} ({c.max}) {c.title.get(lang)} [{c.provenance}]")
    typer.echo("")
    for level in rs.levels:
        typer.echo(f"  {level.id:<10} {level.band.describe():<12} {level.label.get(lang)}")


@rulesets_app.command("sample")
def rulesets_sample(
    ruleset_id: Annotated[str, typer.Argument(help="rule set id")],
    version: Annotated[int | None, typer.Option("--version")] = None,
) -> None:
    """A complete, valid answers JSON for the set, every question at its safest value: an example
    payload for `score --answers` and the API's POST /submissions."""
    loaded = _ruleset(ruleset_id, version)
    typer.echo(json.dumps(safest_answers(compile_ruleset(loaded)), ensure_ascii=False, indent=2))


@rulesets_app.command("validate")
def rulesets_validate(path: Annotated[Path, typer.Argument(help="rule-set YAML file")]) -> None:
    """Check a rule-set file; prints every problem with its path, exit 2 if any."""
    try:
        loaded = load_ruleset_file(path)
    except RuleSetError as exc:
        fail(str(exc))
    rs = loaded.ruleset
    typer.echo(
        f"OK: {rs.id} v{rs.version}, {len(rs.criteria())} criteria, max {rs.scale.max_total}, "
        f"sha256 {loaded.content_hash}"
    )
