"""Every write leaves an AuditEvent in the same transaction as the write itself."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session

from app.services.context import Actor, insert_rows
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


def record_many(
    session: Session,
    actor: Actor,
    action: str,
    object_type: str,
    events: Iterable[tuple[object, dict[str, Any] | None, dict[str, Any] | None, int | None]],
) -> None:
    """One event per (object id, before, after, company id), written at once: what a bulk write
    (an import, the seed) audits, in the order given, as `record` would one by one."""
    rows = [
        {
            "actor": actor.username,
            "action": action,
            "object_type": object_type,
            "object_id": str(object_id),
            "company_id": company_id,
            "before": _jsonable(before),
            "after": _jsonable(after),
        }
        for object_id, before, after, company_id in events
    ]
    insert_rows(session, AuditEvent, rows)  # after what the ORM holds: the events keep their order


def _jsonable(data: dict[str, Any] | None) -> dict[str, Any] | None:
    if data is None:
        return None
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in data.items()}
