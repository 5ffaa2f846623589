"""Restore checks the file before it touches anything: an empty file, a SQLite database, a
PostgreSQL dump, an altered or foreign backup all exit 2 with every row as it was. A good backup
restores across engines, with a safety backup taken first."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from app.services.admin import backup
from app.services.errors import Invalid
from app.services.filing import companies
from tests.databases import DatabaseFactory, backends, scalar, using
from tests.services.helpers import actor
from tests.test_cli_admin import cli

ROOT = Path(__file__).resolve().parents[2]


def fingerprint(url: str) -> tuple[object, ...]:
    return tuple(
        scalar(url, sql)
        for sql in (
            "SELECT count(*) FROM company",
            "SELECT count(*) FROM assessment",
            "SELECT sum(total) FROM assessment",
            "SELECT count(*) FROM app_user",
            "SELECT max(tax_code) FROM company",
            "SELECT count(*) FROM auditevent",
        )
    )


def _here(*args: str) -> subprocess.CompletedProcess[str]:
    """A command run in this process on the database the test points the services at."""
    from typer.testing import CliRunner

    from app.cli import app

    done = CliRunner().invoke(app, list(args))
    return subprocess.CompletedProcess(list(args), done.exit_code, done.stdout, done.stderr)


def _rewrite(
    source: Path, target: Path, change: dict[str, object] | None = None, table_text: str | None = None
) -> Path:
    """A copy of a backup with its manifest or one table's text altered."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for info in old.infolist():
            data = old.read(info)
            if info.filename == "manifest.json" and change is not None:
                manifest = json.loads(data)
                manifest.update(change)
                data = json.dumps(manifest).encode()
            if info.filename == "tables/company.jsonl" and table_text is not None:
                data = table_text.encode()
            new.writestr(info, data)
    return target


def test_foreign_and_damaged_files_change_nothing(seeded: str, tmp_path: Path) -> None:
    good = backup.backup(tmp_path / "good.zrbackup")
    before = fingerprint(seeded)
    empty = tmp_path / "empty.bin"
    empty.write_bytes(b"")
    sqlite_file = tmp_path / "other.db"
    import sqlite3

    with sqlite3.connect(sqlite_file) as conn:
        conn.execute("CREATE TABLE stray (x INTEGER)")
    text_file = tmp_path / "notes.zip"
    with zipfile.ZipFile(text_file, "w") as archive:
        archive.writestr("readme.txt", "not a backup")
    candidates = [
        empty,
        sqlite_file,
        text_file,
        _rewrite(good, tmp_path / "stray.zrbackup", {"tables": {"stray": {"rows": 0, "sha256": ""}}}),
        _rewrite(good, tmp_path / "future.zrbackup", {"revision": "9999"}),
        _rewrite(good, tmp_path / "version.zrbackup", {"format_version": 99}),
        _rewrite(good, tmp_path / "altered.zrbackup", table_text='{"id": 1}\n'),
    ]
    if shutil.which("pg_dump") and seeded.startswith("postgresql"):
        dump = tmp_path / "unrelated.dump"
        subprocess.run(
            ["pg_dump", "--format=custom", f"--file={dump}", seeded.replace("+psycopg", "")], check=True
        )
        candidates.append(dump)
    for n, candidate in enumerate(candidates):
        # the first through a real `python -m app.cli`, the rest in this process (Typer's runner
        # on the same database: the same check, without a Python start each; CI's time)
        done = (
            cli(seeded, "restore", str(candidate), "--yes")
            if n == 0
            else _here("restore", str(candidate), "--yes")
        )
        assert done.returncode == 2, (candidate.name, done.stdout, done.stderr)
        assert "Nothing changed" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
        assert fingerprint(seeded) == before, candidate.name


def test_restore_takes_a_safety_backup_and_checks_counts(seeded: str, tmp_path: Path) -> None:
    before = fingerprint(seeded)
    saved = backup.backup(tmp_path / "before.zrbackup")
    companies.create_company(
        actor("admin"),
        {"tax_code": "2499999996", "name": "Sau sao lưu", "zone_id": "kcn-hoa-phu", "sector": "Nhựa"},
    )
    after_change = fingerprint(seeded)
    assert after_change != before
    safety = tmp_path / "safety.zrbackup"
    report = backup.restore(saved, safety_backup=safety)
    assert fingerprint(seeded) == before
    assert report.rows["company"] == before[0] and report.rows["assessment"] == before[1]
    # the safety backup holds what was replaced, and restores it
    assert backup.read_manifest(safety)["tables"]["company"]["rows"] == after_change[0]
    backup.restore(safety, safety_backup=tmp_path / "again.zrbackup")
    assert fingerprint(seeded) == after_change
    # ids continue after the restored ones (PostgreSQL's sequences are reset)
    made = companies.create_company(
        actor("admin"),
        {"tax_code": "2499999989", "name": "Sau khôi phục", "zone_id": "kcn-hoa-phu", "sector": "Nhựa"},
    )
    assert made.id is not None and made.id > int(
        scalar(seeded, "SELECT max(id) FROM company WHERE tax_code <> '2499999989'")
    )


def test_the_cli_prints_counts_per_table(seeded: str, tmp_path: Path) -> None:
    saved = tmp_path / "cli.zrbackup"
    assert cli(seeded, "backup", "--out", str(saved)).returncode == 0
    done = cli(seeded, "restore", str(saved), "--yes")
    assert done.returncode == 0, done.stderr
    companies_line = next(line for line in done.stdout.splitlines() if line.strip().startswith("company "))
    assert companies_line.split()[-2].replace(",", "") == str(scalar(seeded, "SELECT count(*) FROM company"))


@pytest.mark.skipif(len(backends()) < 2, reason="needs TEST_DATABASE_URL for PostgreSQL")
def test_moving_from_sqlite_to_postgresql_and_back(
    factory: DatabaseFactory, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The way a province leaves the embedded default: backup on SQLite, restore on PostgreSQL."""
    if factory.backend.name != "postgresql":
        pytest.skip("run once, from the PostgreSQL side")
    tmp = tmp_path_factory.mktemp("move")
    sqlite_factory = DatabaseFactory(backends()[0], tmp)
    from tests.conftest import SMALL

    sqlite_url = sqlite_factory.copy_of(sqlite_factory.template(*SMALL))
    postgres_url = factory.empty()
    try:
        with using(sqlite_url):
            moved = backup.backup(tmp / "sqlite.zrbackup")
            expected = fingerprint(sqlite_url)
        with using(postgres_url):
            backup.restore(moved, safety_backup=tmp / "pg-safety.zrbackup")
            assert fingerprint(postgres_url) == expected
            companies.create_company(
                actor("admin"),
                {
                    "tax_code": "2499999971",
                    "name": "Trên PostgreSQL",
                    "zone_id": "kcn-hoa-phu",
                    "sector": "Nhựa",
                },
            )
            back = backup.backup(tmp / "pg.zrbackup")
        with using(sqlite_url):
            backup.restore(back, safety_backup=tmp / "sqlite-safety.zrbackup")
            assert (
                scalar(sqlite_url, "SELECT name FROM company WHERE tax_code = '2499999971'")
                == "Trên PostgreSQL"
            )
            assert fingerprint(sqlite_url)[0] == expected[0] + 1  # type: ignore[operator]
    finally:
        factory.release(postgres_url)
        sqlite_factory.close()


def test_reading_a_manifest_refuses_a_zip_bomb(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.zrbackup"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps({"format": "zonerisk-backup"}))
        archive.writestr("tables/company.jsonl", b"\n" * 300_000_000)
    with pytest.raises(Invalid) as refused:
        backup.read_manifest(bomb)
    assert "too large" in refused.value.en


def test_a_restore_ends_every_session_the_backup_held(seeded: str, tmp_path: Path) -> None:
    """A session logged out after the backup was taken must not open again when it is restored."""
    from app.services.accounts import sessions

    token = sessions.establish(sessions.start(actor("ict")).handoff)
    assert token is not None
    saved = backup.backup(tmp_path / "with-session.zrbackup")
    sessions.end(token)  # the official logs out; then the database is restored
    backup.restore(saved, safety_backup=tmp_path / "safety.zrbackup")
    assert sessions.resolve(token).actor is None
    assert scalar(seeded, "SELECT count(*) FROM login_session WHERE ended_at IS NULL") == 0
