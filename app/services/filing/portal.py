"""The company's side in one call per page: its round, its draft, its submissions."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from app.assessment.answers import InvalidAnswers
from app.assessment.loader import LoadedRuleSet
from app.scoring import ScoreResult, score
from app.services.admin import rulesets
from app.services.context import Actor, reading
from app.services.errors import Forbidden
from app.services.filing import assessments
from app.services.filing.assessments import AssessmentView, ReviewView
from app.services.filing.companies import CompanyView, get_company
from app.services.scope import require_role
from app.vocabulary import Role, Status
from db.models import Assessment, Period, PeriodCompany


@dataclass(frozen=True)
class CompanyRound:
    company: CompanyView
    period: Period | None
    draft: AssessmentView | None
    submission: AssessmentView | None  # the one that counts for this round
    last: AssessmentView | None  # the newest submission of any round
    rounds: list[RoundChoice] = field(default_factory=list)  # every round, those needing action first

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


@dataclass(frozen=True)
class RoundChoice:
    """One round the company is expected in, with where it stands."""

    period: Period
    status: str  # not_started | draft | submitted | returned | approved
    returned_by: ReviewView | None = None  # why a returned round came back, for Home to say

    @property
    def needs_action(self) -> bool:
        return not self.period.closed and self.status in ("not_started", Status.draft, Status.returned)


def company_rounds(actor: Actor, *, session: Session | None = None) -> list[RoundChoice]:
    """Every round the company is expected in, those needing its action first (a returned
    submission or an unfiled round, the earliest due first), then the rest, newest first. A new
    round opening never hides last week's returned submission."""
    require_role(actor, Role.company)
    if actor.company_id is None:
        raise Forbidden.said("portal.no_company")
    with reading(session) as session:
        rounds = session.exec(
            select(Period)
            .join(PeriodCompany, col(PeriodCompany.period_id) == Period.id)
            .where(PeriodCompany.company_id == actor.company_id)
        ).all()
        rows = session.exec(
            select(Assessment.id, Assessment.period_id, Assessment.status, Assessment.is_latest).where(
                Assessment.company_id == actor.company_id,
                (col(Assessment.status) == Status.draft) | col(Assessment.is_latest),
            )
        ).all()
        returned = {period_id: i for i, period_id, s, latest in rows if latest and s == Status.returned}
        # (most pages: nothing returned, no query; this runs on every company page)
        reviews = assessments.reviews_of(session, [i for i in returned.values() if i]) if returned else {}
    status: dict[int, str] = {}
    for _id, period_id, row_status, is_latest in rows:
        if row_status == Status.draft:
            status[period_id] = Status.draft
        elif is_latest and status.get(period_id) != Status.draft:
            status[period_id] = row_status
    choices = [
        RoundChoice(
            p,
            status.get(p.id or 0, "not_started"),
            next(reversed(reviews.get(returned.get(p.id or 0) or 0, [])), None),
        )
        for p in rounds
    ]
    acting = sorted((c for c in choices if c.needs_action), key=lambda c: (c.period.due_on, c.period.id))
    rest = sorted(
        (c for c in choices if not c.needs_action),
        key=lambda c: (c.period.opens_on, c.period.id or 0),
        reverse=True,
    )
    return acting + rest


def current_round(
    actor: Actor, period_id: int | None = None, *, session: Session | None = None
) -> CompanyRound:
    """The round the company asked for (`period_id`, e.g. from the page's address), else the
    first one needing its action, else the newest."""
    require_role(actor, Role.company)
    if actor.company_id is None:
        raise Forbidden.said("portal.no_company")
    with reading(session) as session:  # the rounds, the draft and the history as of one moment
        company = get_company(actor, actor.company_id, session=session)
        choices = company_rounds(actor, session=session)
        chosen = next((c for c in choices if c.period.id == period_id), choices[0] if choices else None)
        period = chosen.period if chosen is not None else None
        draft = submission = None
        if period is not None and period.id is not None:
            draft, submission = assessments.company_round(actor, company.id, period.id, session=session)
        submitted = assessments.history(actor, company.id, session=session)
    return CompanyRound(company, period, draft, submission, submitted[0] if submitted else None, choices)


@dataclass(frozen=True)
class WhatIfStart:
    """What the company's What if starts from: the rule set of the draft or submission it touched
    last (or of its round) and those answers, with the result they get now (None when they are
    incomplete), and which round and which paper that is, for the page to say."""

    loaded: LoadedRuleSet
    answers: dict[str, object]
    current: ScoreResult | None
    base: AssessmentView | None = None


def what_if_start(
    actor: Actor, assessment_id: int | None = None, *, session: Session | None = None
) -> WhatIfStart:
    base: AssessmentView | None
    with reading(session) as session:
        if assessment_id is not None:
            base = assessments.get_assessment(actor, assessment_id, session=session)
        else:
            base = assessments.newest_own(actor, session=session)
        if base is not None:
            loaded, answers = assessments.ruleset_of(base), dict(base.answers)
        else:
            state = current_round(actor, session=session)
            loaded = assessments.ruleset_of(state.period) if state.period else rulesets.default()
            answers = {}
    try:
        current = project(loaded, answers) if answers else None
    except InvalidAnswers:
        current = None
    return WhatIfStart(loaded, answers, current, base)


def project(loaded: LoadedRuleSet, answers: dict[str, object]) -> ScoreResult:
    """The result these answers would get (InvalidAnswers while they are incomplete or refused).
    Saves nothing: What if's one seam to the scorer."""
    return score(loaded, {k: v for k, v in answers.items() if v is not None})
