"""Logging in: argon2 hashes, checked outside any write transaction, and a progressive delay per
account, per client and per account-from-client instead of a lock that anyone could trigger; from a
client where the account logged in lately, only the account-from-client delay applies.

Every failure answers the same words, whether the account is unknown, the password wrong or the
key throttled, so that the login form tells an attacker nothing about which accounts exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from ipaddress import ip_address
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, update
from sqlmodel import Session, col, select
from zxcvbn import zxcvbn

from app import yaml_text
from app.config import get_settings
from app.services import audit
from app.services.accounts import sessions, throttle
from app.services.accounts.actors import actor_for
from app.services.context import Actor, insert_ignore, reading, unit_of_work, writing
from app.services.errors import Invalid, ServiceError
from app.vocabulary import SessionEnd
from db.models import KnownLoginClient, LoginThrottle, User, as_utc, utcnow


@cache
def _hasher() -> PasswordHasher:
    settings = get_settings()
    return PasswordHasher(
        time_cost=settings.argon2_time_cost,
        memory_cost=settings.argon2_memory_kib,
        parallelism=settings.argon2_parallelism,
    )


@cache
def _dummy_hash() -> str:
    """Verified against when the username does not exist, so that the time taken does not tell."""
    return _hasher().hash("zonerisk-no-such-user")


# a client may fail this many times more than one account before it waits (an office behind one
# address has many people mistyping)
_CLIENT_FACTOR = 4
# a distributed guesser on one account still slows down, but far later than one client would
_ACCOUNT_FACTOR = 10


class SignOnRequired(ServiceError):
    """The password was right, but an admin requires this account to sign in through the
    province's provider: said only after the right password, so it tells a guesser nothing."""

    def __init__(self) -> None:
        super().__init__(
            "Tài khoản này đăng nhập qua cổng định danh của tỉnh: hãy dùng nút đăng nhập ở trên.",
            "This account signs in through the province's sign-on: use the sign-on button above.",
        )


class LoginFailed(ServiceError):
    """The one answer to every failed login. `checked` says whether a password was actually
    verified (False when the try was throttled), for the tests and the audit, never the user."""

    def __init__(self, checked: bool) -> None:
        super().__init__(
            "Sai tên đăng nhập hoặc mật khẩu, hoặc đã thử sai nhiều lần: "
            "hãy kiểm tra và thử lại sau ít phút.",
            "Wrong username or password, or too many failed tries: check and try again in a few minutes.",
        )
        self.checked = checked


def hash_password(password: str) -> str:
    return _hasher().hash(password)


@dataclass(frozen=True)
class _Key:
    key: str
    free: int  # failures allowed before a wait


UNKNOWN_CLIENT = "unknown"
LOOPBACK = "127.0.0.1"


def _keys(username: str, client: str, known: bool) -> list[_Key]:
    """The counts this try is held to. From a client where the account logged in lately (`known`)
    only the account-from-client count applies: nobody elsewhere, nor colleagues mistyping behind
    the same office address, can make the owner wait. Elsewhere the client's and the account's
    counts apply too, which slows a guesser spread over many addresses. A client with no address
    has no count of its own: it would be one bucket for the whole province."""
    free = get_settings().login_free_failures
    keys = [_Key(f"pair:{username}@{client}"[:200], free)]
    if known:
        return keys
    if client != UNKNOWN_CLIENT:
        keys.append(_Key(f"client:{client}"[:200], free * _CLIENT_FACTOR))
    keys.append(_Key(f"account:{username}"[:200], free * _ACCOUNT_FACTOR))
    return keys


def client_from(peer: str | None, forwarded_for: str | None, trust_proxy: bool) -> str:
    """The client a login comes from. X-Forwarded-For is believed when the operator says a proxy
    of ours sets it (`ZONERISK_TRUST_PROXY`) or when the connection comes from this machine's
    loopback, where only our own nginx can be (uvicorn's default too): without that, every
    visitor behind nginx would be 127.0.0.1, one login count for the whole province."""
    try:
        local = peer is not None and ip_address(peer).is_loopback
    except ValueError:
        local = False
    if forwarded_for and (trust_proxy or local):
        first = forwarded_for.split(",")[0].strip()
        if first:
            return first[:64]
    return (peer or UNKNOWN_CLIENT)[:64]


def _is_known(session: Session, username: str, client: str, now: datetime) -> bool:
    if client == UNKNOWN_CLIENT:
        return False
    row = session.get(KnownLoginClient, (username, client))
    since = now - timedelta(days=get_settings().login_known_client_days)
    return row is not None and as_utc(row.last_success_at) >= since


def _claim(username: str, client: str, now: datetime) -> list[_Key] | None:
    """Count this try as a failure before the password is checked, atomically per key (a
    compare-and-set on the failure count), and give the keys counted, or None when one of them
    must still wait. Counting first means eight processes guessing at once are throttled as if
    they guessed in turn; a success gives the count back."""
    with unit_of_work(write=True) as session:
        keys = _keys(username, client, _is_known(session, username, client, now))
        for item in keys:
            if not throttle.claim(session, item.key, item.free, now):
                return None
    return keys


def _give_back(username: str, client: str, keys: list[_Key], now: datetime) -> None:
    """After a success: the account-from-client count starts again and the client becomes known
    for the account. The client's and the account's counts lose this one try, which `_claim`
    counted before the password was checked: an office that logs in all day, or an owner whose
    address changes at every login, is never throttled for succeeding. The rest of the account's
    count is left to time: it measures guessing from elsewhere, which the owner's success does not
    undo."""
    with unit_of_work(write=True) as session:
        session.execute(delete(LoginThrottle).where(col(LoginThrottle.key) == keys[0].key))
        if client != UNKNOWN_CLIENT:
            known = session.get(KnownLoginClient, (username, client))
            if known is None:
                insert_ignore(
                    session, KnownLoginClient, username=username, client=client, last_success_at=now
                )
            else:
                known.last_success_at = now
                session.add(known)
        for item in keys[1:]:
            row = session.get(LoginThrottle, item.key, populate_existing=True)
            if row is not None and row.failures > 0:
                failures = row.failures - 1
                session.execute(
                    update(LoginThrottle)
                    .where(col(LoginThrottle.key) == item.key)
                    .values(
                        failures=LoginThrottle.failures - 1,
                        not_before=None if failures < item.free else row.not_before,
                    )
                )


def authenticate(
    username: str, password: str, client: str = UNKNOWN_CLIENT, *, now: datetime | None = None
) -> tuple[Actor, bool]:
    """(actor, must change password), or LoginFailed. argon2 runs with no transaction open, so
    logins do not queue behind SQLite's write lock. `now` is the clock the throttle reads (the
    tests pass theirs, so that no result depends on how fast the machine checks a password)."""
    username = username.strip().lower()[:60]
    client = (client or UNKNOWN_CLIENT)[:64]
    now = now or utcnow()
    keys = _claim(username, client, now)
    if keys is None:
        raise LoginFailed(checked=False)
    with unit_of_work() as session:
        user = session.exec(select(User).where(User.username == username)).first()
        stored_hash = user.password_hash if user is not None and user.active else _dummy_hash()
    if not _verify(stored_hash, password) or user is None or not user.active:
        raise LoginFailed(checked=True)
    rehash = hash_password(password) if _hasher().check_needs_rehash(stored_hash) else None
    _give_back(username, client, keys, now)
    if user.sso_required and get_settings().sso_enabled:
        raise SignOnRequired()
    with unit_of_work(write=True) as session:
        user = session.get(User, user.id)
        if user is None or not user.active:
            raise LoginFailed(checked=True)
        if rehash is not None:
            user.password_hash = rehash
        user.last_login_at = now
        session.add(user)
        return actor_for(session, user), user.must_change_password


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def throttled_accounts(session: Session) -> dict[str, datetime]:
    """Accounts that must wait before their next try from somewhere, and until when (admin list)."""
    now = utcnow()
    rows = session.exec(
        select(LoginThrottle.key, LoginThrottle.not_before).where(col(LoginThrottle.not_before) > now)
    ).all()
    waits: dict[str, datetime] = {}
    for key, until in rows:
        kind, _, rest = key.partition(":")
        if kind == "account":
            username = rest
        elif kind == "pair":
            username = rest.rpartition("@")[0]
        else:
            continue
        if until is not None and (username not in waits or until > waits[username]):
            waits[username] = until
    return waits


def clear_throttle(session: Session, username: str) -> None:
    session.execute(
        delete(LoginThrottle).where(
            (col(LoginThrottle.key) == f"account:{username}")
            | col(LoginThrottle.key).startswith(f"pair:{username}@")
        )
    )


_POLICY = yaml_text.load(
    (Path(__file__).resolve().parents[2] / "data" / "password_policy.yaml").read_text("utf-8")
)
MIN_PASSWORD_LENGTH: int = int(_POLICY["min_length"])
MIN_SCORE: int = int(_POLICY.get("min_zxcvbn_score", 3))
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
    elif len(password) >= MIN_PASSWORD_LENGTH and _guessable(username, password):
        problems.append(
            (
                "Mật khẩu dễ đoán (lặp lại, dãy phím hoặc từ thông dụng): hãy ghép vài từ không liên quan.",
                "This password is easy to guess (repeats, keyboard runs or common words): "
                "join a few unrelated words.",
            )
        )
    if problems:
        raise Invalid(" ".join(p[0] for p in problems), " ".join(p[1] for p in problems), field="password")


def _guessable(username: str, password: str) -> bool:
    """zxcvbn's estimate (dictionaries, keyboard patterns, repeats, dates) below the policy's
    score; only the first 100 characters are judged, as zxcvbn slows on long input."""
    result = zxcvbn(password[:100], user_inputs=[username, *_POLICY.get("context_words", [])])
    return int(result["score"]) < MIN_SCORE


def load_actor(
    user_id: int, session_version: int | None = None, *, session: Session | None = None
) -> Actor | None:
    """The actor for a logged-in session, read afresh on every page run: a deactivated user, or a
    changed role or scope, takes effect at once; a session older than the user's last password
    change, reset, deactivation or role change (`session_version`) is over."""
    with reading(session) as session:
        user = session.get(User, user_id)
        if user is None or not user.active:
            return None
        if session_version is not None and session_version != user.session_version:
            return None
        return actor_for(session, user)


def must_change_password(user_id: int, *, session: Session | None = None) -> bool:
    with reading(session) as session:
        user = session.get(User, user_id)
        return bool(user and user.must_change_password)


def change_password(
    actor: Actor, current: str, new: str, *, keep_token: str | None = None, session: Session | None = None
) -> int:
    """The user's own change; the current password is asked again, the rules apply. Every other
    session of the user ends; the one that changed it (`keep_token`) goes on at the new version,
    which is returned."""
    with writing(session) as session:
        user = session.get(User, actor.user_id)
        if user is None or not _verify(user.password_hash, current):
            raise Invalid.said("auth.current_password_wrong", field="current")
        if current == new:
            raise Invalid.said("auth.new_password_must_differ", field="new")
        check_password_rules(user.username, new)
        user.password_hash = hash_password(new)
        user.must_change_password = False
        user.session_version += 1
        session.add(user)
        session.flush()
        sessions.end_all(session, actor.account_id, SessionEnd.password, keep_token=keep_token)
        audit.record(session, actor, "user.password_change", "user", user.id)
    return user.session_version
