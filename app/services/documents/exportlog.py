"""The export log: every report, workbook and registry download, who took it, with which filters
and how many rows; each entry is also an audit event, so the admin's audit page shows exports."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from app.services import audit
from app.services.context import Actor
from db.models import ExportLog


def log_export(
    session: Session, actor: Actor, report: str, filters: dict[str, Any], rows: int, number: str | None = None
) -> None:
    entry = ExportLog(actor=actor.username, report=report, filters=filters, rows=rows, number=number)
    session.add(entry)
    session.flush()
    audit.record(session, actor, f"export.{report}", "export", entry.id, after={**filters, "rows": rows})
