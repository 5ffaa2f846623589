"""`python -m app.cli …`: the same use cases as the app, for scripts, operators and scheduled jobs.

Exit codes are a contract: 0 done, 2 bad input (invalid answers, a malformed rule set, an unknown id),
with the error on stderr.
"""

from __future__ import annotations

import json
import math
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from app.assessment import registry
from app.assessment.answers import InvalidAnswers
from app.assessment.guards import TooLarge, check_json_depth, limits
from app.assessment.loader import LoadedRuleSet, RuleSetError, load_ruleset_file
from app.scoring import ScoreResult, recommend, score

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="ZoneRisk command line.",
    pretty_exceptions_show_locals=False,  # a traceback must never print rows or secrets
)
rulesets_app = typer.Typer(no_args_is_help=True, help="Browse and check rule sets.")
app.add_typer(rulesets_app, name="rulesets")

BAD_INPUT = 2


@app.callback()
def _refuse_unsafe_settings() -> None:
    """Every command refuses to run on settings that are unsafe for production (exit 2)."""
    from app.config import UnsafeSettings, get_settings

    try:
        get_settings().check_safe()
    except UnsafeSettings as problem:
        typer.echo(str(problem), err=True)
        raise typer.Exit(BAD_INPUT) from None


class OutputFormat(StrEnum):
    json = "json"
    text = "text"


def fail(message: str) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(BAD_INPUT)


@app.command("score")
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
    the database of DATABASE_URL are found as well as the shipped files."""
    from app.services import rulesets

    _prepared()
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
    lines.append("")
    width = max(len(c.id) for c in result.criteria)
    for c in result.criteria:
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
def rulesets_list() -> None:
    """Every shipped rule set and version."""
    default = registry.default_id()
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
            f"{ruleset_id}\tv{version}\t{len(rs.criteria())} criteria\t"
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


export_app = typer.Typer(
    no_args_is_help=True, help="Excel and PDF reports (province-wide, audited as `cli`)."
)
app.add_typer(export_app, name="export")


class XlsxReport(StrEnum):
    overview = "overview"


class PdfReport(StrEnum):
    chairman = "chairman"
    company = "company"


def _prepared() -> None:
    from app.config import get_settings
    from db.migrate import startup_lock, upgrade

    url = get_settings().resolved_database_url()
    with startup_lock(url):
        upgrade(url)


@export_app.command("xlsx")
def export_xlsx(
    out: Annotated[Path, typer.Option("--out", help="the .xlsx (or .ods, with LibreOffice) file to write")],
    report: Annotated[XlsxReport, typer.Option("--report")] = XlsxReport.overview,
    period: Annotated[int | None, typer.Option("--period", help="round id; default: the latest")] = None,
    zone: Annotated[list[str] | None, typer.Option("--zone", help="zone or district id; repeatable")] = None,
    lang: Annotated[str, typer.Option("--lang")] = "vi",
) -> None:
    """The officials' workbook: summary, by area, companies, non-filers, criteria."""
    from app.services import reports
    from app.services.context import CLI_ACTOR
    from app.services.errors import ServiceError
    from app.services.monitoring import Filters

    _prepared()
    try:
        data, rows = reports.export_overview_xlsx(
            CLI_ACTOR, period, Filters(zone_ids=tuple(zone or ())), lang
        )
    except ServiceError as error:
        fail(error.text(lang))
    if out.suffix.lower() == ".ods":
        from app.exports.ods import OdsUnavailable, to_ods

        try:
            data = to_ods(data)
        except OdsUnavailable as problem:
            fail(str(problem))
    out.write_bytes(data)
    typer.echo(f"{out}: {rows:,} companies, {len(data):,} bytes")


@export_app.command("pdf")
def export_pdf(
    out: Annotated[Path, typer.Option("--out", help="the .pdf file to write")],
    report: Annotated[PdfReport, typer.Option("--report")],
    period: Annotated[int | None, typer.Option("--period", help="round id; default: the latest")] = None,
    company: Annotated[str | None, typer.Option("--company", help="tax code (report company)")] = None,
    lang: Annotated[str, typer.Option("--lang")] = "vi",
) -> None:
    """The chairman's report, or one company's assessment report."""
    from app.services import reports
    from app.services.context import CLI_ACTOR
    from app.services.errors import ServiceError

    _prepared()
    try:
        if report is PdfReport.chairman:
            data = reports.export_chairman_pdf(CLI_ACTOR, period, lang)
        else:
            if not company:
                fail("--company TAX_CODE is required for --report company")
            assessment_id = reports.latest_assessment_id(CLI_ACTOR, company, period)
            data = reports.export_company_pdf(CLI_ACTOR, assessment_id, lang)
    except ServiceError as error:
        fail(error.text(lang))
    out.write_bytes(data)
    typer.echo(f"{out}: {len(data):,} bytes")


companies_app = typer.Typer(no_args_is_help=True, help="The company registry.")
app.add_typer(companies_app, name="companies")


@companies_app.command("import")
def companies_import(
    workbook: Annotated[Path, typer.Argument(help="an .xlsx in the template's form")],
    check_only: Annotated[bool, typer.Option("--check", help="report problems, write nothing")] = False,
) -> None:
    """Update companies by tax code and create the rest; all or nothing."""
    from app.services import company_import
    from app.services.context import CLI_ADMIN
    from app.services.errors import ServiceError

    _prepared()
    try:
        data = workbook.read_bytes()
    except OSError as exc:
        fail(f"Không đọc được / cannot read {workbook}: {exc}")
    try:
        if check_only:
            report = company_import.preview(CLI_ADMIN, data)
        else:
            report = company_import.apply(CLI_ADMIN, data)
    except ServiceError as error:
        for cell, message in getattr(error, "problems", []) or []:
            typer.echo(f"{workbook}:{cell}: {message}", err=True)
        fail(error.en if getattr(error, "problems", None) else error.text("vi"))
    for cell, message in report.problems:
        typer.echo(f"{workbook}:{cell}: {message}", err=True)
    if report.problems:
        raise typer.Exit(BAD_INPUT)
    typer.echo(
        f"{report.rows} rows: {len(report.created)} created, {len(report.updated)} updated, "
        f"{report.unchanged} unchanged" + (" (checked only)" if check_only else "")
    )


@app.command("backup")
def backup_command(out: Annotated[Path, typer.Option("--out", help="the backup file to write")]) -> None:
    """Write a checked, portable backup (a zip of JSON lines per table with a manifest)."""
    from app.services import backup
    from app.services.errors import ServiceError

    _prepared()
    try:
        written = backup.backup(out)
    except ServiceError as error:
        fail(error.text("en"))
    typer.echo(f"{written}: {written.stat().st_size:,} bytes")


@app.command("restore")
def restore_command(
    source: Annotated[Path, typer.Argument(help="a file written by `backup`")],
    yes: Annotated[bool, typer.Option("--yes", help="confirm: the database's content is replaced")] = False,
) -> None:
    """Replace the database's content with a backup, after checking it; a safety backup of the
    current content is written first. Works across engines (SQLite ↔ PostgreSQL)."""
    from app.services import backup
    from app.services.errors import ServiceError

    if not yes:
        fail("restore replaces every row of the database: add --yes to confirm")
    try:
        report = backup.restore(source, progress=lambda step: typer.echo(f"… {step}", err=True))
    except ServiceError as error:
        fail(error.text("vi") + "\n" + error.text("en"))
    for table, rows in report.rows.items():
        typer.echo(f"  {table:<16} {rows:>10,} rows")
    typer.echo(f"restored from {source}; the previous content is in {report.safety_backup}")


@app.command("prepare")
def prepare_command() -> None:
    """Check the settings, migrate, and in demo mode seed a brand-new database: what `./run.sh`
    does before it serves, so that the first visitor does not wait for it."""
    from app.bootstrap import prepare_database

    seeded = prepare_database()
    typer.echo("database ready" + (" (demo province seeded)" if seeded else ""))


def main() -> None:
    from sqlalchemy.exc import SQLAlchemyError

    try:
        app()
    except SQLAlchemyError as error:
        import logging
        import secrets

        reference = secrets.token_hex(4).upper()
        logging.getLogger("zonerisk").error("database failure %s", reference, exc_info=error)
        typer.echo(
            f"Lỗi cơ sở dữ liệu (mã {reference}): {type(error).__name__}. / "
            f"Database error (reference {reference}): {str(error).splitlines()[0][:300]}",
            err=True,
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
