"""What every command shares: the exit code for bad input, and preparing the database first."""

from __future__ import annotations

from typing import NoReturn

import typer

BAD_INPUT = 2


def fail(message: str) -> NoReturn:
    typer.echo(message, err=True)
    raise typer.Exit(BAD_INPUT)


def prepared() -> None:
    """Migrate the database of DATABASE_URL (under the start-up lock) before a command uses it."""
    from app.config import get_settings
    from db.migrate import startup_lock, upgrade

    url = get_settings().resolved_database_url()
    with startup_lock(url):
        upgrade(url)
