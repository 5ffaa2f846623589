"""The API's commands: serve it, and issue, list and revoke its machine clients."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from app.cli.common import fail, prepared, run_import

clients_app = typer.Typer(no_args_is_help=True, help="Machine clients of the API (tokens for other systems).")


def api_command(
    port: Annotated[int, typer.Option("--port", help="TCP port")] = 8600,
    host: Annotated[str, typer.Option("--host", help="address to listen on")] = "127.0.0.1",
    workers: Annotated[int, typer.Option("--workers", help="processes")] = 1,
) -> None:
    """Serve the REST API (/api/v1, OpenAPI at /api/v1/openapi.json) on the configured database;
    in demo mode a brand-new database gets the demo province first."""
    import uvicorn

    from app.bootstrap import prepare_database

    prepare_database()
    uvicorn.run(
        "app.api.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=True,
        log_level="info",
    )


@clients_app.command("add")
def add_client(
    name: Annotated[str, typer.Option("--name", help="who the client is, e.g. the province's data platform")],
    scope: Annotated[str, typer.Option("--scope", help="province | zones | districts | company")],
    area: Annotated[
        list[str] | None, typer.Option("--area", help="zone or district id, for zones/districts; repeatable")
    ] = None,
    tax_code: Annotated[str | None, typer.Option("--tax-code", help="the company, for scope company")] = None,
    write: Annotated[bool, typer.Option("--write", help="may file assessments (company scope)")] = False,
    days: Annotated[int, typer.Option("--days", help="days until the token expires")] = 365,
    rate: Annotated[int, typer.Option("--rate", help="calls a minute")] = 600,
) -> None:
    """Issue a client. Its token is printed alone on the last line, once: it is kept only hashed."""
    from app.bootstrap import prepare_database
    from app.services.context import CLI_ADMIN
    from app.services.errors import ServiceError
    from app.services.integration import clients

    prepare_database()  # in demo mode a brand-new database gets the demo province first, as `api` does
    try:
        client, token = clients.issue(
            CLI_ADMIN,
            name,
            scope,
            areas=tuple(area or ()),
            tax_code=tax_code,
            write=write,
            days=days,
            rate_per_minute=rate,
        )
    except ServiceError as error:
        fail(error.text("vi") + "\n" + error.text("en"))
    typer.echo(
        f"client {client.name}: scope {client.scope}"
        + (f" {', '.join(client.zone_ids)}" if client.zone_ids else "")
        + (f" {client.company_tax_code}" if client.company_tax_code else "")
        + (", read-write" if client.can_write else ", read-only")
        + f", expires {client.expires_at:%Y-%m-%d}. The token is shown once:"
    )
    typer.echo(token)


@clients_app.command("list")
def list_clients(
    as_json: Annotated[bool, typer.Option("--json", help="one JSON document")] = False,
) -> None:
    """Every client: scope, rights, expiry, revoked or not, last call."""
    from app.services.context import CLI_ADMIN
    from app.services.integration import clients

    prepared()
    found = clients.list_clients(CLI_ADMIN)
    rows = [
        {
            "name": c.name,
            "scope": c.scope,
            "areas": list(c.zone_ids),
            "tax_code": c.company_tax_code,
            "write": c.can_write,
            "expires_at": c.expires_at.isoformat(),
            "revoked_at": c.revoked_at.isoformat() if c.revoked_at else None,
            "last_used_at": c.last_used_at.isoformat() if c.last_used_at else None,
            "token_hint": c.token_hint + "…",
        }
        for c in found
    ]
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        typer.echo("no clients")
    for c, r in zip(found, rows, strict=True):
        state = "revoked" if r["revoked_at"] else f"expires {str(r['expires_at'])[:10]}"
        where = ", ".join(c.zone_ids) or (c.company_tax_code or "")
        rights = "read-write" if r["write"] else "read"
        typer.echo(f"{r['name']}\t{r['scope']} {where}\t{rights}\t{state}\t{r['token_hint']}")


@clients_app.command("revoke")
def revoke_client(name: Annotated[str, typer.Argument(help="the client's name")]) -> None:
    """Refuse the client's token from its next call on."""
    from app.services.context import CLI_ADMIN
    from app.services.errors import ServiceError
    from app.services.integration import clients

    prepared()
    try:
        client = clients.revoke(CLI_ADMIN, name)
    except ServiceError as error:
        fail(error.text("vi") + "\n" + error.text("en"))
    typer.echo(f"client {client.name} revoked")


adoption_app = typer.Typer(
    no_args_is_help=True, help="The platforms' adoption figures (Bluezone, health declarations)."
)


@adoption_app.command("import")
def adoption_import(
    table: Annotated[Path, typer.Argument(help="the platforms' export: .csv (UTF-8) or .xlsx, by tax code")],
    round_id: Annotated[int, typer.Option("--round", help="the round the export is of")],
    check_only: Annotated[bool, typer.Option("--check", help="report problems, write nothing")] = False,
) -> None:
    """Load a round's platform figures (all or nothing) and flag who claimed more than was counted."""
    from app.services.admin import platform_import
    from app.services.context import CLI_ADMIN

    prepared()
    if check_only:
        report = run_import(table, lambda data: platform_import.preview(CLI_ADMIN, round_id, data))
    else:
        report = run_import(table, lambda data: platform_import.apply(CLI_ADMIN, round_id, data, table.name))
    typer.echo(
        f"{report.companies} workplaces"
        + (
            " (checked only)"
            if check_only
            else f", {report.replaced} replaced, {report.flagged} over-reporting"
        )
    )


areas_app = typer.Typer(
    no_args_is_help=True, help="The local areas of the administrative structure in force, by GSO code."
)


@areas_app.command("import")
def areas_import(
    table: Annotated[Path, typer.Argument(help=".csv (UTF-8) or .xlsx: code, name[, lat, lon]")],
    check_only: Annotated[bool, typer.Option("--check", help="report problems, write nothing")] = False,
) -> None:
    """Load the communes (or districts) with their GSO codes, all or nothing."""
    from app import area_structure
    from app.services.admin import area_import
    from app.services.context import CLI_ADMIN

    prepared()
    report = run_import(table, lambda data: area_import.import_areas(CLI_ADMIN, data, apply=not check_only))
    typer.echo(
        f"{area_structure.structure_id()}: {len(report.created)} new, {len(report.renamed)} renamed, "
        f"{report.unchanged} unchanged" + (" (checked only)" if check_only else "")
    )
