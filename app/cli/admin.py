"""The operators' commands: reports, the company registry, backup and restore, preparing the
database."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from app.cli.common import fail, prepared, run_import

export_app = typer.Typer(
    no_args_is_help=True, help="Excel and PDF reports (province-wide, audited as `cli`)."
)


class XlsxReport(StrEnum):
    overview = "overview"


class PdfReport(StrEnum):
    chairman = "chairman"
    company = "company"


@export_app.command("xlsx")
def export_xlsx(
    out: Annotated[Path, typer.Option("--out", help="the .xlsx (or .ods, with LibreOffice) file to write")],
    report: Annotated[XlsxReport, typer.Option("--report")] = XlsxReport.overview,
    period: Annotated[int | None, typer.Option("--period", help="round id; default: the latest")] = None,
    zone: Annotated[list[str] | None, typer.Option("--zone", help="zone or district id; repeatable")] = None,
    lang: Annotated[str, typer.Option("--lang")] = "vi",
) -> None:
    """The officials' workbook: summary, by area, companies, non-filers, criteria."""
    from app.services.context import CLI_ACTOR
    from app.services.documents import reports
    from app.services.errors import ServiceError
    from app.services.oversight.filters import Filters

    prepared()
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
    from app.services.context import CLI_ACTOR, unit_of_work
    from app.services.documents import chairman_reports, company_reports
    from app.services.errors import ServiceError

    prepared()
    if report is PdfReport.company and not company:
        fail("--company TAX_CODE is required for --report company")
    try:
        with unit_of_work(write=True) as session:  # the command is one action: find, read, log
            if report is PdfReport.chairman:
                data = chairman_reports.export_chairman_pdf(CLI_ACTOR, period, lang, session=session)
            else:
                assessment_id = company_reports.latest_assessment_id(
                    CLI_ACTOR, str(company), period, session=session
                )
                data = company_reports.export_company_pdf(CLI_ACTOR, assessment_id, lang, session=session)
    except ServiceError as error:
        fail(error.text(lang))
    out.write_bytes(data)
    typer.echo(f"{out}: {len(data):,} bytes")


companies_app = typer.Typer(no_args_is_help=True, help="The company registry.")


@companies_app.command("import")
def companies_import(
    workbook: Annotated[Path, typer.Argument(help="an .xlsx in the template's form")],
    check_only: Annotated[bool, typer.Option("--check", help="report problems, write nothing")] = False,
) -> None:
    """Update companies by tax code and create the rest; all or nothing."""
    from app.services.admin import company_import
    from app.services.context import CLI_ADMIN

    prepared()
    act = company_import.preview if check_only else company_import.apply
    report = run_import(workbook, lambda data: act(CLI_ADMIN, data))
    typer.echo(
        f"{report.rows} rows: {len(report.created)} created, {len(report.updated)} updated, "
        f"{report.unchanged} unchanged" + (" (checked only)" if check_only else "")
    )


def backup_command(out: Annotated[Path, typer.Option("--out", help="the backup file to write")]) -> None:
    """Write a checked, portable backup (a zip of JSON lines per table with a manifest)."""
    from app.services.admin import backup
    from app.services.errors import ServiceError

    prepared()
    try:
        written = backup.backup(out)
    except ServiceError as error:
        fail(error.text("en"))
    typer.echo(f"{written}: {written.stat().st_size:,} bytes")


def restore_command(
    source: Annotated[Path, typer.Argument(help="a file written by `backup`")],
    yes: Annotated[bool, typer.Option("--yes", help="confirm: the database's content is replaced")] = False,
    accept_other_key: Annotated[
        bool,
        typer.Option(
            "--accept-other-key",
            help="restore a backup signed by another installation's key (or an unsigned format-1 one)",
        ),
    ] = False,
) -> None:
    """Replace the database's content with a backup, after checking it; a safety backup of the
    current content is written first. Works across engines (SQLite ↔ PostgreSQL)."""
    from app.services.admin import backup
    from app.services.errors import ServiceError

    if not yes:
        fail("restore replaces every row of the database: add --yes to confirm")
    try:
        report = backup.restore(
            source,
            progress=lambda step: typer.echo(f"… {step}", err=True),
            accept_other_key=accept_other_key,
        )
    except ServiceError as error:
        fail(error.text("vi") + "\n" + error.text("en"))
    for table, rows in report.rows.items():
        typer.echo(f"  {table:<16} {rows:>10,} rows")
    typer.echo(f"restored from {source}; the previous content is in {report.safety_backup}")


def prepare_command() -> None:
    """Check the settings, migrate, and in demo mode seed a brand-new database: what `./run.sh`
    does before it serves, so that the first visitor does not wait for it."""
    from app.bootstrap import prepare_database

    seeded = prepare_database()
    typer.echo("database ready" + (" (demo province seeded)" if seeded else ""))
