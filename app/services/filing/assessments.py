"""Assessments: a company's draft, its submission (once, even on a double click), and the officials'
review. A submission is never edited; a correction is a new submission and the history stays."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from app import yaml_text
from app.assessment.answers import InvalidAnswers, Problem
from app.assessment.loader import LoadedRuleSet
from app.assessment.schema import Text
from app.credibility.checks import digest
from app.scoring import ScoreResult, score
from app.scoring.compiler import compile_ruleset
from app.services import audit
from app.services.admin import rulesets
from app.services.context import Actor, insert_rows, reading, rowcount, writing
from app.services.errors import Conflict, Forbidden, Invalid, NotFound
from app.services.filing import credibility
from app.services.filing.company_records import clean_text
from app.services.integration import webhooks
from app.services.onsite import remediation
from app.services.oversight.epidemic_levels import with_area_facts
from app.services.periods import Round
from app.services.scope import REVIEWERS, company_condition, not_found_in_scope, require_role
from app.vocabulary import Role, Status
from db.models import Assessment, Company, Period, PeriodCompany, Review, User, utcnow

FIGURE_COLUMNS = ("workers", "smartphone_owners", "bluezone_installed", "health_declared")


@dataclass(frozen=True)
class ReviewView:
    decision: str
    comment: str
    official: str  # the reviewer's full name (the login name if none was recorded)
    at: datetime
    agency: str = ""  # the reviewer's role: zone_board | labour
    reasons: tuple[str, ...] = ()

    def text(self, lang: str = "vi") -> str:
        """The reasons picked from the list, then the official's own words."""
        known = return_reasons()
        picked = [known[r].get(lang) for r in self.reasons if r in known and r != "other"]
        return " ".join(part for part in ("; ".join(picked) + ("." if picked else ""), self.comment) if part)

    def signed(self, agency_name: str) -> str:
        """How a review is signed for the company: a person and an agency, not a login."""
        return f"{self.official} – {agency_name}" if agency_name else self.official


@dataclass(frozen=True)
class AssessmentView:
    id: int
    company_id: int
    period_id: int
    period_name: str
    ruleset_id: str
    ruleset_version: int
    ruleset_hash: str
    status: str
    answers: dict[str, Any]
    total: int | None
    max_total: int | None
    risk_index: float | None
    level: str | None
    may_operate: bool | None
    score: dict[str, Any] | None
    is_latest: bool
    submitted_at: datetime | None
    first_submitted_at: datetime | None
    updated_at: datetime
    reviews: list[ReviewView] = field(default_factory=list)
    created_at: datetime | None = None
    resubmission: bool = False  # filed again after a return: the officials look again
    period_opens_on: date | None = None  # rounds in calendar order, whatever order they were filed in

    @property
    def untouched_prefill(self) -> bool:
        """A draft copied from the last submission that nobody has saved since: its ✓ marks are
        last round's answers, which the page must say."""
        return self.status == Status.draft and bool(self.answers) and self.created_at == self.updated_at

    @property
    def latest_review(self) -> ReviewView | None:
        return self.reviews[-1] if self.reviews else None


def ruleset_of(
    row: Assessment | Period | Round | AssessmentView, *, session: Session | None = None
) -> LoadedRuleSet:
    return rulesets.get(row.ruleset_id, row.ruleset_version, session=session)


def reviews_of(session: Session, assessment_ids: list[int]) -> dict[int, list[ReviewView]]:
    """The reviews of several submissions in one query (a history page shows dozens)."""
    found: dict[int, list[ReviewView]] = {i: [] for i in assessment_ids}
    rows = session.exec(
        select(Review, User.username, User.full_name, User.role)
        .join(User, col(User.id) == Review.official_id, isouter=True)
        .where(col(Review.assessment_id).in_(assessment_ids))
        .order_by(col(Review.at), col(Review.id))
    ).all()
    for r, username, full_name, role in rows:
        found[r.assessment_id].append(
            ReviewView(
                r.decision, r.comment, full_name or username or "", r.at, role or "", tuple(r.reasons or ())
            )
        )
    return found


def _view(
    session: Session, row: Assessment, period: Period | None = None, reviews: list[ReviewView] | None = None
) -> AssessmentView:
    period = period or session.get(Period, row.period_id)
    if period is None or row.id is None:
        raise NotFound.said("assessments.round_missing")
    if reviews is None:
        reviews = reviews_of(session, [row.id])[row.id]
    return AssessmentView(
        id=row.id,
        company_id=row.company_id,
        period_id=row.period_id,
        period_name=period.name,
        ruleset_id=row.ruleset_id,
        ruleset_version=row.ruleset_version,
        ruleset_hash=row.ruleset_hash,
        status=row.status,
        answers=dict(row.answers),
        total=row.total,
        max_total=row.max_total,
        risk_index=row.risk_index,
        level=row.level,
        may_operate=row.may_operate,
        score=row.score,
        is_latest=row.is_latest,
        resubmission=row.resubmission,
        submitted_at=row.submitted_at,
        first_submitted_at=row.first_submitted_at,
        updated_at=row.updated_at,
        reviews=reviews,
        created_at=row.created_at,
        period_opens_on=period.opens_on,
    )


def _own_row(session: Session, actor: Actor, assessment_id: int) -> Assessment:
    row = session.exec(
        select(Assessment)
        .join(Company, col(Company.id) == Assessment.company_id)
        .where(Assessment.id == assessment_id, company_condition(actor))
    ).first()
    if row is None:
        raise not_found_in_scope("bản đánh giá", "assessment")
    return row


def _open_period_for(session: Session, actor: Actor, period_id: int) -> Period:
    period = session.get(Period, period_id)
    if period is None:
        raise NotFound.said("assessments.no_round")
    if period.closed:
        raise Invalid.said("assessments.round_closed", name=period.name)
    expected = session.exec(
        select(PeriodCompany).where(
            PeriodCompany.period_id == period_id, PeriodCompany.company_id == actor.company_id
        )
    ).first()
    if expected is None:
        raise Invalid.said("assessments.not_expected", name=period.name)
    return period


def figures(answers: dict[str, Any]) -> dict[str, int | None]:
    """The adoption figures officials aggregate, when the rule set asks for them."""
    out: dict[str, int | None] = {}
    for name in FIGURE_COLUMNS:
        value = answers.get(name)
        out[name] = int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    return out


def _snapshot(result: ScoreResult) -> dict[str, Any]:
    return _stored(result.summary())


def _stored(summary: dict[str, Any]) -> dict[str, Any]:
    """A result's columns on its submission row, from its summary (the reference scorer's or the
    batch scorer's: the same dict)."""
    return {
        "total": summary["total"],
        "max_total": summary["max"],
        "risk_index": summary["index"],
        "level": summary["level"],
        "may_operate": summary["may_operate"],
        "score": summary,
        "ruleset_hash": summary["content_hash"],
    }


# -- the company's side --------------------------------------------------------------------------


def start_draft(actor: Actor, period_id: int, *, session: Session | None = None) -> AssessmentView:
    """The company's draft for a round: the one in progress, or a new one prefilled from its last
    submission under the same rule set (or from its profile), so figures are not typed twice."""
    require_role(actor, Role.company)
    with writing(session) as session:
        # one company's draft starts are taken in turn: on PostgreSQL the company's row is locked
        # (SQLite's write lock already serialises), so twelve tabs opened at once find one draft
        # instead of eleven of them failing on its unique index
        session.get(Company, actor.company_id, with_for_update=True)
        period = _open_period_for(session, actor, period_id)
        draft = session.exec(
            select(Assessment).where(
                Assessment.company_id == actor.company_id,
                Assessment.period_id == period_id,
                Assessment.status == Status.draft,
            )
        ).first()
        if draft is not None:
            return _view(session, draft, period)
        loaded = ruleset_of(period, session=session)
        known = {i.id for i in loaded.ruleset.inputs}
        previous = session.exec(
            select(Assessment)
            .where(
                Assessment.company_id == actor.company_id,
                Assessment.status != Status.draft,
                Assessment.ruleset_id == period.ruleset_id,
            )
            .order_by(col(Assessment.submitted_at).desc())
        ).first()
        company = session.get(Company, actor.company_id)
        answers = {k: v for k, v in previous.answers.items() if k in known} if previous is not None else {}
        profile_is_newer = previous is None or (
            company is not None
            and previous.submitted_at is not None
            and company.updated_at > previous.submitted_at
        )
        if company is not None and company.workers and "workers" in known and profile_is_newer:
            answers["workers"] = company.workers  # the headcount the officer corrected in the profile
        answers = with_area_facts(session, loaded.ruleset, actor.company_id or 0, period_id, answers)
        draft = Assessment(
            company_id=actor.company_id,  # type: ignore[arg-type]  # a stored row's id is never None
            period_id=period_id,
            ruleset_id=loaded.ruleset.id,
            ruleset_version=loaded.ruleset.version,
            ruleset_hash=loaded.content_hash,
            status=Status.draft,
            answers=answers,
            created_by=actor.user_id,
            created_at=(made := utcnow()),
            updated_at=made,  # equal until the company saves: the prefill is then still unreviewed
        )
        session.add(draft)
        session.flush()
        audit.record(session, actor, "assessment.draft", "assessment", draft.id, company_id=actor.company_id)
        return _view(session, draft, period)


def save_draft(
    actor: Actor, assessment_id: int, answers: dict[str, Any], *, session: Session | None = None
) -> tuple[AssessmentView, list[Problem]]:
    """Keep everything typed, even what is not valid yet, and say what is wrong: nothing is lost."""
    require_role(actor, Role.company)
    with writing(session) as session:
        row = _own_row(session, actor, assessment_id)
        if row.status != Status.draft:
            raise Conflict.said("assessments.submitted_is_final")
        loaded = ruleset_of(row, session=session)
        known = {i.id for i in loaded.ruleset.inputs}
        kept = {k: v for k, v in answers.items() if k in known and v is not None}
        kept = with_area_facts(session, loaded.ruleset, row.company_id, row.period_id, kept)
        if kept != row.answers:
            row.answers = kept
            row.updated_at = utcnow()
            session.add(row)
        return _view(session, row), problems_of(loaded, kept)


def problems_of(loaded: LoadedRuleSet, answers: dict[str, Any]) -> list[Problem]:
    try:
        compile_ruleset(loaded).validator.validate(answers, partial=True)
    except InvalidAnswers as exc:
        return exc.problems
    return []


def draft_problems(draft: AssessmentView) -> list[Problem]:
    """What is wrong with a saved draft, recomputed from what is stored (not from what a session
    remembers), so a new session marks the same sections."""
    return problems_of(ruleset_of(draft), draft.answers)


def preview(
    actor: Actor, assessment_id: int, answers: dict[str, Any] | None = None, *, session: Session | None = None
) -> ScoreResult:
    """The result the draft (or the given answers) would get; writes nothing."""
    with reading(session) as session:
        row = _own_row(session, actor, assessment_id)
        loaded = ruleset_of(row, session=session)
        given = row.answers if answers is None else answers
        return score(loaded, with_area_facts(session, loaded.ruleset, row.company_id, row.period_id, given))


def submit(
    actor: Actor, assessment_id: int, idempotency_key: str, *, session: Session | None = None
) -> AssessmentView:
    """File the draft. A repeated call with the same key (a double click, a retry) returns the same
    submission; two racing calls store exactly one."""
    require_role(actor, Role.company)
    if not idempotency_key:
        raise Invalid.said("assessments.missing_submission_key")
    with writing(session) as session:
        row = _own_row(session, actor, assessment_id)
        if row.status != Status.draft:
            if row.idempotency_key == idempotency_key:
                return _view(session, row)
            raise Conflict.said("assessments.already_submitted")
        period = _open_period_for(session, actor, row.period_id)
        loaded = ruleset_of(row, session=session)
        # the area's level in force now is what the submission is scored under and keeps
        answers = with_area_facts(session, loaded.ruleset, row.company_id, row.period_id, row.answers)
        result = score(loaded, answers)  # InvalidAnswers: nothing written
        stored = {k: v for k, v in answers.items() if k not in result.hidden}  # not asked: not kept
        now = utcnow()
        snapshot = _snapshot(result)
        claimed = session.execute(
            update(Assessment)
            .where(col(Assessment.id) == row.id, col(Assessment.status) == Status.draft)
            .values(
                status=Status.submitted,
                submitted_by=actor.user_id,
                submitted_at=now,
                updated_at=now,
                idempotency_key=idempotency_key,
                answers=stored,
                answers_digest=digest(stored),
                **snapshot,
                **figures(stored),
            )
        )
        if rowcount(claimed) != 1:  # another request submitted it between our read and our write
            session.expire(row)  # read it again as that request left it (not a rollback: the
            again = _own_row(session, actor, assessment_id)  # session may be the caller's)
            if again.idempotency_key == idempotency_key:
                return _view(session, again)
            raise Conflict.said("assessments.already_submitted")
        previous = session.exec(
            select(Assessment).where(
                Assessment.company_id == row.company_id,
                Assessment.period_id == row.period_id,
                col(Assessment.is_latest),
            )
        ).first()
        first = now
        resubmission = False
        if previous is not None:
            first = previous.first_submitted_at or previous.submitted_at or now
            resubmission = previous.status == Status.returned
            previous.is_latest = False
            session.add(previous)
            session.flush()
        session.execute(
            update(Assessment)
            .where(col(Assessment.id) == row.id)
            .values(is_latest=True, first_submitted_at=first, resubmission=resubmission)
        )
        credibility.flag_submission(session, period, row.company_id)  # officials' doubts, same unit
        remediation.raise_actions(session, row.company_id, row.id or 0, row.period_id, result, now)
        audit.record(
            session,
            actor,
            "assessment.submit",
            "assessment",
            row.id,
            after={
                "period": period.name,
                "total": result.total,
                "index": result.index,
                "level": result.level_id,
                "replaces": previous.id if previous else None,
            },
            company_id=row.company_id,
        )
        session.flush()
        submitted_id = row.id or 0
        webhooks.announce(
            session, "submitted", row.company_id, lambda: webhooks.submission_event(session, submitted_id)
        )
        session.refresh(row)
        return _view(session, row, period)


# -- reading -------------------------------------------------------------------------------------


def get_assessment(actor: Actor, assessment_id: int, *, session: Session | None = None) -> AssessmentView:
    with reading(session) as session:
        return _view(session, _own_row(session, actor, assessment_id))


def company_round(
    actor: Actor, company_id: int, period_id: int, *, session: Session | None = None
) -> tuple[AssessmentView | None, AssessmentView | None]:
    """(the draft in progress, the submission that counts) of a company for one round."""
    with reading(session) as session:
        rows = session.exec(
            select(Assessment)
            .join(Company, col(Company.id) == Assessment.company_id)
            .where(
                Assessment.company_id == company_id,
                Assessment.period_id == period_id,
                company_condition(actor),
                (col(Assessment.status) == Status.draft) | col(Assessment.is_latest),
            )
        ).all()
        draft = next((_view(session, r) for r in rows if r.status == Status.draft), None)
        latest = next((_view(session, r) for r in rows if r.is_latest), None)
        return draft, latest


def newest_own(actor: Actor, *, session: Session | None = None) -> AssessmentView | None:
    """What the company touched last, draft or submission, of any round: the work it has in mind
    (What if right after filing Tuần 49 starts from Tuần 49, not from an older returned round)."""
    require_role(actor, Role.company)
    with reading(session) as session:
        row = session.exec(
            select(Assessment)
            .where(Assessment.company_id == actor.company_id)
            .where((col(Assessment.status) == Status.draft) | col(Assessment.is_latest))
            # the company's own moment: a draft's last save, a submission's filing (not an
            # official's later return of it)
            .order_by(
                func.coalesce(col(Assessment.submitted_at), col(Assessment.updated_at)).desc(),
                col(Assessment.id).desc(),
            )
            .limit(1)
        ).first()
        return None if row is None else _view(session, row)


def history(actor: Actor, company_id: int, *, session: Session | None = None) -> list[AssessmentView]:
    """Every submission of a company, newest first, with its reviews."""
    with reading(session) as session:
        rows = session.exec(
            select(Assessment, Period)
            .join(Company, col(Company.id) == Assessment.company_id)
            .join(Period, col(Period.id) == Assessment.period_id)
            .where(
                Assessment.company_id == company_id,
                col(Assessment.status) != Status.draft,
                company_condition(actor),
            )
            .order_by(col(Assessment.submitted_at).desc(), col(Assessment.id).desc())
        ).all()
        reviews = reviews_of(session, [row.id for row, _ in rows if row.id is not None])
        return [_view(session, row, period, reviews.get(row.id or 0, [])) for row, period in rows]


def result_of(view: AssessmentView) -> ScoreResult:
    """Re-score a stored submission with the exact rule-set version that scored it."""
    loaded = rulesets.get(view.ruleset_id, view.ruleset_version)
    if loaded.content_hash != view.ruleset_hash:
        raise Conflict.said("assessments.ruleset_changed")
    return score(loaded, view.answers)


# -- the officials' side -------------------------------------------------------------------------


MAX_COMMENT = 2000  # the column's size: said to the reviewer, never a database error
REASONS_FILE = Path(__file__).parents[2] / "data" / "return_reasons.yaml"


@cache
def return_reasons() -> dict[str, Text]:
    """Why a submission is returned, as a short list (app/data/return_reasons.yaml)."""
    data = yaml_text.load(REASONS_FILE.read_text(encoding="utf-8"))
    return {item["id"]: Text.model_validate(item["text"]) for item in data["reasons"]}


def review(
    actor: Actor,
    assessment_id: int,
    decision: str,
    comment: str = "",
    reasons: Sequence[str] = (),
    *,
    session: Session | None = None,
) -> AssessmentView:
    """Approve, or return with reasons from the short list and a comment the company sees. Only the
    submission that counts."""
    require_role(actor, *REVIEWERS)
    if decision not in ("approve", "return"):
        raise Invalid.said("assessments.unknown_decision", field="decision")
    unknown = [r for r in reasons if r not in return_reasons()]
    if unknown:
        raise Invalid.said("assessments.unknown_reason", field="reasons", reason=", ".join(unknown))
    if decision == "approve":
        reasons = ()
    comment = clean_text(comment)
    if len(comment) > MAX_COMMENT:
        raise Invalid(
            f"Nhận xét tối đa {MAX_COMMENT:,} ký tự (đang có {len(comment):,}).".replace(",", "."),
            f"A comment is at most {MAX_COMMENT:,} characters (this one has {len(comment):,}).",
            field="comment",
        )
    if decision == "return" and not comment and (not reasons or "other" in reasons):
        raise Invalid.said("assessments.return_needs_comment", field="comment")
    with writing(session) as session:
        row = _own_row(session, actor, assessment_id)
        if not row.is_latest or row.status != Status.submitted:
            raise Conflict.said("assessments.review_only_latest")
        new_status = Status.approved if decision == "approve" else Status.returned
        claimed = session.execute(
            update(Assessment)
            .where(col(Assessment.id) == row.id, col(Assessment.status) == Status.submitted)
            .values(status=new_status, updated_at=utcnow())
        )
        if rowcount(claimed) != 1:
            raise Conflict.said("assessments.reviewed_meanwhile")
        session.add(
            Review(
                assessment_id=assessment_id,
                official_id=actor.user_id,
                decision=decision,
                comment=comment,
                reasons=list(dict.fromkeys(reasons)),
            )
        )
        audit.record(
            session,
            actor,
            f"assessment.{decision}",
            "assessment",
            row.id,
            before={"status": Status.submitted},
            after={"status": new_status, "comment": comment, "reasons": list(reasons)},
            company_id=row.company_id,
        )
        session.flush()
        webhooks.announce(
            session,
            "approved" if decision == "approve" else "returned",
            row.company_id,
            lambda: (
                webhooks.submission_event(session, assessment_id)
                | ({"reasons": list(reasons), "comment": comment} if decision == "return" else {})
            ),
        )
        session.refresh(row)
        return _view(session, row)


@dataclass(frozen=True)
class BulkApproval:
    approved: list[int]
    skipped: list[tuple[int, str]]  # id, why (the error's words)


def approve_many(
    actor: Actor, assessment_ids: Sequence[int], lang: str = "vi", *, session: Session | None = None
) -> BulkApproval:
    """Approve several submissions in one unit of work, as the Lists page's bulk action does: each
    one the reviewer may approve is approved; the others are listed with the reason, none half-done."""
    require_role(actor, *REVIEWERS)
    approved: list[int] = []
    skipped: list[tuple[int, str]] = []
    with writing(session) as session:
        for assessment_id in dict.fromkeys(assessment_ids):
            try:
                with session.begin_nested():  # a refused one leaves the others as they are
                    review(actor, assessment_id, "approve", session=session)
            except (Conflict, Forbidden, NotFound) as refused:
                skipped.append((assessment_id, refused.text(lang)))
            else:
                approved.append(assessment_id)
    return BulkApproval(approved, skipped)


# -- bulk history (seed, imports of past rounds) -------------------------------------------------


def insert_submissions(rows: Iterable[dict[str, Any]], *, session: Session, chunk: int = 5_000) -> int:
    """Store past submissions in bulk, each scored exactly as `submit` would score it.

    Each row: company_id, period_id, answers, submitted_at, first_submitted_at, status, and the
    period's ruleset. Used by the seed, where one transaction per row would take minutes. A chunk
    of a points-only rule set is scored in columns (`batch.summaries`, equal to `score()` row by
    row: 365,000 seeded submissions cost minutes through the reference scorer); any other, and a
    row the columns find invalid, goes through `score()` (which names what is wrong)."""
    pending: list[dict[str, Any]] = []
    count = 0
    for item in rows:
        pending.append(item)
        if len(pending) >= chunk:
            count += insert_rows(session, Assessment, _scored_rows(pending))
            pending = []
    count += insert_rows(session, Assessment, _scored_rows(pending))
    return count


def _scored_rows(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # numpy and Arrow, for bulk writers only: a command or page that submits one assessment
    # does not pay their import (0.3 s, 35 MB)
    from app.scoring.batch import score_many, summaries

    snapshots: list[dict[str, Any] | None] = [None] * len(items)
    by_ruleset: dict[int, list[int]] = {}
    for position, item in enumerate(items):
        by_ruleset.setdefault(id(item["ruleset"]), []).append(position)
    for positions in by_ruleset.values():
        loaded: LoadedRuleSet = items[positions[0]]["ruleset"]
        compiled = compile_ruleset(loaded)
        if compiled.conditional:
            continue
        found = summaries(compiled, score_many(compiled, [items[p]["answers"] for p in positions]))
        for position, summary in zip(positions, found, strict=True):
            if summary is not None:
                snapshots[position] = _stored(summary)
    out = []
    for item, snapshot in zip(items, snapshots, strict=True):
        loaded = item["ruleset"]
        if snapshot is None:  # conditional, or invalid: score() says why
            snapshot = _snapshot(score(loaded, item["answers"]))
        out.append(
            {
                "company_id": item["company_id"],
                "period_id": item["period_id"],
                "ruleset_id": loaded.ruleset.id,
                "ruleset_version": loaded.ruleset.version,
                "status": item.get("status", Status.submitted),
                "answers": item["answers"],
                "is_latest": True,
                "answers_digest": digest(item["answers"]),
                "submitted_by": item.get("submitted_by"),
                "submitted_at": item["submitted_at"],
                "first_submitted_at": item.get("first_submitted_at", item["submitted_at"]),
                "created_at": item["submitted_at"],
                "updated_at": item["submitted_at"],
                **snapshot,
                **figures(item["answers"]),
            }
        )
    return out
