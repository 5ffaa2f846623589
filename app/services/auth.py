"""Logging in, with argon2 hashes and lock-out after repeated failures."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import yaml
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlmodel import Session, select

from app.config import get_settings
from app.services import audit
from app.services.context import Actor, unit_of_work
from app.services.errors import Invalid, ServiceError
from db.models import User, UserZone, utcnow

_hasher = PasswordHasher()
# verified against when the username does not exist, so that the time taken does not tell
_DUMMY_HASH = _hasher.hash("zonerisk-no-such-user")


class LoginFailed(ServiceError):
    pass


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def actor_for(session: Session, user: User) -> Actor:
    zones = session.exec(select(UserZone.zone_id).where(UserZone.user_id == user.id)).all()
    return Actor(
        user_id=user.id,
        username=user.username,
        role=user.role,
        company_id=user.company_id,
        zone_ids=tuple(sorted(zones)),
    )


def authenticate(username: str, password: str) -> tuple[Actor, bool]:
    """(actor, must change password) or LoginFailed with a message that does not say which part
    was wrong, except for a lock-out, whose end time the user needs to know."""
    settings = get_settings()
    username = username.strip().lower()
    with unit_of_work(write=True) as session:
        user = session.exec(select(User).where(User.username == username)).first()
        if user is None or not user.active:
            _verify(_DUMMY_HASH, password)
            raise _bad_login()
        now = utcnow()
        if user.locked_until is not None and user.locked_until > now:
            raise _locked(user)
        if not _verify(user.password_hash, password):
            user.failed_logins += 1
            if user.failed_logins >= settings.max_failed_logins:
                user.locked_until = now + timedelta(minutes=settings.lockout_minutes)
                user.failed_logins = 0
                session.add(user)
                audit.record(
                    session, Actor(user.id, user.username, user.role), "user.locked", "user", user.id
                )
                error: LoginFailed = _locked(user)
            else:
                session.add(user)
                error = _bad_login()
            # the failure count must persist even though the login is refused
            session.commit()
            raise error
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        user.failed_logins = 0
        user.locked_until = None
        user.last_login_at = now
        session.add(user)
        return actor_for(session, user), user.must_change_password


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _bad_login() -> LoginFailed:
    return LoginFailed(
        "Sai tên đăng nhập hoặc mật khẩu.",
        "Wrong username or password.",
    )


def _locked(user: User) -> LoginFailed:
    assert user.locked_until is not None
    local = user.locked_until + timedelta(hours=7)
    return LoginFailed(
        f"Tài khoản tạm khóa do đăng nhập sai nhiều lần, mở lại lúc {local:%H:%M %d/%m/%Y}.",
        f"Account locked after repeated failures until {local:%H:%M %d/%m/%Y} (Vietnam time).",
    )


_POLICY = yaml.safe_load(
    (Path(__file__).resolve().parents[1] / "data" / "password_policy.yaml").read_text("utf-8")
)
MIN_PASSWORD_LENGTH: int = int(_POLICY["min_length"])
COMMON_PASSWORDS = frozenset(str(p).lower() for p in _POLICY["common"])


def check_password_rules(username: str, password: str) -> None:
    """Rules a person can meet and a guesser cannot: length, not the username, not a common one."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(
            (
                f"Mật khẩu cần ít nhất {MIN_PASSWORD_LENGTH} ký tự.",
                f"A password needs at least {MIN_PASSWORD_LENGTH} characters.",
            )
        )
    lowered = password.lower()
    if username and username.lower() in lowered:
        problems.append(
            ("Mật khẩu không được chứa tên đăng nhập.", "A password may not contain the username.")
        )
    if lowered in COMMON_PASSWORDS or lowered.rstrip("0123456789!") in COMMON_PASSWORDS:
        problems.append(("Mật khẩu quá phổ biến.", "This password is too common."))
    if problems:
        raise Invalid(" ".join(p[0] for p in problems), " ".join(p[1] for p in problems), field="password")


def load_actor(user_id: int) -> Actor | None:
    """The actor for a logged-in session, read afresh on every page run: a deactivated or locked
    user, or a changed role or scope, takes effect at once."""
    with unit_of_work() as session:
        user = session.get(User, user_id)
        if user is None or not user.active:
            return None
        if user.locked_until is not None and user.locked_until > utcnow():
            return None
        return actor_for(session, user)


def must_change_password(user_id: int) -> bool:
    with unit_of_work() as session:
        user = session.get(User, user_id)
        return bool(user and user.must_change_password)


def change_password(actor: Actor, current: str, new: str) -> None:
    """The user's own change; the current password is asked again, the rules apply."""
    with unit_of_work(write=True) as session:
        user = session.get(User, actor.user_id)
        if user is None or not _verify(user.password_hash, current):
            raise Invalid("Mật khẩu hiện tại không đúng.", "The current password is wrong.", field="current")
        if current == new:
            raise Invalid("Mật khẩu mới phải khác mật khẩu cũ.", "The new password must differ.", field="new")
        check_password_rules(user.username, new)
        user.password_hash = hash_password(new)
        user.must_change_password = False
        session.add(user)
        audit.record(session, actor, "user.password_change", "user", user.id)
