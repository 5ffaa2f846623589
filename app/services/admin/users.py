"""People: officials and company users, their role and scope."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.notify.contacts import normal_email
from app.services import audit
from app.services.accounts import sessions
from app.services.accounts.auth import check_password_rules, clear_throttle, hash_password, throttled_accounts
from app.services.context import Actor, reading, writing
from app.services.errors import Conflict, Invalid, NotFound
from app.services.scope import require_role
from app.vocabulary import Role, SessionEnd
from db.models import ROLES, Company, User, UserZone, Zone

__all__ = ["ROLES"]  # the pages' list of roles comes from here, not from the tables

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._\-]{2,59}$")


def create_user(
    actor: Actor,
    username: str,
    password: str,
    role: str,
    full_name: str = "",
    company_id: int | None = None,
    zone_ids: tuple[str, ...] = (),
    must_change_password: bool = False,
    email: str = "",
    *,
    session: Session | None = None,
) -> User:
    """An account, checked whole before anything is written; in the caller's unit when given."""
    require_role(actor, Role.admin)
    with writing(session) as session:
        user = _insert_user(
            session, actor, username, password, role, full_name, company_id, zone_ids, must_change_password
        )
        if email:
            address = normal_email(email)
            if address is None:
                raise Invalid.said("users.bad_email", field="email")
            user.email = address
            session.add(user)
        return user


def _insert_user(
    session: Session,
    actor: Actor,
    username: str,
    password: str,
    role: str,
    full_name: str,
    company_id: int | None,
    zone_ids: tuple[str, ...],
    must_change_password: bool,
) -> User:
    username = username.strip().lower()
    if not USERNAME.fullmatch(username):
        raise Invalid.said("users.username_shape", field="username")
    if role not in ROLES:
        raise Invalid.said("users.unknown_role", role=role, field="role")
    check_password_rules(username, password)
    if role == "company":
        if company_id is None or session.get(Company, company_id) is None:
            raise Invalid.said("users.company_needed", field="company_id")
    elif company_id is not None:
        raise Invalid.said("users.company_only_for_company_accounts")
    if session.exec(select(User.id).where(User.username == username)).first() is not None:
        raise Conflict.said("users.username_taken", username=username, field="username")
    for zone_id in zone_ids:
        if session.get(Zone, zone_id) is None:
            raise Invalid.said("users.no_zone", zone_id=zone_id, field="zone_ids")
    user = User(
        username=username,
        full_name=full_name.strip(),
        password_hash=hash_password(password),
        role=role,
        company_id=company_id,
        must_change_password=must_change_password,
    )
    session.add(user)
    session.flush()
    for zone_id in zone_ids:
        session.add(UserZone(user_id=user.id, zone_id=zone_id))  # type: ignore[arg-type]  # a stored row's id is never None
    audit.record(
        session,
        actor,
        "user.create",
        "user",
        user.id,
        after={"username": username, "role": role, "company_id": company_id, "zones": list(zone_ids)},
        company_id=company_id,
    )
    return user


@dataclass(frozen=True)
class UserRow:
    id: int
    username: str
    full_name: str
    role: str
    company: str | None
    zones: tuple[str, ...]
    active: bool
    throttled_until: datetime | None
    must_change_password: bool
    last_login_at: datetime | None
    sso_subject: str | None = None
    sso_email: str | None = None
    sso_required: bool = False


def list_users(actor: Actor, *, session: Session | None = None) -> list[UserRow]:
    require_role(actor, Role.admin)
    with reading(session) as session:
        users = session.exec(select(User).order_by(col(User.role), col(User.username))).all()
        companies = dict(session.exec(select(Company.id, Company.name)).all())
        zones: dict[int, list[str]] = {}
        for user_id, zone_id in session.exec(select(UserZone.user_id, UserZone.zone_id)).all():
            zones.setdefault(user_id, []).append(zone_id)
        waits = throttled_accounts(session)
    return [
        UserRow(
            u.id,  # type: ignore[arg-type]  # a stored row's id is never None
            u.username,
            u.full_name,
            u.role,
            companies.get(u.company_id) if u.company_id else None,
            tuple(sorted(zones.get(u.id, []))),  # type: ignore[arg-type]  # a stored row's id is never None
            u.active,
            waits.get(u.username),
            u.must_change_password,
            u.last_login_at,
            u.sso_subject,
            u.sso_email,
            u.sso_required,
        )
        for u in users
    ]


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound.said("users.no_account")
    return user


def set_active(actor: Actor, user_id: int, active: bool, *, session: Session | None = None) -> None:
    require_role(actor, Role.admin)
    if user_id == actor.user_id and not active:
        raise Invalid.said("users.cannot_deactivate_self")
    with writing(session) as session:
        user = _user(session, user_id)
        if user.active != active:
            user.active = active
            user.session_version += 1
            session.add(user)
            if not active:
                sessions.end_all(session, user_id, SessionEnd.deactivated)
            audit.record(
                session,
                actor,
                "user.activate" if active else "user.deactivate",
                "user",
                user_id,
                before={"active": not active},
                after={"active": active},
                company_id=user.company_id,
            )


def reset_password(actor: Actor, user_id: int, *, session: Session | None = None) -> str:
    """A temporary password, shown once to the admin; the user must change it at the next login."""
    require_role(actor, Role.admin)
    with writing(session) as session:
        user = _user(session, user_id)
        temporary = "ZR-" + secrets.token_urlsafe(9)
        user.password_hash = hash_password(temporary)
        user.must_change_password = True
        user.session_version += 1  # whoever held the old password is logged out
        sessions.end_all(session, user_id, SessionEnd.reset)
        clear_throttle(session, user.username)
        session.add(user)
        audit.record(session, actor, "user.password_reset", "user", user_id, company_id=user.company_id)
        return temporary


def unlock(actor: Actor, user_id: int, *, session: Session | None = None) -> None:
    require_role(actor, Role.admin)
    with writing(session) as session:
        user = _user(session, user_id)
        clear_throttle(session, user.username)
        audit.record(session, actor, "user.unlock", "user", user_id, company_id=user.company_id)


def register_sign_on(
    actor: Actor,
    user_id: int,
    *,
    subject: str,
    email: str,
    required: bool,
    session: Session | None = None,
) -> None:
    """Who this person is at the province's identity provider (its `sub`, or an email it verifies),
    and whether they may still use a password. The role and scope stay the account's."""
    require_role(actor, Role.admin)
    subject = subject.strip()[:255]
    normal = normal_email(email) if email.strip() else None
    if email.strip() and normal is None:
        raise Invalid.said("users.bad_email", field="email")
    if required and not (subject or normal):
        raise Invalid.said("users.sign_on_needs_identity", field="subject")
    with writing(session) as session:
        user = _user(session, user_id)
        if subject:
            holder = session.exec(select(User.id).where(User.sso_subject == subject)).first()
            if holder is not None and holder != user_id:
                raise Conflict.said("users.sign_on_taken", subject=subject, field="subject")
        before = {"subject": user.sso_subject, "email": user.sso_email, "required": user.sso_required}
        user.sso_subject, user.sso_email, user.sso_required = subject or None, normal, required
        session.add(user)
        audit.record(
            session,
            actor,
            "user.sign_on",
            "user",
            user_id,
            before=before,
            after={"subject": user.sso_subject, "email": user.sso_email, "required": required},
            company_id=user.company_id,
        )


def require_sign_on_for_officials(actor: Actor, required: bool, *, session: Session | None = None) -> int:
    """Every official registered for sign-on must (or may again not) use it; the officials not yet
    registered keep their passwords until they are, so nobody is locked out. Returns how many changed."""
    require_role(actor, Role.admin)
    officials = (Role.zone_board, Role.labour, Role.ict, Role.admin)
    with writing(session) as session:
        changed = session.exec(
            update(User)
            .where(
                col(User.role).in_(officials),
                col(User.sso_required) != required,
                col(User.sso_subject).is_not(None) | col(User.sso_email).is_not(None),
            )
            .values(sso_required=required)
        )
        count = int(changed.rowcount or 0)
        audit.record(
            session,
            actor,
            "user.sign_on_policy",
            "user",
            "officials",
            after={"required": required, "changed": count},
        )
    return count
