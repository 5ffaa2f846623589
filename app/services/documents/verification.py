"""Signed links that prove a printed company report is genuine, and say whether it still holds.

The QR code carries the assessment id and a signature (`app.services.documents.signing`, with the key id) of
what the report states, so an edited or invented report does not verify. A genuine report can
still be out of date: the company may have filed again in the same round, the submission may have
been returned, or the round closed. `/verify` says which, and shows the level that counts now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlencode

from sqlmodel import Session, col, select

from app.config import get_settings
from app.services.accounts import throttle
from app.services.context import reading, writing
from app.services.documents import signing
from app.services.errors import ServiceError
from app.vocabulary import Status
from db.models import Assessment, Company, Period, utcnow


class Standing(StrEnum):
    current = "current"
    superseded = "superseded"
    returned = "returned"


@dataclass(frozen=True)
class Verified:
    """What the genuine report states, and where it stands now. Only what an outsider holding the
    printed report needs: no contacts, no answers."""

    company_name: str
    tax_code: str
    period_name: str
    period_closed: bool
    submitted_at: datetime | None
    total: int
    max_total: int
    risk_index: float
    level: str
    may_operate: bool
    status: str
    ruleset_id: str
    ruleset_version: int
    standing: Standing
    superseded_at: datetime | None = None
    current_level: str | None = None
    current_may_operate: bool | None = None


def _message(row: Assessment, tax_code: str) -> str:
    return f"{row.id}:{tax_code}:{row.period_id}:{row.total}:{row.level}:{row.ruleset_hash}"


def token_for(row: Assessment, tax_code: str) -> str:
    return signing.sign("report", _message(row, tax_code))


def verify_url(row: Assessment, tax_code: str) -> str:
    query = urlencode({"a": row.id, "t": token_for(row, tax_code)})
    return f"{get_settings().effective_public_url()}/verify?{query}"


class TooManyInvalidLinks(ServiceError):
    """This client has opened too many invalid links lately: it must wait before the next check."""


# invalid links one client may open before each further check waits 1 s, 2 s, 4 s … (a person
# mistyping a printed link tries a few times; a forger tries thousands)
FREE_INVALID_LINKS = 20


def verify(
    assessment_id: str | int,
    token: str,
    client: str = "unknown",
    *,
    now: datetime | None = None,
    session: Session | None = None,
) -> Verified | None:
    """What the genuine report says and where it stands, or None for a forged, altered or unknown
    one. Public: it reveals only what the printed report already shows, plus its standing.
    Invalid links are counted per client; past `FREE_INVALID_LINKS` each check waits
    (TooManyInvalidLinks)."""
    now = now or utcnow()
    key = f"verify:{client}"
    with reading(session) as read:
        if throttle.must_wait(read, key, now):
            raise TooManyInvalidLinks.said("verify.too_many")
    found = _genuine(assessment_id, token, session)
    if found is None:
        with writing(session) as write:
            throttle.claim(write, key, FREE_INVALID_LINKS, now)
    return found


def _genuine(assessment_id: str | int, token: str, session: Session | None) -> Verified | None:
    try:
        wanted = int(assessment_id)
    except (TypeError, ValueError):
        return None
    if not isinstance(token, str) or len(token) > 100:
        return None
    with reading(session) as session:
        found = session.exec(
            select(Assessment, Company, Period)
            .join(Company, col(Company.id) == col(Assessment.company_id))
            .join(Period, col(Period.id) == col(Assessment.period_id))
            .where(col(Assessment.id) == wanted, col(Assessment.status) != Status.draft)
        ).first()
        if found is None:
            return None
        row, company, period = found
        if not signing.verify("report", _message(row, company.tax_code), token):
            return None
        latest = session.exec(
            select(Assessment).where(
                col(Assessment.company_id) == row.company_id,
                col(Assessment.period_id) == row.period_id,
                col(Assessment.is_latest),
            )
        ).first()
    if latest is not None and latest.id != row.id:
        standing = Standing.superseded
    elif row.status == Status.returned:
        standing = Standing.returned
    else:
        standing = Standing.current
    return Verified(
        company_name=company.name,
        tax_code=company.tax_code,
        period_name=period.name,
        period_closed=period.closed,
        submitted_at=row.submitted_at,
        total=row.total or 0,
        max_total=row.max_total or 0,
        risk_index=row.risk_index or 0.0,
        level=row.level or "",
        may_operate=bool(row.may_operate),
        status=row.status,
        ruleset_id=row.ruleset_id,
        ruleset_version=row.ruleset_version,
        standing=standing,
        superseded_at=latest.submitted_at if standing is Standing.superseded and latest else None,
        current_level=latest.level if latest is not None else None,
        current_may_operate=latest.may_operate if latest is not None else None,
    )
