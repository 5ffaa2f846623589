"""Backup and restore in one portable format, so that a restore can be checked before it touches
anything and a province can move from the embedded SQLite to PostgreSQL (and back).

A backup is a zip holding `manifest.json` (format, format version, Alembic revision, engine, time,
per table its row count and the sha256 of its file, and an HMAC of all that with the secret key)
and `tables/<table>.jsonl`, one JSON object per row. Values are written by their column's type, not
by guessing from the Python value: binary columns (inspection photos) as base64, times as ISO 8601,
so a new table or column of any type is carried, and a type nobody taught it fails loudly at backup
time, naming the column, instead of writing a file that cannot be restored.

Restore refuses, with nothing changed, any file that is not such a backup, whose checksums or counts
do not match, whose manifest is not signed by this installation's key (checksums alone can be
recomputed by whoever alters the file), whose tables are not this app's, or whose schema revision is
not this version's. Before replacing anything it writes a safety backup of what is there, and refuses
when it cannot; the replacement is one transaction whose row counts are checked against the manifest
before it commits. Backups hold password hashes and contacts: they are written readable by their
owner only (0600).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import db.models  # noqa: F401 - registers the tables
from app.config import ROOT, get_settings
from app.services import data_version
from app.services.accounts import sessions
from app.services.documents import signing
from app.services.errors import Invalid, message
from app.vocabulary import SessionEnd
from db.engine import get_engine, normalise_url
from db.migrate import alembic_config, upgrade
from db.models import LoginSession, as_utc, utcnow

FORMAT = "zonerisk-backup"
FORMAT_VERSION = 2  # 2: binary columns as base64, a signed manifest
_READABLE_VERSIONS = (1, 2)  # 1 had no signature: restored only when the operator accepts that
MANIFEST = "manifest.json"
_BATCH = 2000
# a backup of ours compresses JSON about 5–15×; a ratio far above that is a zip bomb, not a backup
_MAX_RATIO = 200
_MAX_MANIFEST_BYTES = 1_000_000


@dataclass(frozen=True)
class RestoreReport:
    rows: dict[str, int]
    safety_backup: Path | None


def _bad(key: str, **values: object) -> Invalid:
    """A refused restore: the reason (`key` in errors.yaml), and that nothing changed."""
    reason_vi, reason_en = message(key, **values)
    return Invalid.said("backup.not_restored", reason_vi=reason_vi, reason_en=reason_en)


def head_revision() -> str:
    return str(ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head())


def _tables() -> list[sa.Table]:
    return list(SQLModel.metadata.sorted_tables)


Codec = Callable[[Any], Any]


def _same(value: Any) -> Any:
    return value


def _encode_datetime(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat() if value.tzinfo else value.isoformat()


def _decode_datetime(value: str | None) -> datetime | None:
    return None if value is None else as_utc(datetime.fromisoformat(value))


def _encode_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _decode_date(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


def _encode_bytes(value: bytes | None) -> str | None:
    return None if value is None else base64.b64encode(value).decode("ascii")


def _decode_bytes(value: str | None) -> bytes | None:
    return None if value is None else base64.b64decode(value, validate=True)


def _codec(column: sa.Column[Any]) -> tuple[Codec, Codec]:
    """How a column's values go into JSON and come back, chosen by the column's type."""
    kind = column.type
    base = getattr(kind, "impl_instance", kind)  # a TypeDecorator such as UTCDateTime
    if isinstance(base, sa.DateTime):
        return _encode_datetime, _decode_datetime
    if isinstance(base, sa.Date):
        return _encode_date, _decode_date
    if isinstance(base, sa.LargeBinary):
        return _encode_bytes, _decode_bytes
    return _same, _same


def _decoder(column: sa.Column[Any]) -> Codec:
    return _codec(column)[1]


def _chunks(connection: Connection, table: sa.Table) -> Iterator[tuple[bytes, int]]:
    """The table's rows as JSON lines, in chunks of `_BATCH` rows (one write to the zip each, not
    one per row), with how many rows each chunk holds."""
    order = list(table.primary_key.columns)
    result = connection.execution_options(stream_results=True, yield_per=_BATCH).execute(
        sa.select(table).order_by(*order)
    )
    names = [c.name for c in table.columns]
    encoders = [_codec(c)[0] for c in table.columns]
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    for rows in result.partitions():
        lines = []
        for row in rows:
            record = {name: encode(value) for name, encode, value in zip(names, encoders, row, strict=True)}
            try:
                lines.append(dumps(record))
            except (TypeError, ValueError) as error:  # a column type _codec was never taught
                raise TypeError(f"backup cannot write a value of table {table.name}: {error}") from error
        lines.append("")
        yield "\n".join(lines).encode(), len(rows)


def _signed_part(manifest: dict[str, Any]) -> str:
    """The manifest as signed: everything but the signature, in one canonical form."""
    unsigned = {k: v for k, v in manifest.items() if k != "signature"}
    return json.dumps(unsigned, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def _private_file(path: Path) -> None:
    """Created empty and readable by its owner only, before a byte of data goes in."""
    path.touch(mode=0o600)
    os.chmod(path, 0o600)


def backup(out: Path, url: str | None = None) -> Path:
    """Write a backup of every table of the app, read in one consistent snapshot."""
    url = normalise_url(url or get_settings().resolved_database_url())
    out.parent.mkdir(parents=True, exist_ok=True)
    engine = get_engine(url)
    tables: dict[str, dict[str, Any]] = {}
    partial = out.with_name(out.name + ".partial")
    _private_file(partial)
    with (
        zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive,
        engine.connect() as connection,
    ):
        if engine.dialect.name == "postgresql":
            connection.exec_driver_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        revision = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
        for table in _tables():
            digest = hashlib.sha256()
            count = 0
            with archive.open(f"tables/{table.name}.jsonl", "w", force_zip64=True) as handle:
                for chunk, rows in _chunks(connection, table):
                    handle.write(chunk)
                    digest.update(chunk)
                    count += rows
            tables[table.name] = {"rows": count, "sha256": digest.hexdigest()}
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "revision": revision,
            "engine": engine.dialect.name,
            "created_at": datetime.now(UTC).isoformat(),
            "tables": tables,
        }
        manifest["signature"] = signing.sign("backup", _signed_part(manifest))
        archive.writestr(MANIFEST, json.dumps(manifest, indent=2))
    partial.replace(out)
    return out


def read_manifest(source: Path, accept_other_key: bool = False) -> dict[str, Any]:
    """The manifest of a backup, after checking that the file is one of ours, whole, and signed by
    this installation's key (`accept_other_key`: the operator vouches for a backup made under
    another key, or an unsigned one of format 1). Raises Invalid, touching nothing, otherwise."""
    if not source.is_file():
        raise _bad("backup.no_file", source=source)
    if not zipfile.is_zipfile(source):
        raise _bad("backup.not_a_backup", name=source.name)
    size = source.stat().st_size
    with zipfile.ZipFile(source) as archive:
        names = {info.filename: info for info in archive.infolist()}
        info = names.get(MANIFEST)
        if info is None or info.file_size > _MAX_MANIFEST_BYTES:
            raise _bad("backup.no_manifest", name=source.name)
        if sum(i.file_size for i in names.values()) > max(size, 1_000_000) * _MAX_RATIO:
            raise _bad("backup.unpacks_too_large")
        try:
            manifest = json.loads(archive.read(MANIFEST))
        except (ValueError, RecursionError):
            manifest = None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise _bad("backup.foreign_manifest")
        if manifest.get("format_version") not in _READABLE_VERSIONS:
            raise _bad("backup.format_version_unsupported", version=manifest.get("format_version"))
        if not accept_other_key and not signing.verify(
            "backup", _signed_part(manifest), manifest.get("signature")
        ):
            raise _bad("backup.not_signed_here")
        if manifest.get("revision") != head_revision():
            raise _bad("backup.schema_differs", revision=manifest.get("revision"), head=head_revision())
        listed = manifest.get("tables")
        expected = {t.name for t in _tables()}
        if not isinstance(listed, dict) or set(listed) != expected:
            stray = sorted(set(listed or {}) - expected) if isinstance(listed, dict) else []
            raise _bad("backup.tables_differ", stray=stray)
        for name, entry in listed.items():
            member = names.get(f"tables/{name}.jsonl")
            if member is None or not isinstance(entry, dict):
                raise _bad("backup.table_missing", name=name)
            digest = hashlib.sha256()
            count = 0
            with archive.open(member) as handle:
                for line in handle:
                    digest.update(line)
                    count += 1
            if digest.hexdigest() != entry.get("sha256") or count != entry.get("rows"):
                raise _bad("backup.table_altered", name=name)
    return manifest


def _safety_path() -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    folder = get_settings().backup_dir
    return (folder if folder.is_absolute() else ROOT / folder) / f"pre-restore-{stamp}.zrbackup"


def restore(
    source: Path,
    url: str | None = None,
    safety_backup: Path | None = None,
    progress: Callable[[str], None] = lambda _m: None,
    accept_other_key: bool = False,
) -> RestoreReport:
    """Replace the database's content with a checked backup, in one transaction."""
    url = normalise_url(url or get_settings().resolved_database_url())
    manifest = read_manifest(source, accept_other_key)
    progress("checked")
    upgrade(url)
    safety = safety_backup or _safety_path()
    try:
        backup(safety, url)
    except (OSError, TypeError, sa.exc.SQLAlchemyError) as error:
        raise _bad("backup.safety_failed", path=safety, error=error) from error
    progress(f"safety backup {safety}")
    engine = get_engine(url)
    counts: dict[str, int] = {}
    with engine.connect().execution_options(sqlite_immediate=True) as connection, connection.begin():
        version_before = data_version.current(connection)
        for table in reversed(_tables()):
            connection.execute(table.delete())
        with zipfile.ZipFile(source) as archive:
            for table in _tables():
                decoders = {c.name: _decoder(c) for c in table.columns}
                batch: list[dict[str, Any]] = []
                with archive.open(f"tables/{table.name}.jsonl") as handle:
                    for line in io.TextIOWrapper(handle, encoding="utf-8"):
                        record = json.loads(line)
                        batch.append({k: decoders[k](v) for k, v in record.items() if k in decoders})
                        if len(batch) >= _BATCH:
                            connection.execute(table.insert(), batch)
                            batch = []
                if batch:
                    connection.execute(table.insert(), batch)
                counts[table.name] = connection.execute(
                    sa.select(sa.func.count()).select_from(table)
                ).scalar_one()
                progress(f"{table.name}: {counts[table.name]:,}")
        if engine.dialect.name == "postgresql":
            _reset_sequences(connection)
        data_version.bump_past(connection, version_before)  # past whatever a replica cached under
        expected = {name: entry["rows"] for name, entry in manifest["tables"].items()}
        if counts != expected:
            raise Invalid.said("backup.rolled_back", counts=counts, expected=expected)
        # a session the backup holds may have been logged out since: none opens again
        sessions_table = LoginSession.__table__  # type: ignore[attr-defined]
        connection.execute(
            sa.update(sessions_table)
            .where(sessions_table.c.ended_at.is_(None))
            .values(**sessions.ended(SessionEnd.restore, utcnow()))
        )
    engine.dispose()
    return RestoreReport(counts, safety)


def _reset_sequences(connection: Connection) -> None:
    """PostgreSQL's serial counters continue after the restored ids, not from 1."""
    for table in _tables():
        for column in table.primary_key.columns:
            if column.autoincrement is True or (
                column.autoincrement == "auto" and isinstance(column.type, sa.Integer)
            ):
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{column.name}'), "
                    f"COALESCE((SELECT max({column.name}) FROM {table.name}), 0) + 1, false) "
                    f"WHERE pg_get_serial_sequence('{table.name}', '{column.name}') IS NOT NULL"
                )
