"""Evidence of an inspection: photos and PDFs judged by their content (app.inspection.evidence),
kept in the database with the inspection, served only as the type they were found to be."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from app.inspection import evidence
from app.services import audit
from app.services.context import Actor, reading, writing
from app.services.errors import Invalid, NotFound
from app.services.onsite.inspections import INSPECTORS, may_see, own_draft
from app.services.scope import require_role
from app.vocabulary import OFFICIALS, Role
from db.models import Inspection, InspectionEvidence

MAX_EVIDENCE = 10  # files per inspection


@dataclass(frozen=True)
class EvidenceView:
    id: int
    file_name: str
    media_type: str
    size: int


def add_evidence(
    actor: Actor, inspection_id: int, name: str, data: bytes, *, session: Session | None = None
) -> EvidenceView:
    """Attach a photo or a PDF to the inspector's own draft, checked by content and size."""
    require_role(actor, *INSPECTORS)
    if not data:
        raise Invalid.said("inspections.evidence_empty", field="evidence")
    if len(data) > evidence.MAX_BYTES:
        raise Invalid.said("inspections.evidence_too_large", field="evidence", mb=evidence.MAX_BYTES // 2**20)
    media_type = evidence.sniff(data)
    if media_type is None:
        raise Invalid.said("inspections.evidence_type", field="evidence")
    if media_type.startswith("image/"):
        try:
            evidence.check_photo(data)
        except evidence.UnreadablePhoto as problem:
            raise Invalid.said(
                "inspections.evidence_unreadable", field="evidence", detail=str(problem)[:120]
            ) from None
    with writing(session) as session:
        row = own_draft(session, actor, inspection_id)
        count = session.execute(
            sa_select(func.count()).where(col(InspectionEvidence.inspection_id) == inspection_id)
        ).scalar_one()
        if count >= MAX_EVIDENCE:
            raise Invalid.said("inspections.evidence_count", field="evidence", most=MAX_EVIDENCE)
        item = InspectionEvidence(
            inspection_id=inspection_id,
            file_name=evidence.safe_name(name, media_type),
            media_type=media_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            data=data,
            uploaded_by=actor.username,
        )
        session.add(item)
        session.flush()
        audit.record(
            session,
            actor,
            "inspection.evidence",
            "inspection",
            row.id,
            after={"file": item.file_name, "type": media_type, "bytes": len(data)},
            company_id=row.company_id,
        )
        return EvidenceView(item.id or 0, item.file_name, media_type, len(data))


def evidence_of(actor: Actor, inspection_id: int, *, session: Session | None = None) -> list[EvidenceView]:
    """For officials in scope, and for the company inspected once the inspection is finished."""
    require_role(actor, *OFFICIALS, Role.company)
    with reading(session) as session:
        row = session.get(Inspection, inspection_id)
        if row is None:
            raise NotFound.said("inspections.not_found")
        may_see(session, actor, row)
        found = session.execute(
            sa_select(
                col(InspectionEvidence.id),
                col(InspectionEvidence.file_name),
                col(InspectionEvidence.media_type),
                col(InspectionEvidence.size),
            )
            .where(col(InspectionEvidence.inspection_id) == inspection_id)
            .order_by(col(InspectionEvidence.id))
        ).all()
        return [EvidenceView(*r) for r in found]


def evidence_file(
    actor: Actor, evidence_id: int, *, session: Session | None = None
) -> tuple[EvidenceView, bytes]:
    """The file's bytes, for whoever may see its inspection, with the type its content was found
    to be."""
    require_role(actor, *OFFICIALS, Role.company)
    with reading(session) as session:
        item = session.get(InspectionEvidence, evidence_id)
        owner = None if item is None else session.get(Inspection, item.inspection_id)
        if item is None or owner is None:
            raise NotFound.said("inspections.not_found")
        may_see(session, actor, owner)
        return EvidenceView(item.id or 0, item.file_name, item.media_type, item.size), bytes(item.data)


def evidence_preview(actor: Actor, evidence_id: int, *, session: Session | None = None) -> bytes | None:
    """A photo as a page shows it (a JPEG at most 1,280 px), or None when it cannot be read (a
    file stored before photos were checked). For officials in scope."""
    view, data = evidence_file(actor, evidence_id, session=session)
    if not view.media_type.startswith("image/"):
        return None
    try:
        return evidence.preview(data)
    except evidence.UnreadablePhoto:
        return None
