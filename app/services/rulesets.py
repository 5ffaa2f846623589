"""Rule-set versions: the ones shipped as files and the ones admins upload. A new version is a draft
until published; before publishing, the impact preview re-scores every company's latest submission
under it, so officials see who would change level before the change takes effect."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func, select

from app.assessment import registry
from app.assessment.answers import InvalidAnswers
from app.assessment.loader import LoadedRuleSet, RuleSetError, parse_ruleset
from app.config import get_settings
from app.scoring import score
from app.scoring.batch import score_many
from app.scoring.compiler import compile_ruleset
from app.scoring.engine import CompiledRuleSet
from app.services import audit
from app.services.context import Actor, reading, writing
from app.services.errors import Conflict, Invalid, NotFound
from app.services.scope import require_role
from app.vocabulary import Role
from db.models import Assessment, Company, Period, RuleSetVersion, utcnow

_PUBLISHED: dict[tuple[str, str, int], LoadedRuleSet] = {}


def get(ruleset_id: str, version: int | None = None, *, session: Session | None = None) -> LoadedRuleSet:
    """A shipped version, or a published upload; the latest of both when no version is given."""
    if version is not None and (ruleset_id, version) in registry.shipped():
        return registry.get(ruleset_id, version)  # the common case needs no database
    url = get_settings().resolved_database_url()
    with reading(session) as session:
        query = select(RuleSetVersion).where(
            RuleSetVersion.ruleset_id == ruleset_id, RuleSetVersion.status == "published"
        )
        if version is not None:
            query = query.where(RuleSetVersion.version == version)
        uploaded = session.exec(query.order_by(col(RuleSetVersion.version).desc())).first()
    shipped_versions = sorted(v for (rid, v) in registry.shipped() if rid == ruleset_id)
    if uploaded is not None and (
        version is not None or not shipped_versions or uploaded.version > shipped_versions[-1]
    ):
        key = (url, ruleset_id, uploaded.version)
        if key not in _PUBLISHED:
            _PUBLISHED[key] = parse_ruleset(uploaded.text, f"{ruleset_id} v{uploaded.version} (uploaded)")
        return _PUBLISHED[key]
    return registry.get(ruleset_id, version)


def default() -> LoadedRuleSet:
    return get(registry.default_id())


@dataclass(frozen=True)
class VersionInfo:
    ruleset_id: str
    version: int
    title: str
    status: str  # shipped | draft | published
    complete: bool
    reconstructed: bool
    content_hash: str
    upload_id: int | None = None


def versions(actor: Actor, *, session: Session | None = None) -> list[VersionInfo]:
    found = [
        VersionInfo(
            rid,
            v,
            lr.ruleset.title.vi,
            "shipped",
            lr.ruleset.complete,
            lr.ruleset.has_reconstructed,
            lr.content_hash,
        )
        for (rid, v), lr in sorted(registry.shipped().items())
    ]
    with reading(session) as session:
        rows = session.exec(
            select(RuleSetVersion).order_by(col(RuleSetVersion.ruleset_id), col(RuleSetVersion.version))
        ).all()
    for row in rows:
        if row.status == "draft" and actor.role != Role.admin:
            continue
        loaded = parse_ruleset(row.text, f"{row.ruleset_id} v{row.version}")
        found.append(
            VersionInfo(
                row.ruleset_id,
                row.version,
                loaded.ruleset.title.vi,
                row.status,
                loaded.ruleset.complete,
                loaded.ruleset.has_reconstructed,
                row.content_hash,
                row.id,
            )
        )
    return sorted(found, key=lambda v: (v.ruleset_id, v.version))


def next_version(session: Any, ruleset_id: str) -> int:
    shipped = [v for (rid, v) in registry.shipped() if rid == ruleset_id]
    uploaded = session.exec(
        select(func.max(RuleSetVersion.version)).where(RuleSetVersion.ruleset_id == ruleset_id)
    ).one()
    return max([0, *shipped, uploaded or 0]) + 1


def upload(
    actor: Actor, text: str, source: str = "upload.yaml", *, session: Session | None = None
) -> RuleSetVersion:
    """Store a new version as a draft, after the loader's checks; nothing is stored if any fail."""
    require_role(actor, Role.admin)
    try:
        loaded = parse_ruleset(text, source)
    except RuleSetError as error:
        # each loader message already names its place in the file ("levels: Field required")
        raise Invalid(
            str(error), str(error), field="ruleset", problems=[("", p) for p in error.problems]
        ) from None
    rs = loaded.ruleset
    with writing(session) as session:
        expected = next_version(session, rs.id)
        if rs.version != expected:
            raise Conflict.said(
                "rulesets.version_not_next", id=rs.id, version=rs.version, expected=expected, field="version"
            )
        row = RuleSetVersion(
            ruleset_id=rs.id,
            version=rs.version,
            text=text,
            content_hash=loaded.content_hash,
            created_by=actor.username,
        )
        session.add(row)
        session.flush()
        audit.record(
            session,
            actor,
            "ruleset.upload",
            "ruleset",
            f"{rs.id} v{rs.version}",
            after={"hash": loaded.content_hash, "criteria": len(rs.criteria())},
        )
        return row


@dataclass(frozen=True)
class Impact:
    company_id: int
    tax_code: str
    name: str
    period_name: str
    old_level: str | None
    old_index: float | None
    new_level: str | None
    new_index: float | None
    problem: str | None  # why the new version cannot score these answers

    @property
    def changed(self) -> bool:
        return self.problem is not None or self.old_level != self.new_level


def _draft(session: Any, upload_id: int) -> RuleSetVersion:
    row: RuleSetVersion | None = session.get(RuleSetVersion, upload_id)
    if row is None:
        raise NotFound.said("rulesets.no_such_version")
    return row


@lru_cache(maxsize=8)
def _compiled_draft(text: str, source: str) -> CompiledRuleSet:
    """A draft's text never changes once uploaded (a change is a new version): parsed and
    compiled once, not on every preview (parsing the YAML is most of a small preview's time)."""
    return compile_ruleset(parse_ruleset(text, source))


def latest_answers(session: Session, ruleset_id: str) -> list[tuple[Any, ...]]:
    """Per company, its newest submission that counts under `ruleset_id`: (company id, tax code,
    name, round, level, index, answers). The window ranks ids only (the answers are not carried
    through the sort), then the newest rows are joined back: columns, no ORM objects."""
    ranked = (
        sa_select(
            col(Assessment.id).label("id"),
            func.row_number()
            .over(partition_by=col(Assessment.company_id), order_by=col(Assessment.submitted_at).desc())
            .label("n"),
        )
        .where(col(Assessment.is_latest), col(Assessment.ruleset_id) == ruleset_id)
        .subquery()
    )
    return [
        tuple(row)
        for row in session.execute(
            sa_select(
                col(Assessment.company_id),
                col(Company.tax_code),
                col(Company.name),
                col(Period.name),
                col(Assessment.level),
                col(Assessment.risk_index),
                col(Assessment.answers),
            )
            .select_from(ranked)
            .join(Assessment, col(Assessment.id) == ranked.c.id)
            .join(Company, col(Company.id) == Assessment.company_id)
            .join(Period, col(Period.id) == Assessment.period_id)
            .where(ranked.c.n == 1)
        ).all()
    ]


def impact(actor: Actor, upload_id: int, *, session: Session | None = None) -> list[Impact]:
    """Every company's latest submission of the same rule set, re-scored under the new version
    (inputs mapped by id) by the batch scorer, changed levels first and the biggest moves first."""
    require_role(actor, Role.admin)
    with reading(session) as session:
        row = _draft(session, upload_id)
        compiled = _compiled_draft(row.text, f"{row.ruleset_id} v{row.version}")
        rows = latest_answers(session, row.ruleset_id)
    loaded = compiled.loaded
    known = {i.id for i in loaded.ruleset.inputs}
    answers = [{k: v for k, v in r[6].items() if k in known} for r in rows]
    scores = score_many(compiled, answers)
    results = []
    for i, (company_id, tax_code, name, period_name, old_level, old_index, _) in enumerate(rows):
        problem = None
        if not scores.valid[i]:
            try:
                score(compiled, answers[i])
            except InvalidAnswers as invalid:  # the batch said so: the reference words why
                problem = "; ".join(p.text("vi") for p in invalid.problems[:3])
        results.append(
            Impact(
                company_id,
                tax_code,
                name,
                period_name,
                old_level,
                old_index,
                scores.level_id(i),
                scores.index(i, compiled.max_total) if scores.valid[i] else None,
                problem,
            )
        )
    return sorted(
        results, key=lambda r: (not r.changed, -abs((r.new_index or 0) - (r.old_index or 0)), r.name)
    )


@dataclass(frozen=True)
class RescoreCheck:
    submissions: int
    differing: list[int]  # assessment ids whose stored total or level the scorer no longer gives


def rescore_check(actor: Actor, *, session: Session | None = None) -> RescoreCheck:
    """Every stored submission re-scored under the rule-set version that scored it, by the batch
    scorer: an audit that the stored levels are still what the rules say (after an upgrade of the
    scorer, or a restore). Reads columns only, one rule-set version at a time."""
    require_role(actor, Role.admin)
    differing: list[int] = []
    count = 0
    with reading(session) as session:
        versions = session.execute(
            sa_select(col(Assessment.ruleset_id), col(Assessment.ruleset_version))
            .where(col(Assessment.status) != "draft")
            .distinct()
        ).all()
        for ruleset_id, version in versions:
            compiled = compile_ruleset(get(ruleset_id, version, session=session))
            stored = session.execute(
                sa_select(
                    col(Assessment.id), col(Assessment.total), col(Assessment.level), col(Assessment.answers)
                ).where(
                    col(Assessment.status) != "draft",
                    col(Assessment.ruleset_id) == ruleset_id,
                    col(Assessment.ruleset_version) == version,
                )
            ).all()
            scores = score_many(compiled, [r[3] for r in stored])
            count += len(stored)
            for i, (assessment_id, total, level, _) in enumerate(stored):
                if not scores.valid[i] or int(scores.total[i]) != total or scores.level_id(i) != level:
                    differing.append(assessment_id)
    return RescoreCheck(count, differing)


def publish(actor: Actor, upload_id: int, *, session: Session | None = None) -> RuleSetVersion:
    """Freeze a draft: from now on its text and hash never change, and new rounds may use it."""
    require_role(actor, Role.admin)
    with writing(session) as session:
        row = _draft(session, upload_id)
        if row.status != "draft":
            raise Conflict.said("rulesets.already_published")
        row.status = "published"
        row.published_at = utcnow()
        session.add(row)
        audit.record(
            session,
            actor,
            "ruleset.publish",
            "ruleset",
            f"{row.ruleset_id} v{row.version}",
            after={"hash": row.content_hash},
        )
        return row


def discard(actor: Actor, upload_id: int, *, session: Session | None = None) -> None:
    require_role(actor, Role.admin)
    with writing(session) as session:
        row = _draft(session, upload_id)
        if row.status != "draft":
            raise Conflict.said("rulesets.published_is_final")
        session.delete(row)
        audit.record(session, actor, "ruleset.discard", "ruleset", f"{row.ruleset_id} v{row.version}")
