"""What every command shares: the exit code for bad input, and preparing the database first."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

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


def run_import(path: Path, act: Callable[[bytes], Any]) -> Any:
    """Read an import's file and hand it to `act` (a check or an apply); every problem is printed
    as `path:cell: words` on stderr (an editor jumps there), and any problem exits 2. Returns the
    report of a clean file."""
    from app.services.errors import ServiceError

    try:
        data = path.read_bytes()
    except OSError as exc:
        fail(f"Không đọc được / cannot read {path}: {exc}")
    try:
        report = act(data)
    except ServiceError as error:
        for cell, words in getattr(error, "problems", []) or []:
            typer.echo(f"{path}:{cell}: {words}", err=True)
        fail(error.text("vi") + "\n" + error.text("en"))
    for cell, words in report.problems:
        typer.echo(f"{path}:{cell}: {words}", err=True)
    if report.problems:
        raise typer.Exit(BAD_INPUT)
    return report
