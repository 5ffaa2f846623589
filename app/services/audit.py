"""Every write leaves an AuditEvent in the same transaction as the write itself."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app.services.context import Actor
from db.models import AuditEvent


def record(
    session: Session,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: object,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    company_id: int | None = None,
) -> None:
    session.add(
        AuditEvent(
            actor=actor.username,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            company_id=company_id,
            before=_jsonable(before),
            after=_jsonable(after),
        )
    )


def _jsonable(data: dict[str, Any] | None) -> dict[str, Any] | None:
    if data is None:
        return None
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}
