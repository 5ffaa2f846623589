"""The audit log, for the admin: filter by actor, action, company and date; export to Excel."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlmodel import Session, col, select

from app.exports.xlsx import table_workbook
from app.services.context import Actor, reading
from app.services.periods import VIETNAM
from app.services.scope import require_role
from app.vocabulary import Role
from db.models import AuditEvent, Company


@dataclass(frozen=True)
class AuditFilters:
    actor: str = ""
    action: str = ""
    tax_code: str = ""
    since: date | None = None
    until: date | None = None


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    actor: str
    action: str
    object: str
    company: str
    before: str
    after: str


def _start(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=UTC) - VIETNAM


def events(
    actor: Actor, filters: AuditFilters, limit: int = 2000, *, session: Session | None = None
) -> list[AuditRow]:
    require_role(actor, Role.admin)
    with reading(session) as session:
        query = (
            select(AuditEvent, Company.tax_code)
            .join(Company, col(Company.id) == AuditEvent.company_id, isouter=True)
            .order_by(col(AuditEvent.at).desc(), col(AuditEvent.id).desc())
            .limit(limit)
        )
        if filters.actor:
            query = query.where(AuditEvent.actor == filters.actor.strip().lower())
        if filters.action:
            query = query.where(col(AuditEvent.action).startswith(filters.action.strip()))
        if filters.tax_code:
            query = query.where(Company.tax_code == filters.tax_code.strip())
        if filters.since:
            query = query.where(col(AuditEvent.at) >= _start(filters.since))
        if filters.until:
            query = query.where(col(AuditEvent.at) < _start(filters.until + timedelta(days=1)))
        rows = session.exec(query).all()
    return [
        AuditRow(
            at=(e.at.astimezone(UTC) + VIETNAM).replace(tzinfo=None),
            actor=e.actor,
            action=e.action,
            object=f"{e.object_type} {e.object_id}",
            company=tax_code or "",
            before=json.dumps(e.before, ensure_ascii=False) if e.before else "",
            after=json.dumps(e.after, ensure_ascii=False) if e.after else "",
        )
        for e, tax_code in rows
    ]


def export(actor: Actor, filters: AuditFilters, *, session: Session | None = None) -> bytes:
    rows = events(actor, filters, limit=100_000, session=session)
    return table_workbook(
        "Nhật ký / Audit log",
        [
            "Thời điểm / At",
            "Người thực hiện / Actor",
            "Thao tác / Action",
            "Đối tượng / Object",
            "Mã số thuế / Tax code",
            "Trước / Before",
            "Sau / After",
        ],
        [[r.at, r.actor, r.action, r.object, r.company, r.before, r.after] for r in rows],
    )
