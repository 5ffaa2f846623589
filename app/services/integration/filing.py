"""A company's own system files its assessment through the API: the page's draft, validation,
scoring, flags, action plan, audit and webhooks, in one unit of work, once per Idempotency-Key."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlmodel import Session, col

from app.assessment.answers import InvalidAnswers, Problem
from app.assessment.schema import Text
from app.services.context import Actor, writing
from app.services.documents.verification import verify_url
from app.services.errors import Conflict, Invalid
from app.services.filing import assessments
from app.services.filing.assessments import AssessmentView
from app.services.scope import require_role
from app.vocabulary import Role
from db.models import Assessment, Company

KEY = re.compile(r"[A-Za-z0-9_-]{1,64}")
UNKNOWN = Text(
    vi="không có câu hỏi này trong bộ tiêu chí của kỳ", en="is no question of this round's rule set"
)
ASKED = Text(vi="các câu hỏi của bộ tiêu chí", en="the rule set's questions")


@dataclass(frozen=True)
class Filed:
    submission: AssessmentView
    verify_url: str
    replayed: bool  # the same key was filed before: this is that submission, nothing new written


def file_assessment(
    actor: Actor,
    round_id: int,
    answers: dict[str, Any],
    idempotency_key: str,
    *,
    session: Session | None = None,
) -> Filed:
    """File `answers` for the actor's company in a round. A retry with the same key returns the
    first filing; invalid answers raise `InvalidAnswers` with every problem, and nothing is written
    (not even a draft)."""
    require_role(actor, Role.company)
    if not KEY.fullmatch(idempotency_key or ""):
        raise Invalid.said("api.bad_idempotency_key", field="Idempotency-Key")
    stored_key = f"api:{actor.company_id}:{idempotency_key}"  # keys are unique across companies
    with writing(session) as session:
        earlier = session.execute(
            select(Assessment).where(
                col(Assessment.company_id) == actor.company_id, col(Assessment.idempotency_key) == stored_key
            )
        ).scalar()
        if earlier is not None:
            if earlier.period_id != round_id:
                raise Conflict.said("api.key_reused", field="Idempotency-Key")
            view = assessments.get_assessment(actor, earlier.id or 0, session=session)
            return Filed(view, _verify(session, earlier), replayed=True)
        draft = assessments.start_draft(actor, round_id, session=session)
        loaded = assessments.ruleset_of(draft, session=session)
        known = {i.id for i in loaded.ruleset.inputs}
        unknown = [name for name in answers if name not in known]
        if unknown:  # the page cannot send them; a system that does has the wrong rule set in mind
            raise InvalidAnswers([Problem(name, answers[name], UNKNOWN, ASKED) for name in unknown])
        assessments.save_draft(actor, draft.id, answers, session=session)
        filed = assessments.submit(actor, draft.id, stored_key, session=session)
        row = session.get(Assessment, filed.id)
        assert row is not None
        return Filed(filed, _verify(session, row), replayed=False)


def _verify(session: Session, row: Assessment) -> str:
    tax_code = session.execute(
        select(col(Company.tax_code)).where(col(Company.id) == row.company_id)
    ).scalar_one()
    return verify_url(row, tax_code)
