"""People: officials and company users, their role and scope."""

from __future__ import annotations

import re

from sqlmodel import Session, select

from app.services import audit
from app.services.auth import check_password_rules, hash_password
from app.services.context import Actor, unit_of_work
from app.services.errors import Conflict, Invalid
from app.services.scope import require_role
from db.models import ROLES, Company, User, UserZone, Zone

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._\-]{2,59}$")


def add_user(
    session: Session,
    actor: Actor,
    username: str,
    password: str,
    role: str,
    full_name: str = "",
    company_id: int | None = None,
    zone_ids: tuple[str, ...] = (),
    must_change_password: bool = False,
) -> User:
    username = username.strip().lower()
    if not USERNAME.fullmatch(username):
        raise Invalid(
            "Tên đăng nhập 3–60 ký tự: chữ thường, số, dấu chấm, gạch.",
            "A username is 3–60 characters: lower-case letters, digits, dots, dashes.",
            field="username",
        )
    if role not in ROLES:
        raise Invalid(f"Vai trò không hợp lệ: {role}", f"Unknown role: {role}", field="role")
    check_password_rules(username, password)
    if role == "company":
        if company_id is None or session.get(Company, company_id) is None:
            raise Invalid(
                "Tài khoản doanh nghiệp phải gắn với một doanh nghiệp.",
                "A company account needs a company.",
                field="company_id",
            )
    elif company_id is not None:
        raise Invalid(
            "Chỉ tài khoản doanh nghiệp gắn với doanh nghiệp.", "Only company accounts have a company."
        )
    if session.exec(select(User.id).where(User.username == username)).first() is not None:
        raise Conflict(f"Tên đăng nhập {username} đã có.", f"Username {username} is taken.", field="username")
    for zone_id in zone_ids:
        if session.get(Zone, zone_id) is None:
            raise Invalid(f"Không có khu vực {zone_id}.", f"No zone {zone_id}.", field="zone_ids")
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
        session.add(UserZone(user_id=user.id, zone_id=zone_id))  # type: ignore[arg-type]
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


def create_user(actor: Actor, **fields: object) -> User:
    require_role(actor, "admin")
    with unit_of_work(write=True) as session:
        return add_user(session, actor, **fields)  # type: ignore[arg-type]
