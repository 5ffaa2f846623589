"""What a draft rule-set version would change before it is published, and whether the stored
levels are still what their rules say: both re-score whole populations with the batch scorer
from columns read in one query."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import numpy as np
from sqlalchemy import Text, cast
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func

from app.assessment.answers import InvalidAnswers
from app.assessment.loader import parse_ruleset
from app.scoring import score
from app.scoring.batch import score_json
from app.scoring.compiler import compile_ruleset
from app.scoring.engine import CompiledRuleSet
from app.services.admin.rulesets import draft_row, get
from app.services.context import Actor, driver_rows, reading
from app.services.scope import require_role
from app.vocabulary import Role, Status
from db.models import Assessment, Company, Period


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
                cast(col(Assessment.answers), Text),  # the stored text: read into columns, not dicts
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
        row = draft_row(session, upload_id)
        compiled = _compiled_draft(row.text, f"{row.ruleset_id} v{row.version}")
        rows = latest_answers(session, row.ruleset_id)
    known = compiled.validator.known
    scores = score_json(compiled, [r[6] for r in rows], only_known=True)
    results = []
    for i, (company_id, tax_code, name, period_name, old_level, old_index, text) in enumerate(rows):
        problem = None
        if not scores.valid[i]:
            try:
                score(compiled, {k: v for k, v in json.loads(text).items() if k in known})
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
            .where(col(Assessment.status) != Status.draft)
            .distinct()
        ).all()
        for ruleset_id, version in versions:
            compiled = compile_ruleset(get(ruleset_id, version, session=session))
            rows = driver_rows(  # four plain columns, as the driver gives them: no Row objects
                session,
                sa_select(
                    col(Assessment.id),
                    col(Assessment.total),
                    col(Assessment.level),
                    cast(col(Assessment.answers), Text),  # the stored text: read into columns
                ).where(
                    col(Assessment.status) != Status.draft,
                    col(Assessment.ruleset_id) == ruleset_id,
                    col(Assessment.ruleset_version) == version,
                ),
            )
            if not rows:
                continue
            ids, totals, levels, texts = zip(*rows, strict=True)
            scores = score_json(compiled, texts)
            count += len(ids)
            # compared as arrays: a stored total or level the scorer no longer gives, or invalid answers
            position = {level_id: i for i, level_id in enumerate(scores.level_ids)}
            stored_total = np.array([-2 if t is None else t for t in totals], dtype=np.int64)
            stored_level = np.array([position.get(lv, -2) for lv in levels], dtype=np.int64)
            wrong = ~scores.valid | (scores.total != stored_total) | (scores.level != stored_level)
            differing += [ids[i] for i in np.flatnonzero(wrong)]
    return RescoreCheck(count, differing)
