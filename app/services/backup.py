"""Backup and restore of the whole database: SQLite through its online backup API (consistent while
the app runs), PostgreSQL through pg_dump / pg_restore."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import make_url

from app.config import get_settings
from app.services.errors import Invalid
from db.engine import get_engine, normalise_url


def _sqlite_path(url: str) -> str:
    return make_url(url).database or ""


def _libpq(url: str) -> str:
    """postgresql+psycopg://… as the URL pg_dump and pg_restore understand."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise Invalid(
            f"Không tìm thấy {name} (gói postgresql-client).", f"{name} not found (postgresql-client)."
        )
    return found


def backup(out: Path, url: str | None = None) -> Path:
    url = normalise_url(url or get_settings().resolved_database_url())
    out.parent.mkdir(parents=True, exist_ok=True)
    if url.startswith("sqlite"):
        source = sqlite3.connect(_sqlite_path(url))
        target = sqlite3.connect(out)
        try:
            with target:
                source.backup(target)
        finally:
            target.close()
            source.close()
        return out
    done = subprocess.run(
        [_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={out}", f"--dbname={_libpq(url)}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise Invalid(f"pg_dump thất bại: {done.stderr.strip()}", f"pg_dump failed: {done.stderr.strip()}")
    return out


def restore(source: Path, url: str | None = None) -> None:
    """Replace the database's content with the backup's. The app's connections are closed first."""
    url = normalise_url(url or get_settings().resolved_database_url())
    if not source.exists():
        raise Invalid(f"Không có tệp {source}.", f"No file {source}.")
    get_engine(url).dispose()
    if url.startswith("sqlite"):
        backup_db = sqlite3.connect(source)
        try:
            backup_db.execute("PRAGMA schema_version").fetchone()
        except sqlite3.DatabaseError as exc:
            backup_db.close()
            raise Invalid(
                f"{source} không phải bản sao lưu SQLite.", f"{source} is not a SQLite backup."
            ) from exc
        target = sqlite3.connect(_sqlite_path(url))
        try:
            with target:
                backup_db.backup(target)
        finally:
            target.close()
            backup_db.close()
        return
    done = subprocess.run(
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={_libpq(url)}",
            str(source),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise Invalid(
            f"pg_restore thất bại: {done.stderr.strip()}", f"pg_restore failed: {done.stderr.strip()}"
        )
