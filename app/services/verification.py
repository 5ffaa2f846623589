"""Signed links that prove a printed company report is genuine: the QR code carries the assessment id
and an HMAC of what the report states, so an edited or invented report does not verify."""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from sqlmodel import select

from app.config import get_settings
from app.services.context import unit_of_work
from db.models import Assessment, Company, Period


@dataclass(frozen=True)
class Verified:
    company_name: str
    tax_code: str
    period_name: str
    submitted_at: datetime | None
    total: int
    max_total: int
    risk_index: float
    level: str
    may_operate: bool
    status: str
    ruleset_id: str
    ruleset_version: int


def _message(row: Assessment, tax_code: str) -> bytes:
    return (
        f"zonerisk-report:{row.id}:{tax_code}:{row.period_id}:{row.total}:{row.level}:{row.ruleset_hash}"
    ).encode()


def token_for(row: Assessment, tax_code: str) -> str:
    digest = hmac.new(get_settings().secret_key.encode(), _message(row, tax_code), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode().rstrip("=")


def verify_url(row: Assessment, tax_code: str) -> str:
    query = urlencode({"a": row.id, "t": token_for(row, tax_code)})
    return f"{get_settings().public_url.rstrip('/')}/verify?{query}"


def verify(assessment_id: str | int, token: str) -> Verified | None:
    """What the genuine report says, or None for a forged, altered or unknown one. Public: it
    reveals only what the printed report already shows."""
    try:
        wanted = int(assessment_id)
    except (TypeError, ValueError):
        return None
    with unit_of_work() as session:
        found = session.exec(
            select(Assessment, Company, Period)
            .join(Company, Company.id == Assessment.company_id)  # type: ignore[arg-type]
            .join(Period, Period.id == Assessment.period_id)  # type: ignore[arg-type]
            .where(Assessment.id == wanted, Assessment.status != "draft")
        ).first()
    if found is None:
        return None
    row, company, period = found
    if not hmac.compare_digest(token_for(row, company.tax_code), str(token)):
        return None
    return Verified(
        company.name,
        company.tax_code,
        period.name,
        row.submitted_at,
        row.total or 0,
        row.max_total or 0,
        row.risk_index or 0.0,
        row.level or "",
        bool(row.may_operate),
        row.status,
        row.ruleset_id,
        row.ruleset_version,
    )
