"""`python -m app.cli …`: the same use cases as the app, for scripts, operators and scheduled jobs.
One module per command group (`scoring`, `admin`, `remind`, `inspections`, `deploy`; `common` holds
what they share); this package assembles them, and `__main__` runs it. Each command is an edge:
it opens the unit of work its action runs in.

Exit codes are a contract: 0 done, 2 bad input (invalid answers, a malformed rule set, an unknown id),
with the error on stderr.
"""

from __future__ import annotations

import sys

import typer

from app.cli.admin import backup_command, companies_app, export_app, prepare_command, restore_command
from app.cli.api import adoption_app, api_command, areas_app, clients_app
from app.cli.common import BAD_INPUT
from app.cli.deploy import deploy_app
from app.cli.inspections import flags_command, visits_app
from app.cli.remind import remind_app, worker_command
from app.cli.scoring import rulesets_app, score_command

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="ZoneRisk command line.",
    pretty_exceptions_show_locals=False,  # a traceback must never print rows or secrets
)
app.command("score")(score_command)
app.add_typer(rulesets_app, name="rulesets")
app.add_typer(export_app, name="export")
app.add_typer(companies_app, name="companies")
app.command("backup")(backup_command)
app.command("restore")(restore_command)
app.command("prepare")(prepare_command)
app.add_typer(remind_app, name="remind")
app.command("worker")(worker_command)
app.command("flags")(flags_command)
app.add_typer(visits_app, name="visits")
app.add_typer(deploy_app, name="deploy")
app.command("api")(api_command)
app.add_typer(clients_app, name="clients")
app.add_typer(adoption_app, name="adoption")
app.add_typer(areas_app, name="areas")


# commands that read rule sets and score answers: no key signs or seals anything they do
KEYLESS = frozenset({"score", "rulesets"})


@app.callback()
def _refuse_unsafe_settings(ctx: typer.Context) -> None:
    """Every command that serves, signs or writes refuses to run on settings that are unsafe for
    production (exit 2); scoring a file of answers needs no secret key."""
    from app.config import UnsafeSettings, get_settings

    if ctx.invoked_subcommand in KEYLESS:
        return
    try:
        get_settings().check_safe()
    except UnsafeSettings as problem:
        typer.echo(str(problem), err=True)
        raise typer.Exit(BAD_INPUT) from None


def main() -> None:
    from sqlalchemy.exc import SQLAlchemyError

    try:
        app()
    except SQLAlchemyError as error:
        from app.services.failures import log_failure, summary

        reference = log_failure(error)
        typer.echo(
            f"Lỗi cơ sở dữ liệu (mã {reference}): {type(error).__name__}. / "
            f"Database error (reference {reference}): {summary(error)}",
            err=True,
        )
        sys.exit(1)
