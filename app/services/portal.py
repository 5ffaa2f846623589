"""The company's side in one call per page: its round, its draft, its submissions."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from app.services import assessments
from app.services.assessments import AssessmentView
from app.services.companies import CompanyView, get_company
from app.services.context import Actor, unit_of_work
from app.services.scope import require_role
from db.models import Period, PeriodCompany


@dataclass(frozen=True)
class CompanyRound:
    company: CompanyView
    period: Period | None
    draft: AssessmentView | None
    submission: AssessmentView | None  # the one that counts for this round
    last: AssessmentView | None  # the newest submission of any round

    @property
    def status(self) -> str:
        """no_round | not_started | draft | submitted | returned | approved"""
        if self.period is None:
            return "no_round"
        if self.draft is not None:
            return "draft"
        if self.submission is not None:
            return self.submission.status
        return "not_started"


def current_round(actor: Actor) -> CompanyRound:
    """The newest open round the company must file in (or the newest round if all are closed)."""
    require_role(actor, "company")
    assert actor.company_id is not None
    company = get_company(actor, actor.company_id)
    with unit_of_work() as session:
        rounds = session.exec(
            select(Period)
            .join(PeriodCompany, col(PeriodCompany.period_id) == Period.id)
            .where(PeriodCompany.company_id == actor.company_id)
            .order_by(col(Period.closed), col(Period.opens_on).desc(), col(Period.id).desc())
        ).all()
    period = rounds[0] if rounds else None
    draft = submission = None
    if period is not None:
        draft, submission = assessments.company_round(actor, company.id, period.id)  # type: ignore[arg-type]
    submitted = assessments.history(actor, company.id)
    return CompanyRound(company, period, draft, submission, submitted[0] if submitted else None)
