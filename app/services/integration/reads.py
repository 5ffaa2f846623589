"""What the API reads, in the caller's scope: companies with their current level, submissions with
points and flags, filing per area. Keyset pages (`after` an id, ordered by id) rather than offsets,
so that page 700 costs what page 1 does and a row added meanwhile is neither skipped nor repeated.

Rows leave as plain dicts of JSON values: the API streams 365,000 of them, and a dataclass or a
pydantic model per row would be most of the time."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, func, literal_column, select
from sqlmodel import Session, col

from app import area_structure
from app.services.context import Actor, reading, snapshot
from app.services.errors import NotFound
from app.services.oversight import monitoring
from app.services.oversight.filters import NO_FILTERS
from app.services.periods import round_of
from app.services.scope import company_condition, not_found_in_scope
from app.vocabulary import OFFICIALS, Status
from db.models import Assessment, Company, Period, PeriodCompany, SubmissionFlag, Zone, as_utc

MAX_PAGE = 1000
EXPORT_CHUNK = 5000


def _iso(moment: datetime | None) -> str | None:
    return as_utc(moment).isoformat() if moment is not None else None


COMPANY_COLUMNS: tuple[Any, ...] = (
    col(Company.id),
    col(Company.tax_code),
    col(Company.name),
    col(Company.zone_id),
    col(Company.district),
    col(Company.sector),
    col(Company.workers),
    col(Company.updated_at),
)
SCAN = 1000  # companies read at a time when a filter on the current submission may drop most


def _current(session: Session, company_ids: Sequence[int]) -> dict[int, Sequence[Any]]:
    """Each company's current submission (the latest filed in its most recent round), for a page
    of companies at once: one windowed query on their own rows. (A subquery correlated per company
    made PostgreSQL hash the whole assessment table: 1 s a page at 10k × 52.)"""
    if not company_ids:
        return {}
    ranked = (
        select(
            col(Assessment.company_id),
            col(Assessment.id),
            col(Assessment.period_id),
            col(Assessment.status),
            col(Assessment.level),
            col(Assessment.risk_index),
            col(Assessment.may_operate),
            col(Assessment.submitted_at),
            col(Assessment.updated_at),
            func.row_number()
            .over(
                partition_by=col(Assessment.company_id),
                order_by=(col(Period.due_at).desc(), col(Assessment.id).desc()),
            )
            .label("n"),
        )
        .join(Period, col(Period.id) == Assessment.period_id)
        .where(
            col(Assessment.company_id).in_(list(company_ids)),
            col(Assessment.is_latest),
            col(Assessment.status) != Status.draft,
        )
        .subquery()
    )
    rows = session.execute(select(*[c for c in ranked.c if c.name != "n"]).where(ranked.c.n == 1)).all()
    return {row[0]: row[1:] for row in rows}


def area_codes(session: Session) -> dict[str, str | None]:
    """Area id → the GSO code of the local area a company there is in: a district's (or commune's)
    own code; for an industrial zone, the code of the local area it lies in (matched by name)."""
    local = area_structure.local_kind()
    zones = session.execute(select(col(Zone.id), col(Zone.kind), col(Zone.district), col(Zone.code))).all()
    by_name = {district: code for _, kind, district, code in zones if kind == local and code}
    return {
        zone_id: code if kind == local else by_name.get(district) for zone_id, kind, district, code in zones
    }


def _company_item(
    row: Sequence[Any], current: Sequence[Any] | None, codes: dict[str, str | None]
) -> dict[str, Any]:
    submission_id, round_id, status, level, risk_index, may_operate, submitted_at, _ = current or (None,) * 8
    return {
        "id": row[0],
        "tax_code": row[1],
        "name": row[2],
        "area": row[3],
        "district": row[4],
        "area_code": codes.get(row[3]),
        "sector": row[5],
        "workers": row[6],
        "updated_at": _iso(row[7]),
        "submission_id": submission_id,
        "round_id": round_id,
        "status": status,
        "level": level,
        "risk_index": risk_index,
        "may_operate": may_operate,
        "submitted_at": _iso(submitted_at),
    }


def _changed_since(row: Sequence[Any], current: Sequence[Any] | None, since: datetime) -> bool:
    moments = [row[7], current[7] if current else None]
    return any(m is not None and as_utc(m) >= since for m in moments)


def companies(
    actor: Actor,
    *,
    after: int = 0,
    limit: int = 100,
    area: str | None = None,
    level: str | None = None,
    updated_since: datetime | None = None,
    session: Session | None = None,
) -> tuple[list[dict[str, Any]], int | None]:
    """A page of the companies in scope, each with its current level; and the id to continue after
    (None on the last page). Companies are read in id order and their current submissions looked
    up for the page; with a filter on the current submission (level, changed since), companies
    are read on until the page is full."""
    limit = max(1, min(limit, MAX_PAGE))
    filtered = level is not None or updated_since is not None
    found: list[dict[str, Any]] = []
    cursor = after
    with reading(session) as session:
        codes = area_codes(session)
        base = select(*COMPANY_COLUMNS).where(company_condition(actor))
        if area:
            base = base.where(col(Company.zone_id) == area)
        while len(found) <= limit:
            size = SCAN if filtered else limit + 1
            rows = session.execute(
                base.where(col(Company.id) > cursor).order_by(col(Company.id)).limit(size)
            ).all()
            if not rows:
                break
            current = _current(session, [r[0] for r in rows])
            for row in rows:
                mine = current.get(row[0])
                if level is not None and (mine is None or mine[3] != level):
                    continue
                if updated_since is not None and not _changed_since(row, mine, updated_since):
                    continue
                found.append(_company_item(row, mine, codes))
            cursor = rows[-1][0]
            if len(rows) < size:
                break
    items = found[:limit]
    return items, (items[-1]["id"] if len(found) > limit else None)


def company(actor: Actor, tax_code: str, *, session: Session | None = None) -> dict[str, Any]:
    with reading(session) as session:
        row = session.execute(
            select(*COMPANY_COLUMNS).where(company_condition(actor), col(Company.tax_code) == tax_code)
        ).first()
        if row is None:
            raise not_found_in_scope("doanh nghiệp", "company")
        return _company_item(row, _current(session, [row[0]]).get(row[0]), area_codes(session))


SUBMISSION_COLUMNS: tuple[Any, ...] = (
    col(Assessment.id),
    col(Company.tax_code),
    col(Company.name),
    col(Company.zone_id),
    col(Assessment.period_id),
    col(Period.name),
    col(Assessment.status),
    col(Assessment.is_latest),
    col(Assessment.submitted_at),
    col(Assessment.updated_at),
    col(Assessment.total),
    col(Assessment.max_total),
    col(Assessment.risk_index),
    col(Assessment.level),
    col(Assessment.may_operate),
    col(Assessment.ruleset_id),
    col(Assessment.ruleset_version),
    literal_column("assessment.score").label("criteria"),  # replaced per database: `_criteria_column`
)


def _criteria_column(session: Session) -> Any:
    """The points per criterion as JSON text, cut out of the stored score by the database: the
    score holds the whole summary, and decoding all of it per row was half an export's time."""
    if session.get_bind().dialect.name == "postgresql":
        return literal_column("CAST(assessment.score -> 'criteria' AS TEXT)").label("criteria")
    return literal_column("json_extract(assessment.score, '$.criteria')").label("criteria")


def _submission_query(
    session: Session,
    actor: Actor,
    round_id: int | None,
    area: str | None,
    level: str | None,
    updated_since: datetime | None,
    latest_only: bool,
) -> Select[Any]:
    query = (
        select(*SUBMISSION_COLUMNS[:-1], _criteria_column(session))
        .select_from(Assessment)
        .join(Company, col(Company.id) == Assessment.company_id)
        .join(Period, col(Period.id) == Assessment.period_id)
        .where(col(Assessment.status) != Status.draft, company_condition(actor))
    )
    if round_id is not None:
        query = query.where(col(Assessment.period_id) == round_id)
    if area:
        query = query.where(col(Company.zone_id) == area)
    if level:
        query = query.where(col(Assessment.level) == level)
    if updated_since is not None:
        query = query.where(col(Assessment.updated_at) >= updated_since)
    if latest_only:
        query = query.where(col(Assessment.is_latest))
    return query


def _criteria(text: str | None) -> dict[str, Any]:
    return dict(json.loads(text)) if text else {}


class RawJson(str):
    """JSON text to be written into a document as it is (the export splices it in; nobody decodes
    it only to encode it again)."""


def _submission_items(
    session: Session, rows: Sequence[Sequence[Any]], raw_criteria: bool = False
) -> list[dict[str, Any]]:
    flags: dict[int, list[dict[str, str]]] = {}
    if rows:
        ids = [r[0] for r in rows]
        found = session.execute(
            select(
                col(SubmissionFlag.assessment_id), col(SubmissionFlag.rule_id), col(SubmissionFlag.severity)
            )
            .where(col(SubmissionFlag.assessment_id).in_(ids))
            .order_by(col(SubmissionFlag.id))
        ).all()
        for assessment_id, rule_id, severity in found:
            flags.setdefault(assessment_id, []).append({"rule": rule_id, "severity": severity})
    return [
        {
            "id": r[0],
            "tax_code": r[1],
            "company": r[2],
            "area": r[3],
            "round_id": r[4],
            "round": r[5],
            "status": r[6],
            "is_latest": r[7],
            "submitted_at": _iso(r[8]),
            "updated_at": _iso(r[9]),
            "total": r[10],
            "max_total": r[11],
            "risk_index": r[12],
            "level": r[13],
            "may_operate": r[14],
            "ruleset": r[15],
            "ruleset_version": r[16],
            "criteria": RawJson(r[17] or "{}") if raw_criteria else _criteria(r[17]),
            "flags": flags.get(r[0], []),
        }
        for r in rows
    ]


def submissions(
    actor: Actor,
    *,
    after: int = 0,
    limit: int = 100,
    round_id: int | None = None,
    area: str | None = None,
    level: str | None = None,
    updated_since: datetime | None = None,
    latest_only: bool = False,
    session: Session | None = None,
) -> tuple[list[dict[str, Any]], int | None]:
    limit = max(1, min(limit, MAX_PAGE))
    with reading(session) as session:
        query = (
            _submission_query(session, actor, round_id, area, level, updated_since, latest_only)
            .where(col(Assessment.id) > after)
            .order_by(col(Assessment.id))
            .limit(limit + 1)
        )
        rows = session.execute(query).all()
        items = _submission_items(session, rows[:limit])
    return items, (items[-1]["id"] if len(rows) > limit else None)


def export_submissions(
    actor: Actor,
    *,
    round_id: int | None = None,
    area: str | None = None,
    level: str | None = None,
    updated_since: datetime | None = None,
    latest_only: bool = False,
    chunk: int = EXPORT_CHUNK,
) -> Iterator[list[dict[str, Any]]]:
    """Every submission in scope, in chunks read one after the other from one snapshot (their
    `criteria` as `RawJson` text, for the encoder to write as it is): memory
    holds one chunk, whatever the number of rows (a server-side cursor would do the same on
    PostgreSQL, but not on SQLite, and a second query per chunk for the flags needs the
    connection free)."""
    with snapshot() as session:
        after = 0
        while True:
            query = (
                _submission_query(session, actor, round_id, area, level, updated_since, latest_only)
                .where(col(Assessment.id) > after)
                .order_by(col(Assessment.id))
                .limit(chunk)
            )
            rows = session.execute(query).all()
            if not rows:
                return
            yield _submission_items(session, rows, raw_criteria=True)
            after = rows[-1][0]
            session.expunge_all()


def filing_status(actor: Actor, round_id: int, *, session: Session | None = None) -> dict[str, Any]:
    """Per area of the scope, for one round: expected, filed on time, late, missing; and the levels."""
    with reading(session) as session:
        period = round_of(session, round_id)
        if actor.role in OFFICIALS:
            view = monitoring.overview(actor, round_id, NO_FILTERS, session=session)
            areas: list[dict[str, Any]] = [
                {
                    "area": a.zone_id,
                    "name": a.zone_name,
                    "kind": a.kind,
                    "expected": a.expected,
                    "on_time": a.on_time,
                    "late": a.late,
                    "missing": a.expected - a.submitted,
                    "levels": dict(a.levels),
                    "workers": a.workers,
                    "smartphone_owners": a.smartphone_owners,
                    "bluezone_installed": a.bluezone_installed,
                    "health_declared": a.health_declared,
                }
                for a in view.areas
            ]
        else:  # a company's client: its own line
            areas = _own_filing(session, actor, period)
        return {
            "round_id": period.id,
            "round": period.name,
            "due_at": _iso(period.due_at),
            "closed": period.closed,
            "areas": areas,
            "totals": {key: sum(a[key] for a in areas) for key in ("expected", "on_time", "late", "missing")},
        }


def _own_filing(session: Session, actor: Actor, period: Period) -> list[dict[str, Any]]:
    row = session.execute(
        select(
            col(Company.zone_id),
            col(Zone.name),
            col(Zone.kind),
            col(Assessment.first_submitted_at),
            col(Assessment.level),
            col(PeriodCompany.company_id),
        )
        .join(Zone, col(Zone.id) == Company.zone_id)
        .join(
            PeriodCompany,
            and_(col(PeriodCompany.company_id) == Company.id, col(PeriodCompany.period_id) == period.id),
            isouter=True,
        )
        .join(
            Assessment,
            and_(
                col(Assessment.company_id) == Company.id,
                col(Assessment.period_id) == period.id,
                col(Assessment.is_latest),
            ),
            isouter=True,
        )
        .where(company_condition(actor))
    ).first()
    if row is None:
        raise NotFound.said("api.not_found")
    zone_id, name, kind, first, level, expected = row
    if expected is None:  # not asked to file in this round: nothing to count
        return []
    on_time = first is not None and as_utc(first) <= as_utc(period.due_at)
    return [
        {
            "area": zone_id,
            "name": name,
            "kind": kind,
            "expected": 1,
            "on_time": int(on_time),
            "late": int(first is not None and not on_time),
            "missing": int(first is None),
            "levels": {level: 1} if level else {},
            "workers": 0,
            "smartphone_owners": 0,
            "bluezone_installed": 0,
            "health_declared": 0,
        }
    ]
