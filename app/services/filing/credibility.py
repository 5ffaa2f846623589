"""Reasons to doubt a self-assessment, computed when it is stored (submit, the seed, a re-run) from
the round's rows, the company's earlier rounds, its register and the reminders it was sent. The
checks are app.credibility's; this module gathers their facts in a few column queries per round,
whether for one company (a submit) or all of them (a re-run), and stores what fires."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, func

from app.assessment.schema import RuleSet
from app.credibility.checks import (
    Evaluator,
    Facts,
    Filing,
    Flag,
    RuleSetFacts,
    digest,
    drop_bands,
    level_drop_candidate,
    needs_peers,
    needs_platform,
    peer_streaks,
    shipped,
)
from app.credibility.explain import explain
from app.credibility.gates import RoundRows, candidates
from app.credibility.rules import SEVERITY_ORDER, FlagRules
from app.scoring.compiler import compile_ruleset
from app.services.admin import rulesets
from app.services.context import Actor, insert_rows, reading, writing
from app.services.errors import NotFound
from app.services.scope import company_condition, not_found_in_scope, require_role
from app.vocabulary import OFFICIALS, MessageReason, MessageStatus
from db.models import Assessment, Company, OutboxMessage, Period, PlatformAdoption, SubmissionFlag, utcnow

REMINDER_REASONS = (MessageReason.reminder, MessageReason.manual)


def _of_round(session: Session, column: Any) -> Any:
    """The round column, for a query that also names its companies: on SQLite written so that its
    planner (which has no statistics) finds the rows by company, not by reading the whole round
    for every chunk of 2,000 companies (n² at 50k); PostgreSQL's planner chooses by itself."""
    return column + 0 if session.get_bind().dialect.name == "sqlite" else column


Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class FlagView:
    rule_id: str
    severity: str
    text: str


@dataclass(frozen=True)
class FlaggedSubmission:
    assessment_id: int
    company_id: int
    tax_code: str
    name: str
    zone_id: str
    level: str | None
    flags: list[FlagView]

    @property
    def worst(self) -> str:
        return max((f.severity for f in self.flags), key=SEVERITY_ORDER.__getitem__)


class _RuleSets:
    """Each rule set's facts, compiled once per run."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._facts: dict[tuple[str, int], RuleSetFacts] = {}
        self._schemas: dict[tuple[str, int], RuleSet] = {}

    def facts(self, ruleset_id: str, version: int) -> RuleSetFacts:
        key = (ruleset_id, version)
        if key not in self._facts:
            loaded = rulesets.get(ruleset_id, version, session=self.session)
            self._facts[key] = RuleSetFacts.of(compile_ruleset(loaded))
            self._schemas[key] = loaded.ruleset
        return self._facts[key]

    def schema(self, ruleset_id: str, version: int) -> RuleSet:
        self.facts(ruleset_id, version)
        return self._schemas[(ruleset_id, version)]


def _earlier_periods(session: Session, period: Period, count: int) -> list[int]:
    rows = session.execute(
        sa_select(col(Period.id))
        .where(col(Period.due_on) < period.due_on)
        .order_by(col(Period.due_on).desc())
        .limit(count)
    ).all()
    return [r[0] for r in rows]


def _rounds_needed(rules: FlagRules) -> int:
    frozen = [int(r.params["rounds"]) - 1 for r in rules.rules if r.check == "frozen_answers"]
    return max([1, *frozen])


@dataclass
class _RoundReads:
    """What every chunk of one round's recomputation shares: the compiled rule sets, each area's
    fingerprints of this round and the one before (read once per area, not per chunk), and when
    each company was first reminded (read once for the whole round)."""

    sets: _RuleSets
    now: dict[str, dict[int, str | None]]
    before: dict[str, dict[int, str | None]]
    reminded: dict[int | None, Any] | None = None
    peers: dict[str, _Peers] = field(default_factory=dict)


def _round_facts(
    session: Session,
    period: Period,
    rules: FlagRules,
    company_ids: Sequence[int],
    shared: _RoundReads | None = None,
) -> list[tuple[int, int, Facts]]:
    """(assessment id, company id, facts) for the round's counting submissions, all or some
    (`shared` is given when the whole round is recomputed chunk by chunk)."""
    whole_round = shared is not None
    shared = shared or _RoundReads(_RuleSets(session), {}, {})
    sets = shared.sets
    rows = session.connection().execute  # Core rows: nothing here is an ORM object
    current_query = (
        sa_select(
            col(Assessment.id),
            col(Assessment.company_id),
            col(Company.zone_id),
            col(Company.workers),
            col(Assessment.answers),
            col(Assessment.level),
            col(Assessment.submitted_at),
            col(Assessment.answers_digest),
            col(Assessment.ruleset_id),
            col(Assessment.ruleset_version),
        )
        .join(Company, col(Company.id) == col(Assessment.company_id))
        .where(
            _of_round(session, col(Assessment.period_id)) == period.id,
            col(Assessment.is_latest),
            col(Assessment.company_id).in_(list(company_ids)),
        )
        .order_by(col(Assessment.id))
    )
    current = rows(current_query).all()
    if not current:
        return []
    missing = [{"id": r[0], "answers_digest": digest(r[4])} for r in current if r[7] is None]
    if missing:  # rows stored before fingerprints existed: filled in once, by primary key
        session.execute(update(Assessment), missing)
    digests = {r[0]: r[7] or digest(r[4]) for r in current}

    earlier_ids = _earlier_periods(session, period, _rounds_needed(rules))
    earlier: dict[int, dict[int, tuple[Any, ...]]] = defaultdict(dict)  # company -> period -> row
    if earlier_ids:
        query = sa_select(
            col(Assessment.company_id),
            col(Assessment.period_id),
            col(Assessment.id),
            col(Assessment.level),
            col(Assessment.answers_digest),
            col(Assessment.ruleset_id),
            col(Assessment.ruleset_version),
        ).where(
            _of_round(session, col(Assessment.period_id)).in_(earlier_ids),
            col(Assessment.is_latest),
            # its own rounds only; the area's fingerprints are read if its answers turn out frozen
            col(Assessment.company_id).in_(list(company_ids)),
        )
        for company_id, period_id, *rest in rows(query).all():
            earlier[company_id][period_id] = tuple(rest)

    first_reminders = shared.reminded
    if first_reminders is None:
        reminders = (
            sa_select(col(OutboxMessage.company_id), func.min(OutboxMessage.sent_at))
            .where(
                col(OutboxMessage.period_id) == period.id,
                col(OutboxMessage.status) == MessageStatus.sent,
                col(OutboxMessage.reason).in_(REMINDER_REASONS),
            )
            .group_by(col(OutboxMessage.company_id))
        )
        if whole_round:  # every chunk needs them: the round's, once (per chunk it grew as n²)
            first_reminders = shared.reminded = {c: at for c, at in rows(reminders)}
        else:  # one company's submit: its own messages only
            mine = reminders.where(col(OutboxMessage.company_id).in_(list(company_ids)))
            first_reminders = {c: at for c, at in rows(mine)}

    platform: dict[int, dict[str, int]] = {}
    if needs_platform(rules):  # the platforms' own counts, where the ICT department imported them
        counted = sa_select(
            col(PlatformAdoption.company_id),
            col(PlatformAdoption.workers_registered),
            col(PlatformAdoption.bluezone_installed),
            col(PlatformAdoption.health_declared),
        ).where(
            col(PlatformAdoption.period_id) == period.id,
            col(PlatformAdoption.company_id).in_(list(company_ids)),
        )
        platform = {
            c: {"workers_registered": w, "bluezone_installed": b, "health_declared": h}
            for c, w, b, h in rows(counted)
        }

    due_at = _aware(period.due_at)
    previous = [earlier[r[1]].get(earlier_ids[0]) if earlier_ids else None for r in current]
    possible = candidates(
        rules,
        RoundRows(
            answers=[r[4] for r in current],
            digests=[digests[r[0]] for r in current],
            earlier_digests=[[_digest_of(earlier[r[1]].get(p)) for p in earlier_ids] for r in current],
            levels=[r[5] for r in current],
            level_ids=[sets.facts(r[8], r[9]).level_ids for r in current],
            previous_levels=[_level_of(row) for row in previous],
            previous_level_ids=[
                None if row is None else sets.facts(row[3], row[4]).level_ids for row in previous
            ],
            registry_workers=[r[3] for r in current],
            submitted_at=[_aware(r[6]) for r in current],
            reminded_at=[_aware(first_reminders.get(r[1])) for r in current],
            has_platform=[r[1] in platform for r in current],
            due_at=due_at,
        ),
    )
    judged = [row for row, could in zip(current, possible, strict=True) if could]
    criteria_points = _points(session, [r[0] for r in judged])

    def filing_of(row: tuple[Any, ...] | None) -> Filing | None:
        if row is None:
            return None
        _, level, fingerprint, ruleset_id, version = row
        return Filing(level, fingerprint, level_ids=sets.facts(ruleset_id, version).level_ids)

    facts_list = []
    for assessment_id, company_id, zone_id, workers, answers, level, at, _, rid, version in judged:
        ruleset = sets.facts(rid, version)
        filing = Filing(level, digests[assessment_id], answers, criteria_points[assessment_id], _aware(at))
        before = [filing_of(earlier[company_id].get(p)) for p in earlier_ids]
        facts_list.append(
            (
                assessment_id,
                company_id,
                zone_id,
                Facts(
                    filing,
                    ruleset,
                    before,
                    registry_workers=workers,
                    due_at=due_at,
                    reminded_at=_aware(first_reminders.get(company_id)),
                    platform=platform.get(company_id),
                ),
            )
        )

    streaks = peer_streaks(rules)
    peers = _peer_shares(
        session, period, earlier_ids, streaks, facts_list, current, digests, earlier, shared, whole_round
    )
    bands = drop_bands(rules)
    previous_rows = _previous_answers(session, facts_list, earlier, earlier_ids, bands)
    out = []
    for assessment_id, company_id, zone_id, facts in facts_list:
        changes: dict[str, Any] = {}
        if zone_id in peers and needs_peers(streaks, facts):
            changes["peers_changed"] = peers[zone_id].share_without(company_id)
        if company_id in previous_rows:
            answers, points = previous_rows[company_id]
            head = facts.earlier[0]
            assert head is not None
            changes["earlier"] = [
                Filing(head.level, head.digest, answers, points, level_ids=head.level_ids),
                *facts.earlier[1:],
            ]
        if changes:
            facts = replace(facts, **changes)
        out.append((assessment_id, company_id, facts))
    return out


@dataclass
class _Peers:
    changed: dict[int, bool]

    def share_without(self, company_id: int) -> float | None:
        """The share of the area's other filers who changed their answers (from the area's
        totals: per company a walk over the whole area made a round's flags grow as n²)."""
        changed = sum(self.changed.values()) if self._changed is None else self._changed
        self._changed = changed
        count = len(self.changed)
        if company_id in self.changed:
            changed, count = changed - self.changed[company_id], count - 1
        return changed / count if count else None

    _changed: int | None = None


def _peer_shares(
    session: Session,
    period: Period,
    earlier_ids: list[int],
    streaks: tuple[int, ...],
    facts_list: list[tuple[int, int, str, Facts]],
    current: Sequence[Any],
    digests: dict[int, str],
    earlier: dict[int, dict[int, tuple[Any, ...]]],
    shared: _RoundReads,
    whole_round: bool,
) -> dict[str, _Peers]:
    """Per area, which of its filers changed their answers since the round before; read only for
    the areas of companies whose own answers are frozen."""
    if not earlier_ids:
        return {}
    zones = {zone for _, _, zone, facts in facts_list if needs_peers(streaks, facts)}
    if not zones:
        return {}
    unread = sorted(zones - shared.now.keys())
    if unread:  # the area's filers of this round and the one before: fingerprints, not answers
        for into, round_id in ((shared.now, period.id), (shared.before, earlier_ids[0])):
            for zone in unread:
                into[zone] = {}
            for company_id, zone, fingerprint in session.connection().execute(
                sa_select(col(Assessment.company_id), col(Company.zone_id), col(Assessment.answers_digest))
                .join(Company, col(Company.id) == col(Assessment.company_id))
                .where(
                    col(Assessment.period_id) == round_id,
                    col(Assessment.is_latest),
                    col(Company.zone_id).in_(unread),
                )
            ):
                into[zone][company_id] = fingerprint
    mine = {r[1]: digests[r[0]] for r in current}  # this chunk's own, filled in if they were missing
    out: dict[str, _Peers] = {}
    for zone in zones:
        if zone in shared.peers:  # a whole round: every digest was filled first, the same for all
            out[zone] = shared.peers[zone]
            continue
        before = shared.before[zone]
        for company_id, stored in shared.now[zone].items():
            fingerprint = mine.get(company_id, stored)
            then = before.get(company_id)
            if then is None or fingerprint is None:
                continue
            out.setdefault(zone, _Peers({})).changed[company_id] = then != fingerprint
        if whole_round and zone in out:
            shared.peers[zone] = out[zone]
    return out


def _previous_answers(
    session: Session,
    facts_list: list[tuple[int, int, str, Facts]],
    earlier: dict[int, dict[int, tuple[Any, ...]]],
    earlier_ids: list[int],
    bands: int | None,
) -> dict[int, tuple[dict[str, Any], dict[str, int]]]:
    """The previous round's answers and points, only for companies whose level fell far enough."""
    if bands is None or not earlier_ids:
        return {}
    wanted = {
        earlier[company_id][earlier_ids[0]][0]: company_id
        for _, company_id, _, facts in facts_list
        if level_drop_candidate(facts, bands)
    }
    if not wanted:
        return {}
    rows = session.execute(
        sa_select(col(Assessment.id), col(Assessment.answers), col(Assessment.score)).where(
            col(Assessment.id).in_(list(wanted))
        )
    ).all()
    return {wanted[i]: (answers, (score or {}).get("criteria", {})) for i, answers, score in rows}


def _digest_of(row: tuple[Any, ...] | None) -> str | None:
    return None if row is None else row[2]


def _level_of(row: tuple[Any, ...] | None) -> str | None:
    return None if row is None else row[1]


def _points(session: Session, assessment_ids: list[int]) -> dict[int, dict[str, int]]:
    """Each submission's points per criterion, read only for the rows the gates let through."""
    if not assessment_ids:
        return {}
    rows = session.connection().execute(
        sa_select(col(Assessment.id), col(Assessment.score)).where(col(Assessment.id).in_(assessment_ids))
    )
    return {i: (score or {}).get("criteria", {}) for i, score in rows}


def _aware(value: datetime | None) -> datetime | None:
    """SQLite gives back naive UTC from a Core select of a UTCDateTime column read raw."""
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _store(session: Session, period_id: int, found: Iterable[tuple[int, int, list[Flag]]]) -> int:
    now = utcnow()
    rows = [
        {
            "assessment_id": assessment_id,
            "company_id": company_id,
            "period_id": period_id,
            "rule_id": flag.rule_id,
            "severity": flag.severity,
            "values": flag.values,
            "created_at": now,
        }
        for assessment_id, company_id, flags in found
        for flag in flags
    ]
    return insert_rows(session, SubmissionFlag, rows)


def flag_submission(session: Session, period: Period, company_id: int, rules: FlagRules | None = None) -> int:
    """Inside a submit's unit of work, once the new submission counts: its flags, stored."""
    rules = rules or shipped()
    judge = Evaluator(rules)
    found = [(a, c, judge(facts)) for a, c, facts in _round_facts(session, period, rules, [company_id])]
    return _store(session, period.id or 0, found)


CHUNK = 2_000  # companies whose answers a recomputation decodes at once


def recompute_round(
    period_id: int, *, session: Session | None = None, rules: FlagRules | None = None, chunk: int = CHUNK
) -> int:
    """The round's flags again, from its stored submissions (after a rule change, for the seed, or
    for rows stored before flags existed). Returns how many flags it stored. Given `rules`, only
    those rules' flags are replaced (the platforms' import re-judges its own rule alone)."""
    partial = rules is not None
    rules = rules or shipped()
    with writing(session) as session:
        period = session.get(Period, period_id)
        if period is None:
            raise NotFound.said("assessments.no_round")
        stale = delete(SubmissionFlag).where(col(SubmissionFlag.period_id) == period_id)
        if partial:
            stale = stale.where(col(SubmissionFlag.rule_id).in_([rule.id for rule in rules.rules]))
        session.execute(stale)
        counting = (col(Assessment.period_id) == period_id) & col(Assessment.is_latest)
        _fill_fingerprints(session, counting, chunk)
        companies = [
            r[0]
            for r in session.execute(
                sa_select(col(Assessment.company_id)).where(counting).order_by(col(Assessment.company_id))
            ).all()
        ]
        stored = 0
        shared = _RoundReads(_RuleSets(session), {}, {})
        judge = Evaluator(rules)
        for start in range(0, len(companies), chunk):  # memory flat in the province's size
            part = companies[start : start + chunk]
            found = [(a, c, judge(f)) for a, c, f in _round_facts(session, period, rules, part, shared)]
            stored += _store(session, period_id, found)
        return stored


def _fill_fingerprints(session: Session, counting: Any, chunk: int) -> None:
    """Rows stored before fingerprints existed get theirs first, so that every chunk compares its
    area with complete fingerprints."""
    while True:
        missing = session.execute(
            sa_select(col(Assessment.id), col(Assessment.answers))
            .where(counting, col(Assessment.answers_digest).is_(None))
            .limit(chunk)
        ).all()
        if not missing:
            return
        session.execute(update(Assessment), [{"id": i, "answers_digest": digest(a)} for i, a in missing])


def recompute_all(*, session: Session | None = None, progress: Progress | None = None) -> int:
    """Every round, oldest first: `python -m app.cli flags --recompute`."""
    with writing(session) as session:
        ids = [r[0] for r in session.execute(sa_select(col(Period.id)).order_by(col(Period.due_on))).all()]
        total = 0
        for n, period_id in enumerate(ids, start=1):
            total += recompute_round(period_id, session=session)
            if progress:
                progress(n, len(ids))
        return total


def flagged(
    actor: Actor, period_id: int, lang: str = "vi", *, session: Session | None = None
) -> list[FlaggedSubmission]:
    """The round's flagged submissions in the official's scope, the most serious first."""
    require_role(actor, *OFFICIALS)
    rules = shipped()
    with reading(session) as session:
        if session.get(Period, period_id) is None:
            raise NotFound.said("assessments.no_round")
        rows = session.execute(
            sa_select(
                SubmissionFlag,
                col(Company.tax_code),
                col(Company.name),
                col(Company.zone_id),
                col(Assessment.level),
                col(Assessment.ruleset_id),
                col(Assessment.ruleset_version),
            )
            .join(Assessment, col(Assessment.id) == col(SubmissionFlag.assessment_id))
            .join(Company, col(Company.id) == col(SubmissionFlag.company_id))
            .where(
                col(SubmissionFlag.period_id) == period_id,
                col(Assessment.is_latest),
                company_condition(actor),
            )
            .order_by(col(Company.tax_code), col(SubmissionFlag.id))
        ).all()
        sets = _RuleSets(session)
        grouped: dict[int, FlaggedSubmission] = {}
        for flag, tax_code, name, zone_id, level, rid, version in rows:
            view = FlagView(
                flag.rule_id,
                flag.severity,
                explain(
                    Flag(flag.rule_id, flag.severity, flag.values), rules, sets.schema(rid, version), lang
                ),
            )
            entry = grouped.setdefault(
                flag.assessment_id,
                FlaggedSubmission(flag.assessment_id, flag.company_id, tax_code, name, zone_id, level, []),
            )
            entry.flags.append(view)
    return sorted(grouped.values(), key=lambda s: (-SEVERITY_ORDER[s.worst], -len(s.flags), s.tax_code))


def flags_of(
    actor: Actor, assessment_id: int, lang: str = "vi", *, session: Session | None = None
) -> list[FlagView]:
    """One submission's flags, for the officials' company detail; never shown to the company."""
    require_role(actor, *OFFICIALS)
    rules = shipped()
    with reading(session) as session:
        row = session.execute(
            sa_select(col(Assessment.ruleset_id), col(Assessment.ruleset_version))
            .join(Company, col(Company.id) == col(Assessment.company_id))
            .where(col(Assessment.id) == assessment_id, company_condition(actor))
        ).first()
        if row is None:
            raise not_found_in_scope("bản đánh giá", "assessment")
        schema = _RuleSets(session).schema(row[0], row[1])
        flags = session.execute(
            sa_select(SubmissionFlag).where(col(SubmissionFlag.assessment_id) == assessment_id)
        ).scalars()
        views = [
            FlagView(
                f.rule_id, f.severity, explain(Flag(f.rule_id, f.severity, f.values), rules, schema, lang)
            )
            for f in flags
        ]
    return sorted(views, key=lambda v: -SEVERITY_ORDER[v.severity])
