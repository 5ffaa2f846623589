"""Login sessions that outlive a page: a row per logged-in browser, named by a cookie.

Why server-side rows and not a signed cookie: a session must end everywhere at once (logout, a
password change, an admin ending it, deactivation) and be valid on every replica; a row in the
shared database is both, and a stolen cookie is worth nothing once its row has ended. The cookie
holds 32 random bytes; the row holds their SHA-256 (a random token needs no slow hash), so a copy of
the database opens no session.

A Streamlit page cannot set a cookie, so a session starts in two steps: the page that checked the
password (or the sign-on callback) calls `start`, which returns a one-time *hand-off code*; the
browser is sent to /auth/session with it, and `establish` trades it, once and within two minutes,
for the token the cookie will hold (app/web/routes.py). The token the page itself got from `start`
serves that browser tab until then (and the tests driving pages without a browser).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.config import get_settings
from app.services import audit
from app.services.accounts.actors import actor_for
from app.services.context import Actor, reading, writing
from app.services.errors import NotFound
from app.services.scope import require_role
from app.vocabulary import Role, SessionEnd
from db.models import LoginSession, User, as_utc, utcnow

HANDOFF_SECONDS = 120
TOUCH_SECONDS = 60
"""last_seen is written at most once a minute per session: a click is a read, not a write."""


def ended(reason: str, now: datetime) -> dict[str, object]:
    """What ending a session writes, wherever it ends (logout, expiry, a password, an admin, a
    restore): the moment, why, and no hand-off code left to trade."""
    return {"ended_at": now, "end_reason": reason, "handoff_hash": None, "handoff_until": None}


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def idle_limit(role: str) -> timedelta:
    settings = get_settings()
    minutes = settings.session_idle_minutes_company if role == Role.company else settings.session_idle_minutes
    return timedelta(minutes=minutes)


def absolute_limit() -> timedelta:
    return timedelta(hours=get_settings().session_absolute_hours)


@dataclass(frozen=True)
class Started:
    token: str
    """for the tab that logged in, until the browser has its cookie"""
    handoff: str
    """what the browser trades at /auth/session for its cookie"""
    language: str | None = None
    """the language the account chose, for the login to open in"""


def start(
    actor: Actor,
    *,
    client: str = "",
    user_agent: str = "",
    method: str = "password",
    browser: str | None = None,
    now: datetime | None = None,
    session: Session | None = None,
) -> Started:
    """A new session for an actor whose credentials were just checked. `browser` is a value only
    the logging-in browser sends back with its hand-off (Streamlit's XSRF cookie): given, the code
    is refused from any other browser."""
    now = now or utcnow()
    token, handoff = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with writing(session) as session:
        language = session.exec(select(User.language).where(User.id == actor.account_id)).first()
        session.add(
            LoginSession(
                token_hash=_hash(token),
                handoff_hash=_hash(handoff),
                handoff_until=now + timedelta(seconds=HANDOFF_SECONDS),
                handoff_browser=_hash(browser) if browser else None,
                user_id=actor.account_id,
                session_version=actor.session_version,
                method=method,
                created_at=now,
                last_seen_at=now,
                client=client[:64],
                user_agent=user_agent[:200],
            )
        )
    return Started(token, handoff, language)


def establish(
    handoff: str, *, browser: str | None = None, now: datetime | None = None, session: Session | None = None
) -> str | None:
    """The cookie's token for a hand-off code, or None when the code is unknown, used, late, or
    brought by another browser than the one that logged in. The session's token changes here, so
    the code and the tab's token are both spent."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    with writing(session) as session:
        row = session.exec(select(LoginSession).where(LoginSession.handoff_hash == _hash(handoff))).first()
        if row is None or row.ended_at is not None or row.handoff_until is None:
            return None
        if as_utc(row.handoff_until) < now:
            return None
        if row.handoff_browser is not None and (browser is None or _hash(browser) != row.handoff_browser):
            return None
        row.token_hash = _hash(token)
        row.handoff_hash = None
        row.handoff_until = None
        row.handoff_browser = None
        row.last_seen_at = now
        session.add(row)
    return token


@dataclass(frozen=True)
class Resolved:
    actor: Actor | None
    language: str | None = None
    ended: str = ""
    """why there is no actor: "idle", "absolute", "ended" (logout, password, an admin), or "" when
    the token names no session at all"""
    must_change_password: bool = False


def resolve(token: str, *, now: datetime | None = None, session: Session | None = None) -> Resolved:
    """The actor a token stands for, read afresh on every page run (a changed role or scope, a
    deactivation, a session ended elsewhere: all at once). An expired session is ended here."""
    now = now or utcnow()
    with reading(session) as reader:
        found = reader.exec(
            select(LoginSession, User)
            .join(User, col(User.id) == col(LoginSession.user_id))
            .where(LoginSession.token_hash == _hash(token))
        ).first()
        if found is None:
            return Resolved(None)
        row, user = found
        if row.ended_at is not None or not user.active or row.session_version != user.session_version:
            return Resolved(None, ended="ended")
        expired = ""
        if now - as_utc(row.created_at) > absolute_limit():
            expired = SessionEnd.absolute
        elif now - as_utc(row.last_seen_at) > idle_limit(user.role):
            expired = SessionEnd.idle
        actor = None if expired else actor_for(reader, user)
        language, must_change = user.language, user.must_change_password
        stale = now - as_utc(row.last_seen_at) > timedelta(seconds=TOUCH_SECONDS)
        session_id = row.id
    if expired:
        _end_row(session_id, expired, now)
        return Resolved(None, ended=expired)
    if stale:
        _touch(session_id, now)
    return Resolved(actor, language, must_change_password=must_change)


def _touch(session_id: int | None, now: datetime) -> None:
    with writing(None) as session:
        session.exec(
            update(LoginSession)
            .where(col(LoginSession.id) == session_id, col(LoginSession.ended_at).is_(None))
            .values(last_seen_at=now)
        )


def _end_row(session_id: int | None, reason: str, now: datetime) -> None:
    with writing(None) as session:
        session.exec(
            update(LoginSession)
            .where(col(LoginSession.id) == session_id, col(LoginSession.ended_at).is_(None))
            .values(**ended(reason, now))
        )


def end(token: str, *, reason: str = SessionEnd.logout, now: datetime | None = None) -> None:
    """Logout: the session ends in the database, so its cookie opens nothing anywhere after."""
    now = now or utcnow()
    with writing(None) as session:
        session.exec(
            update(LoginSession)
            .where(col(LoginSession.token_hash) == _hash(token), col(LoginSession.ended_at).is_(None))
            .values(**ended(reason, now))
        )


def end_all(
    session: Session, user_id: int, reason: str, *, keep_token: str | None = None, now: datetime | None = None
) -> int:
    """Every open session of a user ends (a password change or reset, deactivation, a role change),
    inside the caller's unit of work; `keep_token` is the session that made the change, which goes on
    at the user's new session version."""
    now = now or utcnow()
    ending = update(LoginSession).where(
        col(LoginSession.user_id) == user_id, col(LoginSession.ended_at).is_(None)
    )
    if keep_token is not None:
        ending = ending.where(col(LoginSession.token_hash) != _hash(keep_token))
        user = session.get(User, user_id)
        if user is not None:
            session.exec(
                update(LoginSession)
                .where(col(LoginSession.token_hash) == _hash(keep_token))
                .values(session_version=user.session_version)
            )
    result = session.exec(ending.values(**ended(reason, now)))
    return int(result.rowcount or 0)


@dataclass(frozen=True)
class ActiveSession:
    id: int
    method: str
    created_at: datetime
    last_seen_at: datetime
    client: str
    user_agent: str


def active_for(
    actor: Actor, user_id: int, *, now: datetime | None = None, session: Session | None = None
) -> list[ActiveSession]:
    """An admin's view of where a user is logged in: open sessions not yet expired."""
    require_role(actor, Role.admin)
    now = now or utcnow()
    with reading(session) as session:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound.said("users.no_account")
        rows = session.exec(
            select(LoginSession)
            .where(
                LoginSession.user_id == user_id,
                col(LoginSession.ended_at).is_(None),
                LoginSession.session_version == user.session_version,
                col(LoginSession.handoff_hash).is_(None) | (col(LoginSession.handoff_until) > now),
            )
            .order_by(col(LoginSession.last_seen_at).desc())
        ).all()
        idle, absolute = idle_limit(user.role), absolute_limit()
        return [
            ActiveSession(
                row.id,  # type: ignore[arg-type]  # a stored row's id is never None
                row.method,
                as_utc(row.created_at),
                as_utc(row.last_seen_at),
                row.client,
                row.user_agent,
            )
            for row in rows
            if now - as_utc(row.created_at) <= absolute and now - as_utc(row.last_seen_at) <= idle
        ]


def end_for_admin(
    actor: Actor, user_id: int, session_id: int | None = None, *, session: Session | None = None
) -> int:
    """An admin ends one session of a user, or all of them (`session_id` None); audited."""
    require_role(actor, Role.admin)
    now = utcnow()
    with writing(session) as session:
        user = session.get(User, user_id)
        if user is None:
            raise NotFound.said("users.no_account")
        ending = update(LoginSession).where(
            col(LoginSession.user_id) == user_id, col(LoginSession.ended_at).is_(None)
        )
        if session_id is not None:
            ending = ending.where(col(LoginSession.id) == session_id)
        result = session.exec(ending.values(**ended(SessionEnd.admin, now)))
        count = int(result.rowcount or 0)
        audit.record(
            session,
            actor,
            "user.sessions_end",
            "user",
            user_id,
            after={"ended": count, "session": session_id},
            company_id=user.company_id,
        )
    return count


def set_language(actor: Actor, language: str, *, session: Session | None = None) -> None:
    """The user's own choice of language, kept with the account so every device opens in it."""
    with writing(session) as session:
        session.exec(update(User).where(col(User.id) == actor.account_id).values(language=language))
