"""Logging in: argon2 outside any write transaction, one answer for every failure, a progressive
delay per account-from-client that nobody elsewhere can trigger, and sessions that end when the
password or the account changes."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import text

from app.services.accounts import auth
from app.services.accounts.auth import LoginFailed
from app.services.accounts.throttle import delay_after
from app.services.admin import users
from app.services.errors import Conflict, Invalid
from db.engine import get_engine
from tests.databases import sqlite_write_lock_refused
from tests.services.helpers import actor

# the throttle's clock: every try of a test happens at a moment the test chooses, so that no
# result depends on how long the machine takes to check a password
T0 = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)


def _fail(
    username: str, password: str = "wrong-password", client: str = "10.0.0.1", at: datetime = T0
) -> LoginFailed:
    with pytest.raises(LoginFailed) as caught:
        auth.authenticate(username, password, client, now=at)
    return caught.value


def _cheap_password(url: str, username: str, password: str) -> None:
    """A real argon2 hash with tiny costs, so that a test can try hundreds of passwords."""
    cheap = PasswordHasher(time_cost=1, memory_cost=64, parallelism=1).hash(password)
    with get_engine(url).begin() as connection:
        connection.execute(
            text("UPDATE app_user SET password_hash = :h WHERE username = :u"), {"h": cheap, "u": username}
        )


def test_demo_login_gives_the_role_and_company(seeded: str) -> None:
    who, must_change = auth.authenticate("demo.company", "HoaBinh-Garment-2021")
    assert who.role == "company" and who.company_id is not None and not must_change
    assert auth.authenticate("  Demo.ICT ", "TTTT-BacGiang-2021")[0].role == "ict"


def test_unknown_wrong_and_throttled_answer_the_same(seeded: str) -> None:
    unknown = _fail("nobody.here")
    wrong = _fail("demo.labour")
    for _ in range(5):
        _fail("demo.labour")
    # at the same moment, even the right password waits (however long the checks above took)
    throttled = _fail("demo.labour", "LDTBXH-BacGiang-2021")
    assert not throttled.checked and wrong.checked and unknown.checked
    assert (unknown.vi, unknown.en) == (wrong.vi, wrong.en) == (throttled.vi, throttled.en)
    assert "khóa" not in throttled.vi and "locked" not in throttled.en
    # the wait has passed a second later: the owner is in
    who, _ = auth.authenticate(
        "demo.labour", "LDTBXH-BacGiang-2021", "10.0.0.1", now=T0 + timedelta(seconds=1)
    )
    assert who.role == "labour"


def test_strangers_from_many_addresses_cannot_lock_the_owner_out(seeded: str) -> None:
    """120 addresses guess demo.admin's password, six tries each, for five minutes; the owner, from
    the client where she last logged in, gets in every time. A new address with the right password
    still waits: the distributed guessing is slowed, not free."""
    _cheap_password(seeded, "demo.admin", "Admin-ZoneRisk-2021")
    auth.authenticate("demo.admin", "Admin-ZoneRisk-2021", "10.1.1.1", now=T0)  # yesterday's login
    _cheap_password(seeded, "demo.admin", "Admin-ZoneRisk-2021")  # the login upgraded the hash
    refused_owner = 0
    for minute in range(5):
        at = T0 + timedelta(days=1, minutes=minute)
        for n in range(24):
            for _ in range(6):
                _fail("demo.admin", client=f"203.0.{minute}.{n}", at=at)
        try:
            who, _ = auth.authenticate("demo.admin", "Admin-ZoneRisk-2021", "10.1.1.1", now=at)
            assert who.role == "admin"
        except LoginFailed:
            refused_owner += 1
    assert refused_owner == 0
    # in the same minute, a new address, even with the right password, waits: the guessing spread
    # over many addresses is slowed to about one try per wait, not free
    last = T0 + timedelta(days=1, minutes=4)
    assert not _fail("demo.admin", "Admin-ZoneRisk-2021", client="198.18.0.1", at=last).checked


def test_colleagues_mistyping_behind_one_office_address_do_not_lock_out_the_rest(seeded: str) -> None:
    office = "198.51.100.7"
    auth.authenticate("demo.ict", "TTTT-BacGiang-2021", office, now=T0)
    later = T0 + timedelta(hours=2)
    for n in range(25):
        _fail(f"clerk.{n}", client=office, at=later)
    who, _ = auth.authenticate("demo.ict", "TTTT-BacGiang-2021", office, now=later)
    assert who.role == "ict"
    # the office's own count still slows a guesser at a new account from there
    assert not _fail("demo.labour", "LDTBXH-BacGiang-2021", client=office, at=later).checked


def test_a_client_behind_our_proxy_is_its_forwarded_address() -> None:
    assert auth.client_from("127.0.0.1", "203.0.113.5", trust_proxy=False) == "203.0.113.5"
    assert auth.client_from("::1", "203.0.113.6", trust_proxy=False) == "203.0.113.6"
    assert auth.client_from("10.0.0.9", "203.0.113.7", trust_proxy=True) == "203.0.113.7"
    # a client on the internet cannot choose its address by sending the header itself
    assert auth.client_from("198.51.100.3", "1.2.3.4", trust_proxy=False) == "198.51.100.3"
    assert auth.client_from(None, None, trust_proxy=False) == auth.UNKNOWN_CLIENT


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
        auth.authenticate("demo.ict", "TTTT-BacGiang-2021", "198.51.100.7", now=T0)


@pytest.mark.parametrize("where", ["an unknown client", "a new address each time"])
def test_an_owner_who_logs_in_all_day_is_never_refused(seeded: str, where: str) -> None:
    """Sixty logins in one morning with the right password, where the account's own count applies
    at every login (no address known, or a phone whose address changes): each success gives back
    the try it was counted for, so the owner is never made to wait. Before, successes there counted
    as a stranger's tries and the fifty-first login was refused."""
    _cheap_password(seeded, "demo.ict", "TTTT-BacGiang-2021")
    for n in range(60):
        client = auth.UNKNOWN_CLIENT if where == "an unknown client" else f"100.64.{n // 250}.{n % 250}"
        auth.authenticate("demo.ict", "TTTT-BacGiang-2021", client, now=T0 + timedelta(minutes=n))
    with get_engine(seeded).connect() as connection:
        counted = connection.execute(
            text("SELECT failures FROM loginthrottle WHERE key = 'account:demo.ict'")
        ).scalar_one_or_none()
    assert counted in (None, 0)
    # a stranger's wrong tries still count against the account, the owner's successes aside
    for n in range(3):
        _fail("demo.ict", client=f"203.0.113.{n}", at=T0 + timedelta(hours=2))
    with get_engine(seeded).connect() as connection:
        counted = connection.execute(
            text("SELECT failures FROM loginthrottle WHERE key = 'account:demo.ict'")
        ).scalar_one()
    assert counted == 3


def test_argon2_runs_with_no_write_lock_held(seeded: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """While the password is checked, another writer can take SQLite's write lock at once."""
    if not seeded.startswith("sqlite"):
        pytest.skip("SQLite's database-wide write lock")
    real_verify = auth._verify
    writers_blocked: list[str | None] = []

    def verify_while_writing(password_hash: str, password: str) -> bool:
        writers_blocked.append(sqlite_write_lock_refused(seeded))
        return real_verify(password_hash, password)

    monkeypatch.setattr(auth, "_verify", verify_while_writing)
    auth.authenticate("demo.company", "HoaBinh-Garment-2021")
    _fail("demo.company")
    assert writers_blocked == [None, None]


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
    assert [_fail("demo.ict").checked for _ in range(6)] == [True] * 5 + [False]
    for _ in range(5):  # two days on, five free tries again
        assert _fail("demo.ict", at=T0 + timedelta(days=2)).checked


def test_new_hashes_are_argon2id_at_owasps_setting_and_old_ones_are_upgraded_at_login(seeded: str) -> None:
    """A login costs one core 19 MiB × 2 passes, not argon2-cffi's 64 MiB × 3 × 4 lanes; a hash of
    the old setting (every account made before) still verifies, and is replaced at its next login."""
    assert auth.hash_password("Ao-So-Mi-Xanh-2026").startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    old = PasswordHasher(time_cost=3, memory_cost=65536, parallelism=4).hash("LDTBXH-BacGiang-2021")
    engine = get_engine(seeded)
    with engine.begin() as connection:
        connection.execute(
            text("UPDATE app_user SET password_hash = :h WHERE username = 'demo.labour'"), {"h": old}
        )
    auth.authenticate("demo.labour", "LDTBXH-BacGiang-2021")
    with engine.connect() as connection:
        stored = connection.execute(
            text("SELECT password_hash FROM app_user WHERE username = 'demo.labour'")
        ).scalar_one()
    assert stored.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    auth.authenticate("demo.labour", "LDTBXH-BacGiang-2021")  # the new hash verifies
