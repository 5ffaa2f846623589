"""Backups carry every row of every table, whatever its columns' types: the sample database is made
from the metadata (one row per table, a value of each column's type, binary included), so a new
table or column is covered the day it is added, and a type the backup was never taught fails here
instead of in the six-hourly backup timer."""

from __future__ import annotations

import os
import stat
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

import db.models  # noqa: F401 - registers the tables
from app.services.admin import backup
from app.services.errors import Invalid
from db.engine import get_engine
from db.migrate import upgrade
from tests.databases import DatabaseFactory, using
from tests.test_cli_admin import cli

# every byte value, and a PNG's signature: what an evidence photo holds
SAMPLE_BYTES = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 3
HOSTILE = 'Ổn định "kho" \\ \u202eevil\n\t=HYPERLINK("x") ☃ '
MOMENT = datetime(2021, 5, 17, 8, 30, 15, 123456, tzinfo=UTC)


def _base(column: sa.Column[Any]) -> Any:
    kind = column.type
    return getattr(kind, "impl_instance", kind)


def _sample(column: sa.Column[Any], made: dict[str, dict[str, Any]]) -> Any:
    """A value of the column's type that a careless encoder would get wrong."""
    for key in column.foreign_keys:
        return made[key.column.table.name][key.column.name]
    kind = _base(column)
    if isinstance(kind, sa.Boolean):
        return True
    if isinstance(kind, sa.Integer):
        return 1 if column.primary_key else 2_147_483_000  # the data version lives in row 1
    if isinstance(kind, sa.Float):
        return 21.271234567891
    if isinstance(kind, sa.DateTime):
        return MOMENT
    if isinstance(kind, sa.Date):
        return date(2021, 2, 28)
    if isinstance(kind, sa.JSON):
        return {"vi": HOSTILE, "n": [1, 2.5, None, True], "deep": {"k": ["\u202e"]}}
    if isinstance(kind, sa.LargeBinary):
        return SAMPLE_BYTES
    if isinstance(kind, sa.String):  # Text, AutoString and VARCHAR(n)
        length = getattr(kind, "length", None)
        text = HOSTILE * (1 if length else 40)
        return text[: length or None]
    pytest.fail(
        f"no sample for {column.table.name}.{column.name} of type {kind!r}: teach this test and backup"
    )


def _fill(url: str) -> dict[str, dict[str, Any]]:
    """One row in every table, parents first, each column holding its type's awkward sample."""
    made: dict[str, dict[str, Any]] = {}
    with get_engine(url).begin() as connection:
        for table in SQLModel.metadata.sorted_tables:
            connection.execute(table.delete())
        for table in SQLModel.metadata.sorted_tables:
            row = {column.name: _sample(column, made) for column in table.columns}
            connection.execute(table.insert().values(**row))
            made[table.name] = row
    return made


def _normal(value: Any) -> Any:
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def _content(url: str) -> dict[str, list[dict[str, Any]]]:
    with get_engine(url).connect() as connection:
        return {
            table.name: [
                {k: _normal(v) for k, v in row._mapping.items()}
                for row in connection.execute(sa.select(table).order_by(*table.primary_key.columns))
            ]
            for table in SQLModel.metadata.sorted_tables
        }


@pytest.fixture
def every_column(factory: DatabaseFactory) -> Iterator[str]:
    url = factory.empty()
    upgrade(url)
    with using(url):
        _fill(url)
        yield url
    factory.release(url)


def test_every_table_and_column_type_survives_backup_and_restore(
    every_column: str, factory: DatabaseFactory, tmp_path: Path
) -> None:
    url = every_column
    written = _content(url)
    assert all(len(rows) == 1 for rows in written.values())
    assert written["inspectionevidence"][0]["data"] == SAMPLE_BYTES
    saved = backup.backup(tmp_path / "all.zrbackup")
    target = factory.empty()
    try:
        upgrade(target)
        with using(target):
            report = backup.restore(saved, safety_backup=tmp_path / "safety.zrbackup")
            assert report.rows == {name: 1 for name in written}
            restored = _content(target)
            # the data version moves past the backup's, so no replica serves a figure cached before
            assert restored.pop("dataversion")[0]["version"] > written.pop("dataversion")[0]["version"]
            assert restored == written
    finally:
        factory.release(target)


def test_the_cli_backs_up_a_photo_and_restores_it(every_column: str, tmp_path: Path) -> None:
    url = every_column
    saved = tmp_path / "cli.zrbackup"
    done = cli(url, "backup", "--out", str(saved))
    assert done.returncode == 0, done.stderr
    assert stat.S_IMODE(os.stat(saved).st_mode) == 0o600  # holds password hashes and contacts
    with get_engine(url).begin() as connection:
        connection.exec_driver_sql("DELETE FROM inspectionevidence")
    restored = cli(url, "restore", str(saved), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert _content(url)["inspectionevidence"][0]["data"] == SAMPLE_BYTES


def _resigned_copy(source: Path, target: Path) -> Path:
    """What an attacker who alters a backup would do: change a row, recompute every checksum."""
    import hashlib
    import json

    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        manifest = json.loads(old.read("manifest.json"))
        for info in old.infolist():
            if info.filename == "manifest.json":
                continue
            data = old.read(info)
            if info.filename == "tables/app_user.jsonl":
                data = data.replace(b'"role":"', b'"role":"admin","x":"', 1)
                manifest["tables"]["app_user"]["sha256"] = hashlib.sha256(data).hexdigest()
            new.writestr(info, data)
        new.writestr("manifest.json", json.dumps(manifest))
    return target


def test_an_altered_backup_with_recomputed_checksums_is_refused(seeded: str, tmp_path: Path) -> None:
    good = backup.backup(tmp_path / "good.zrbackup")
    altered = _resigned_copy(good, tmp_path / "altered.zrbackup")
    with pytest.raises(Invalid) as refused:
        backup.read_manifest(altered)
    assert "key" in refused.value.en and "Nothing changed" in refused.value.en
    assert backup.read_manifest(good)["tables"]["company"]["rows"] > 0
    # an operator who vouches for a backup made under another key can still restore it
    assert backup.read_manifest(altered, accept_other_key=True)["format_version"] == backup.FORMAT_VERSION


def test_restore_refuses_when_its_safety_backup_cannot_be_written(seeded: str, tmp_path: Path) -> None:
    from tests.security.test_restore import fingerprint

    good = backup.backup(tmp_path / "good.zrbackup")
    before = fingerprint(seeded)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the safety backup's folder should be")
    with pytest.raises(Invalid) as refused:
        backup.restore(good, safety_backup=blocker / "safety.zrbackup")
    assert "safety backup" in refused.value.en and "Nothing changed" in refused.value.en
    assert fingerprint(seeded) == before
