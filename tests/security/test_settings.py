"""Settings that refuse to run unsafely: production (the default) needs a strong key and a public
URL; demo data only in demo mode and only into a brand-new database; two first starts at once
leave one seeded database and no error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.config import Mode, Settings, UnsafeSettings, estimated_bits, strong_enough
from tests.databases import DatabaseFactory, scalar
from tests.reference import worked_examples

ROOT = Path(__file__).resolve().parents[2]
STRONG = "p7Vq2xLr9TzK4mWc8NbH3sJd6FgY1uEa5RkQ0oIt"


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ZONERISK_")}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )


@pytest.mark.parametrize(
    "env",
    [
        {},  # ZONERISK_ENV unset counts as production
        {"ZONERISK_ENV": "production"},
        {"ZONERISK_ENV": "production", "ZONERISK_SECRET_KEY": "zonerisk-development-key-change-me"},
        {"ZONERISK_ENV": "production", "ZONERISK_SECRET_KEY": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"},
        # the example file's old text, which once passed
        {"ZONERISK_SECRET_KEY": "change-me-python-c-import-secrets-print-secrets.token_urlsafe-48"},
    ],
)
def test_production_refuses_to_start_without_a_proper_key(env: dict[str, str], tmp_path: Path) -> None:
    env = {**env, "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.db'}"}
    for command in (["prepare"], ["backup", "--out", str(tmp_path / "b")]):
        done = run(env, *command)
        assert done.returncode == 2, (command, done.stdout, done.stderr)
        assert "ZONERISK_SECRET_KEY" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "prod.db").exists()  # nothing was created either


def test_scoring_a_file_needs_no_key_and_opens_no_database(tmp_path: Path) -> None:
    """Issue 26: the README's `score` example exited 2 asking for a production key on a fresh
    checkout, though scoring signs nothing. It scores from the shipped rule sets and creates no
    database on settings that may not serve."""
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'prod.db'}"}  # ZONERISK_ENV unset: production
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(worked_examples()[0]["answers"]))
    done = run(env, "score", "--ruleset", "bg-kcn-2021", "--answers", str(answers), "--format", "text")
    assert done.returncode == 0, done.stderr
    assert "Tổng điểm: 45/300" in done.stdout and "Nguy cơ rất thấp" in done.stdout
    assert run(env, "rulesets", "list").returncode == 0
    assert not (tmp_path / "prod.db").exists()


def test_production_needs_a_public_url_for_the_qr_codes(tmp_path: Path) -> None:
    env = {"ZONERISK_SECRET_KEY": STRONG, "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}"}
    done = run(env, "prepare")
    assert done.returncode == 2 and "ZONERISK_PUBLIC_URL" in done.stderr
    ok = run({**env, "ZONERISK_PUBLIC_URL": "https://zonerisk.bacgiang.gov.vn"}, "prepare")
    assert ok.returncode == 0, ok.stderr


def test_production_never_seeds_the_demo(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'prod.db'}"
    env = {"ZONERISK_SECRET_KEY": STRONG, "ZONERISK_PUBLIC_URL": "https://x.gov.vn", "DATABASE_URL": url}
    done = run(env, "prepare")
    assert done.returncode == 0, done.stderr
    assert scalar(url, "SELECT count(*) FROM app_user") == 0
    assert scalar(url, "SELECT count(*) FROM company") == 0


def test_demo_seeds_only_a_brand_new_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    env = {"ZONERISK_ENV": "demo", "DATABASE_URL": url}
    first = run(env, "prepare")
    assert first.returncode == 0 and "seeded" in first.stdout, first.stderr
    users = scalar(url, "SELECT count(*) FROM app_user")
    assert users == 5
    # an emptied database with a migration history is someone's, not a place for demo users
    import sqlite3

    with sqlite3.connect(tmp_path / "demo.db") as conn:
        conn.execute("PRAGMA foreign_keys=OFF")
        for table in ("review", "assessment", "periodcompany", "period", "userzone", "app_user", "company"):
            conn.execute(f"DELETE FROM {table}")
    again = run(env, "prepare")
    assert again.returncode == 0 and "seeded" not in again.stdout
    assert scalar(url, "SELECT count(*) FROM app_user") == 0


def test_two_first_starts_at_once(factory: DatabaseFactory) -> None:
    url = factory.empty()
    env = {"ZONERISK_ENV": "demo", "DATABASE_URL": url}
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ZONERISK_")}
    starts = [
        subprocess.Popen(
            [sys.executable, "-m", "app.cli", "prepare"],
            cwd=ROOT,
            env={**clean, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [(p.wait(timeout=600), p.stdout.read(), p.stderr.read()) for p in starts]  # type: ignore[union-attr]
    try:
        assert [code for code, _, _ in results] == [0, 0], results
        assert sum("seeded" in out for _, out, _ in results) == 1
        assert scalar(url, "SELECT count(*) FROM app_user WHERE username = 'demo.admin'") == 1
    finally:
        factory.release(url)


def test_key_strength() -> None:
    import secrets

    assert estimated_bits("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa") < 100
    assert not strong_enough("zonerisk-development-key-change-me")
    assert not strong_enough("correct-horse-battery-staple")
    # made-up keys that zxcvbn alone rates above 10^25 guesses
    for worded in (
        "change-me-python-c-import-secrets-print-secrets.token_urlsafe-48",
        "bacgiang-zonerisk-production-secret-key-2021",
        "my-Example-key-for-the-province-3f9a8c7d1e",
        "ReplaceWithARandomValueBeforeGoingLive-8c1d2e3f",
    ):
        assert not strong_enough(worded), worded
    assert strong_enough(STRONG)
    # every honest random key an operator might make passes, not most of them: the bar once refused
    # one 32-hex key in twenty (zxcvbn sees '55555' or 'cdef' in random text)
    refused = [k for k in (secrets.token_hex(16) for _ in range(200)) if not strong_enough(k)]
    refused += [k for k in (secrets.token_urlsafe(32) for _ in range(50)) if not strong_enough(k)]
    refused += [k for k in (secrets.token_urlsafe(48) for _ in range(50)) if not strong_enough(k)]
    assert refused == []


def test_demo_mode_makes_its_own_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import app.config as config

    monkeypatch.setattr(config, "DEMO_KEY_FILE", tmp_path / "secret.key")
    settings = Settings(ZONERISK_ENV="demo")
    first = settings.effective_secret()
    assert len(first) >= 40 and (tmp_path / "secret.key").read_text() == first
    assert Settings(ZONERISK_ENV="demo").effective_secret() == first
    assert oct((tmp_path / "secret.key").stat().st_mode & 0o777) == "0o600"
    with pytest.raises(UnsafeSettings):
        Settings(ZONERISK_ENV=Mode.production).effective_secret()


def test_the_example_settings_file_does_not_start_production(tmp_path: Path) -> None:
    """An operator who copies deploy/zonerisk.env.example and forgets the key gets a refusal that
    says how to make one, not a running server signing with a published key."""
    example = {}
    for line in (ROOT / "deploy" / "zonerisk.env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            example[name] = value
    env = {**example, "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.db'}"}
    done = run(env, "prepare")
    assert done.returncode == 2 and "ZONERISK_SECRET_KEY" in done.stderr


def test_a_replica_in_production_without_a_key_does_not_listen(tmp_path: Path) -> None:
    """No health answer either: a balancer must not send anyone to it."""
    from bench.processes import free_port

    port = free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith("ZONERISK_")}
    done = subprocess.run(
        [sys.executable, "-m", "app.serve", "--server.port", str(port), "--server.headless", "true"],
        cwd=ROOT,
        env={**clean, "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.db'}"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2 and "ZONERISK_SECRET_KEY" in done.stderr
    assert not (tmp_path / "prod.db").exists()


def test_the_sqlite_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    import stat

    from db.engine import get_engine
    from db.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    upgrade(url)
    assert stat.S_IMODE(os.stat(tmp_path / "fresh.db").st_mode) == 0o600
    old = tmp_path / "old.db"
    old.touch(mode=0o644)
    get_engine(f"sqlite:///{old}").dispose()
    assert stat.S_IMODE(os.stat(old).st_mode) == 0o600


def test_a_logged_database_failure_shows_no_value(seeded: str, caplog: pytest.LogCaptureFixture) -> None:
    """A failed INSERT of a user must not put the password hash into the log."""
    import sqlalchemy as sa

    from app.services.failures import log_failure
    from db.engine import get_engine

    hash_text = "$argon2id$v=19$m=65536,t=3,p=4$c2VjcmV0$bm90LWEtcmVhbC1oYXNo"
    with pytest.raises(sa.exc.IntegrityError) as failed, get_engine(seeded).begin() as connection:
        connection.execute(
            sa.text("INSERT INTO app_user (id, username, password_hash) VALUES (1, 'x', :h)"),
            {"h": hash_text},
        )
    assert "hidden due to hide_parameters" in str(failed.value)
    reference = log_failure(failed.value)
    assert reference in caplog.text and "INSERT INTO app_user" in caplog.text
    assert "argon2" not in caplog.text and "Failing row" not in caplog.text


@pytest.mark.parametrize(
    ("memory", "passes", "accepted"),
    [
        ("19456", "2", True),
        ("47104", "1", True),
        ("7168", "5", True),
        ("19456", "1", False),
        ("4096", "9", False),
    ],
)
def test_the_password_hash_is_never_set_below_owasps_argon2id_minimum(
    monkeypatch: pytest.MonkeyPatch, memory: str, passes: str, accepted: bool
) -> None:
    from pydantic import ValidationError

    from app.config import Settings

    monkeypatch.setenv("ZONERISK_ARGON2_MEMORY_KIB", memory)
    monkeypatch.setenv("ZONERISK_ARGON2_TIME_COST", passes)
    if accepted:
        Settings()
    else:
        with pytest.raises(ValidationError, match=r"OWASP|greater than or equal to 7168"):
            Settings()
