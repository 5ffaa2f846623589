"""Logging in: argon2 outside any write transaction, one answer for every failure, a progressive
delay per account-from-client that nobody elsewhere can trigger, and sessions that end when the
password or the account changes."""

from __future__ import annotations

import sqlite3
import threading
from datetime import timedelta

import pytest
from sqlalchemy.engine import make_url

from app.services import auth, users
from app.services.auth import LoginFailed, delay_after
from app.services.errors import Conflict, Invalid
from tests.services.helpers import actor


def _fail(username: str, password: str = "wrong-password", client: str = "10.0.0.1") -> LoginFailed:
    with pytest.raises(LoginFailed) as caught:
        auth.authenticate(username, password, client)
    return caught.value


def test_demo_login_gives_the_role_and_company(seeded: str) -> None:
    who, must_change = auth.authenticate("demo.company", "HoaBinh-Garment-2021")
    assert who.role == "company" and who.company_id is not None and not must_change
    assert auth.authenticate("  Demo.ICT ", "TTTT-BacGiang-2021")[0].role == "ict"


def test_unknown_wrong_and_throttled_answer_the_same(seeded: str) -> None:
    unknown = _fail("nobody.here")
    wrong = _fail("demo.labour")
    for _ in range(5):
        _fail("demo.labour")
    throttled = _fail("demo.labour", "LDTBXH-BacGiang-2021")  # even the right password waits
    assert not throttled.checked and wrong.checked and unknown.checked
    assert (unknown.vi, unknown.en) == (wrong.vi, wrong.en) == (throttled.vi, throttled.en)
    assert "khóa" not in throttled.vi and "locked" not in throttled.en


def test_an_attacker_elsewhere_cannot_lock_the_owner_out(seeded: str) -> None:
    for _ in range(60):
        _fail("demo.admin", client="203.0.113.66")
    who, _ = auth.authenticate("demo.admin", "Admin-ZoneRisk-2021", "10.1.1.1")
    assert who.role == "admin"


def test_the_delay_grows_and_is_capped() -> None:
    assert [delay_after(n, 5, 900).total_seconds() for n in (1, 4, 5, 6, 7, 15, 60)] == [
        0,
        0,
        1,
        2,
        4,
        900,
        900,
    ]


def test_a_success_gives_the_office_its_try_back(seeded: str) -> None:
    """Twenty-one people log in from one office address in a day: nobody is throttled."""
    for _ in range(25):
        auth.authenticate("demo.ict", "TTTT-BacGiang-2021", "198.51.100.7")


def test_argon2_runs_with_no_write_lock_held(seeded: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """While the password is checked, another writer can take SQLite's write lock at once."""
    if not seeded.startswith("sqlite"):
        pytest.skip("SQLite's database-wide write lock")
    path = make_url(seeded).database
    real_verify = auth._verify
    writers_blocked: list[str] = []

    def verify_while_writing(password_hash: str, password: str) -> bool:
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
        except sqlite3.OperationalError as exc:
            writers_blocked.append(str(exc))
        finally:
            other.close()
        return real_verify(password_hash, password)

    monkeypatch.setattr(auth, "_verify", verify_while_writing)
    auth.authenticate("demo.company", "HoaBinh-Garment-2021")
    _fail("demo.company")
    assert writers_blocked == []


def test_twenty_concurrent_logins_all_succeed(seeded: str) -> None:
    errors: list[BaseException] = []
    roles: list[str] = []

    def log_in(n: int) -> None:
        try:
            roles.append(auth.authenticate("demo.zoneboard", "KCN-BacGiang-2021", f"10.9.0.{n}")[0].role)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=log_in, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and roles == ["zone_board"] * 20


@pytest.mark.parametrize(
    "password",
    ["short1", "officer.one-2021", "password123", "1234567890", "aaaaaaaaaa", "qwertyuiop", "Password123!"],
)
def test_password_rules(seeded: str, password: str) -> None:
    with pytest.raises(Invalid):
        users.create_user(actor("admin"), username="officer.one", password=password, role="ict")


def test_create_user_and_log_in(seeded: str) -> None:
    users.create_user(
        actor("admin"),
        username="inspector.vy",
        password="Kiem-Tra-Doan-35",
        role="zone_board",
        zone_ids=("kcn-van-trung",),
    )
    who, _ = auth.authenticate("inspector.vy", "Kiem-Tra-Doan-35")
    assert who.zone_ids == ("kcn-van-trung",)
    with pytest.raises(Conflict):
        users.create_user(actor("admin"), username="inspector.vy", password="Kiem-Tra-Doan-36", role="ict")


def test_a_password_change_ends_every_older_session(seeded: str) -> None:
    me, _ = auth.authenticate("demo.company", "HoaBinh-Garment-2021")
    other_tab = me.session_version
    assert auth.load_actor(me.user_id, other_tab) is not None  # type: ignore[arg-type]
    version = auth.change_password(me, "HoaBinh-Garment-2021", "Ao-So-Mi-Xanh-Bac-Giang")
    assert auth.load_actor(me.user_id, other_tab) is None  # type: ignore[arg-type]
    assert auth.load_actor(me.user_id, version) is not None  # type: ignore[arg-type]


def test_a_reset_or_deactivation_ends_the_session(seeded: str) -> None:
    me, _ = auth.authenticate("demo.labour", "LDTBXH-BacGiang-2021")
    admin = actor("admin")
    users.reset_password(admin, me.user_id)  # type: ignore[arg-type]
    assert auth.load_actor(me.user_id, me.session_version) is None  # type: ignore[arg-type]
    ict, _ = auth.authenticate("demo.ict", "TTTT-BacGiang-2021")
    users.set_active(admin, ict.user_id, False)  # type: ignore[arg-type]
    users.set_active(admin, ict.user_id, True)  # type: ignore[arg-type]
    assert auth.load_actor(ict.user_id, ict.session_version) is None  # type: ignore[arg-type]


def test_failures_a_day_old_are_forgiven(seeded: str) -> None:
    from sqlalchemy import update

    from app.services.context import unit_of_work
    from db.models import LoginThrottle, utcnow

    for _ in range(6):
        _fail("demo.ict")
    with unit_of_work(write=True) as session:
        session.execute(
            update(LoginThrottle).values(
                updated_at=utcnow() - timedelta(days=2), not_before=utcnow() - timedelta(days=2)
            )
        )
    wrong = _fail("demo.ict")
    assert wrong.checked
