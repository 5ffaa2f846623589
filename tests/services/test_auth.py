"""Logging in: argon2, lock-out after repeated failures, and a message that says until when."""

from __future__ import annotations

import pytest

from app.services import auth, users
from app.services.auth import LoginFailed
from app.services.errors import Conflict, Invalid
from tests.services.helpers import actor


def test_demo_login_gives_the_role_and_company(seeded: str) -> None:
    who, must_change = auth.authenticate("demo.company", "HoaBinh-Garment-2021")
    assert who.role == "company" and who.company_id is not None and not must_change
    assert auth.authenticate("  Demo.ICT ", "TTTT-BacGiang-2021")[0].role == "ict"


def test_wrong_password_then_lock_out(seeded: str) -> None:
    for _ in range(4):
        with pytest.raises(LoginFailed) as caught:
            auth.authenticate("demo.labour", "wrong-password")
        assert "Wrong username or password" in caught.value.en
    with pytest.raises(LoginFailed) as caught:
        auth.authenticate("demo.labour", "wrong-password")
    assert "locked" in caught.value.en and "khóa" in caught.value.vi
    with pytest.raises(LoginFailed):  # even the right password, until the lock ends
        auth.authenticate("demo.labour", "LDTBXH-BacGiang-2021")


def test_unknown_user_says_the_same_as_a_wrong_password(seeded: str) -> None:
    with pytest.raises(LoginFailed) as caught:
        auth.authenticate("nobody", "whatever-it-is")
    assert caught.value.en == "Wrong username or password."


@pytest.mark.parametrize("password", ["short1", "officer.one-2021", "password123", "1234567890"])
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
