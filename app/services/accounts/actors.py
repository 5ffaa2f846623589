"""The actor of a stored user, as every service sees it: role, company and zones from the database."""

from __future__ import annotations

from sqlmodel import Session, select

from app.services.context import Actor
from db.models import User, UserZone


def actor_for(session: Session, user: User) -> Actor:
    zones = session.exec(select(UserZone.zone_id).where(UserZone.user_id == user.id)).all()
    return Actor(
        user_id=user.id,
        username=user.username,
        role=user.role,
        company_id=user.company_id,
        zone_ids=tuple(sorted(zones)),
        session_version=user.session_version,
    )
