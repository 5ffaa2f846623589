"""The register of numbered documents (sổ đăng ký văn bản): one running number per kind of
document and year, never given twice."""

from __future__ import annotations

from sqlalchemy import update
from sqlmodel import Session, col, select

from app.services.context import insert_ignore
from db.models import DocumentRegister


def allocate_number(session: Session, kind: str, year: int) -> int:
    """The next number of the register for `kind` in `year`, taken under the row's lock (an
    UPDATE), so that concurrent exports get different numbers."""
    insert_ignore(session, DocumentRegister, kind=kind, year=year, last_number=0)
    session.execute(
        update(DocumentRegister)
        .where(col(DocumentRegister.kind) == kind, col(DocumentRegister.year) == year)
        .values(last_number=col(DocumentRegister.last_number) + 1)
    )
    return int(
        session.exec(
            select(DocumentRegister.last_number).where(
                col(DocumentRegister.kind) == kind, col(DocumentRegister.year) == year
            )
        ).one()
    )
