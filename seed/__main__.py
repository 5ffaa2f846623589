"""`python -m seed [--companies N] [--periods N] [--reset]`: build the demo province."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from app.config import get_settings
from db.migrate import upgrade
from seed.build import SeedError, build
from seed.database import reset_database

cli = typer.Typer(add_completion=False)


@cli.command()
def main(
    companies: Annotated[int, typer.Option(min=1, help="how many companies (~80% in the zones)")] = 400,
    periods: Annotated[int, typer.Option(min=1, help="how many weekly rounds")] = 12,
    reset: Annotated[bool, typer.Option("--reset", help="drop everything and rebuild")] = False,
    start: Annotated[str | None, typer.Option(help="Monday of the first round, YYYY-MM-DD")] = None,
    seed: Annotated[int, typer.Option(help="random seed; the same seed gives the same province")] = 2021,
    conditions: Annotated[
        bool, typer.Option(help="add a round under the operating conditions (bg-kcn-dk-2021)")
    ] = True,
) -> None:
    """Build the demo province of Bắc Giang in the database of DATABASE_URL."""
    url = get_settings().resolved_database_url()
    if reset:
        reset_database(url)
    else:
        upgrade(url)
    try:
        summary = build(
            companies=companies,
            periods=periods,
            start=date.fromisoformat(start) if start else None,
            seed=seed,
            progress=lambda step: typer.echo(f"… {step}", err=True),
            with_conditions_round=conditions,
        )
    except SeedError as problem:
        typer.echo(str(problem), err=True)
        raise typer.Exit(2) from None
    typer.echo(
        f"Seeded {summary.companies:,} companies in {summary.zones} zones and districts, "
        f"{summary.periods} weekly rounds from {summary.first_period:%d/%m/%Y}, "
        f"{summary.submissions:,} submissions in {summary.seconds:.1f}s."
    )
    typer.echo("\nDemo logins (role | username | password):")
    for login in summary.logins:
        typer.echo(f"  {login['role']:<10} | {login['username']:<15} | {login['password']}")


if __name__ == "__main__":
    cli()
