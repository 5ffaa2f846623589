"""Backup and restore of a whole province, each beside the strongest baseline in the same format: the
database driver's own cursor reading every table into JSON lines in a deflated zip (backup), and
the driver's own executemany writing them back in one transaction (restore), with none of
SQLAlchemy's statement building, type processing or the checks a restore makes first. Peak Python
memory (tracemalloc) and the file's size are printed in the note.

`python -m bench backup --companies 10000 --rounds 52` uses the databases `bench batch` seeds."""

from __future__ import annotations

import json
import tempfile
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlmodel import SQLModel

from app.config import ROOT, database_override
from app.services.admin import backup
from bench.harness import Figure, paired
from bench.monitoring import _ensure_seeded, _postgres_url
from db.engine import get_engine


def _raw_dump(url: str, out: Path) -> None:
    """The floor of a portable backup: SELECT * per table through the driver, one JSON line a row."""
    connection = get_engine(url).raw_connection()
    try:
        cursor = connection.cursor()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
            for table in SQLModel.metadata.sorted_tables:
                cursor.execute(f'SELECT * FROM "{table.name}"')
                names = [d[0] for d in cursor.description]
                with archive.open(f"tables/{table.name}.jsonl", "w", force_zip64=True) as handle:
                    while rows := cursor.fetchmany(2000):
                        for row in rows:
                            handle.write(
                                json.dumps(dict(zip(names, row, strict=True)), default=str).encode() + b"\n"
                            )
    finally:
        connection.close()


def _raw_load(url: str, source: Path) -> None:
    """The floor of a restore: delete, then the driver's executemany of every decoded line."""
    sqlite = url.startswith("sqlite")
    connection = get_engine(url).raw_connection()
    try:
        cursor = connection.cursor()
        if sqlite:
            cursor.execute("BEGIN")  # the engine's connections run SQLite in autocommit mode
        tables = SQLModel.metadata.sorted_tables
        for table in reversed(tables):
            cursor.execute(f'DELETE FROM "{table.name}"')
        with zipfile.ZipFile(source) as archive:
            for table in tables:
                names = [c.name for c in table.columns]
                marks = ", ".join(["?" if sqlite else "%s"] * len(names))
                columns = ", ".join(f'"{n}"' for n in names)
                statement = f'INSERT INTO "{table.name}" ({columns}) VALUES ({marks})'
                batch: list[tuple[Any, ...]] = []
                with archive.open(f"tables/{table.name}.jsonl") as handle:
                    for line in handle:
                        record = json.loads(line)
                        batch.append(tuple(_raw_value(record.get(n), sqlite) for n in names))
                        if len(batch) >= 2000:
                            cursor.executemany(statement, batch)
                            batch = []
                if batch:
                    cursor.executemany(statement, batch)
        connection.rollback()  # the floor's work is done; the database keeps the service's restore
    finally:
        connection.close()


def _raw_value(value: Any, sqlite: bool) -> Any:
    if isinstance(value, dict | list):
        if sqlite:
            return json.dumps(value)
        from psycopg.types.json import Json

        return Json(value)
    return value


def _peak_mb(work: Callable[[], object]) -> float:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def _figures(label: str, url: str, companies: int, rounds: int, folder: Path) -> list[Figure]:
    _ensure_seeded(url, companies, rounds)
    scale = f"{companies // 1000}k×{rounds}" if companies >= 1000 else f"{companies}×{rounds}"
    saved, floor = folder / f"{label}.zrbackup", folder / f"{label}-raw.zip"
    with database_override(url):
        backup_time, dump_time = paired(2, lambda: backup.backup(saved, url), lambda: _raw_dump(url, floor))
        backup_peak = _peak_mb(lambda: backup.backup(saved, url))
        restore_time, load_time = paired(
            1,
            lambda: backup.restore(saved, url, safety_backup=folder / "safety.zrbackup"),
            lambda: _raw_load(url, saved),
        )
        restore_peak = _peak_mb(lambda: backup.restore(saved, url, safety_backup=folder / "safety.zrbackup"))
    size_mb = saved.stat().st_size / 2**20
    return [
        Figure(
            f"backup[{label} {scale}]",
            backup_time,
            dump_time,
            f"{size_mb:,.1f} MB file, peak {backup_peak:,.0f} MB; raw driver dump to the same zip",
        ),
        Figure(
            f"restore[{label} {scale}]",
            restore_time,
            load_time,
            f"incl. checks and safety backup; peak {restore_peak:,.0f} MB; raw driver executemany",
        ),
    ]


def run(quick: bool, companies: int | None = None, rounds: int | None = None) -> list[Figure]:
    default = (1_000, 12) if quick else (10_000, 52)
    companies, rounds = companies or default[0], rounds or default[1]
    seeded = ROOT / "data" / "bench"
    seeded.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="zr-bench-backup-") as scratch:
        folder = Path(scratch)
        figures = _figures(
            "sqlite", f"sqlite:///{seeded / f'monitoring-{companies}x{rounds}.db'}", companies, rounds, folder
        )
        pg = _postgres_url(f"zonerisk_bench_{companies}x{rounds}")
        if pg is not None:
            figures += _figures("postgresql", pg, companies, rounds, folder)
    return figures
