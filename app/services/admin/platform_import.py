"""The national platforms' adoption figures (Bluezone installs, health declarations), imported per
round from their export by the ICT department or an admin: every cell checked first, then all or
nothing, as the registry import does. Once in, the over-reporting flag of the round is judged again
against them (`over_reported_adoption` in credibility.yaml, whose thresholds are data).

The export is keyed by tax code and dated; a file whose date falls outside the round is refused,
so that last week's export is not loaded into this week's round by mistake."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from openpyxl.utils import get_column_letter
from sqlalchemy import delete, insert, select
from sqlmodel import Session, col

from app import identifiers
from app.credibility.checks import shipped
from app.credibility.rules import FlagRules
from app.exports.reading import read_table
from app.services import audit
from app.services.admin.company_import import column_positions, read_upload, template_sheet
from app.services.context import Actor, reading, writing
from app.services.errors import Invalid
from app.services.filing import credibility
from app.services.periods import round_of
from app.services.scope import require_role
from app.vocabulary import Role
from db.models import Company, PlatformAdoption, utcnow

IMPORTERS = (Role.admin, Role.ict)
COLUMNS: tuple[tuple[str, str], ...] = (
    ("tax_code", "Mã số thuế"),
    ("as_of", "Ngày số liệu"),
    ("workers_registered", "Số lao động đăng ký"),
    ("bluezone_installed", "Đã cài Bluezone"),
    ("health_declared", "Đã khai báo y tế"),
)
COUNTS = ("workers_registered", "bluezone_installed", "health_declared")
RULE = "over_reported_adoption"


@dataclass
class AdoptionReport:
    rows: int = 0
    companies: int = 0
    replaced: int = 0  # companies of the round whose earlier platform figures this import replaces
    flagged: int = 0  # submissions of the round flagged as over-reporting after the import
    problems: list[tuple[str, str]] = field(default_factory=list)  # cell, "Vietnamese / English"


def template() -> bytes:
    """The documented layout: one row per workplace, keyed by tax code, dated."""
    book, sheet = template_sheet("nen_tang", [label for _, label in COLUMNS])
    sheet.append(["2400812345", date(2021, 6, 10), 3000, 2450, 2900])
    sheet["B2"].number_format = "dd/mm/yyyy"
    for n, width in enumerate((14, 14, 20, 16, 18), start=1):
        sheet.column_dimensions[get_column_letter(n)].width = width
    guide = book.create_sheet("huong_dan")
    for line in (
        "Mỗi dòng một doanh nghiệp (mã số thuế); ngày số liệu phải thuộc kỳ được chọn.",
        "One row per workplace (tax code); the data date must fall within the chosen round.",
        "Cột / columns: tax_code, as_of (dd/mm/yyyy or yyyy-mm-dd), workers_registered, "
        "bluezone_installed, health_declared. CSV (UTF-8) or .xlsx.",
        "Đã cài Bluezone và đã khai báo y tế không vượt số lao động đăng ký; số lao động đăng ký không "
        "vượt số lao động trong hồ sơ doanh nghiệp.",
        "Installed and declared are at most the workers registered, who are at most the company "
        "register's headcount.",
    ):
        guide.append([line])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    for form in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    return None


def _count(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    return value if isinstance(value, int) and value >= 0 else None


def check(
    actor: Actor, round_id: int, data: bytes, *, session: Session | None = None
) -> tuple[AdoptionReport, list[dict[str, Any]]]:
    """Every problem, by cell; and the rows that would be written if there is none."""
    require_role(actor, *IMPORTERS)
    header, rows = read_upload(data, read_table)
    report = AdoptionReport()
    position = column_positions(header, COLUMNS)
    missing = [label for key, label in COLUMNS if key not in position]
    if missing:
        report.problems.append(("1", f"thiếu cột / missing columns: {', '.join(missing)}"))
        return report, []
    with reading(session) as session:
        period = round_of(session, round_id)
        registry = {
            code: (company_id, workers)
            for code, company_id, workers in session.execute(
                select(col(Company.tax_code), col(Company.id), col(Company.workers))
            ).all()
        }
    accepted: list[dict[str, Any]] = []
    seen: dict[int, int] = {}
    for number, row in enumerate(rows, start=2):
        if not any(v not in (None, "") for v in row):
            continue
        report.rows += 1

        def value(key: str, row: tuple[Any, ...] = row) -> Any:
            at = position[key]
            return row[at] if at < len(row) else None

        def cell(key: str, number: int = number) -> str:
            return f"{get_column_letter(position[key] + 1)}{number}"

        problems_before = len(report.problems)
        company = None
        try:
            tax_code = identifiers.tax_code(str(value("tax_code") or ""))
            company = registry.get(tax_code)
            if company is None:
                report.problems.append(
                    (
                        cell("tax_code"),
                        f"không có doanh nghiệp mã số thuế {tax_code} / no company has tax code {tax_code}",
                    )
                )
        except identifiers.BadTaxCode as bad:
            report.problems.append((cell("tax_code"), str(bad)))
        if company is not None and company[0] in seen:
            first = seen[company[0]]
            report.problems.append((cell("tax_code"), f"trùng với dòng {first} / repeats row {first}"))
        as_of = _date(value("as_of"))
        if as_of is None:
            report.problems.append((cell("as_of"), "không phải ngày (dd/mm/yyyy) / not a date (dd/mm/yyyy)"))
        elif not period.opens_on <= as_of <= period.due_on:
            report.problems.append(
                (
                    cell("as_of"),
                    f"số liệu ngày {as_of:%d/%m/%Y} không thuộc kỳ {period.name} "
                    f"({period.opens_on:%d/%m}–{period.due_on:%d/%m/%Y}) / "
                    f"data of {as_of:%d/%m/%Y} is not of round {period.name}",
                )
            )
        counts = {key: _count(value(key)) for key in COUNTS}
        for key, count in counts.items():
            if count is None:
                report.problems.append((cell(key), "phải là số nguyên không âm / must be a whole number ≥ 0"))
        registered = counts["workers_registered"]
        if registered is not None:
            for key in ("bluezone_installed", "health_declared"):
                count = counts[key]
                if count is not None and count > registered:
                    report.problems.append(
                        (
                            cell(key),
                            f"{count} lớn hơn số lao động đăng ký {registered} / "
                            f"more than the {registered} registered",
                        )
                    )
            workforce = company[1] if company is not None else None
            if workforce is not None and registered > workforce:
                report.problems.append(
                    (
                        cell("workers_registered"),
                        f"{registered} lớn hơn số lao động {workforce} trong hồ sơ doanh nghiệp / "
                        f"more than the company register's {workforce} workers",
                    )
                )
        if company is not None:
            seen.setdefault(company[0], number)
        if len(report.problems) == problems_before and company is not None and as_of is not None:
            accepted.append({"company_id": company[0], "as_of": as_of, **counts})
    report.companies = len(accepted)
    return report, accepted


def preview(actor: Actor, round_id: int, data: bytes, *, session: Session | None = None) -> AdoptionReport:
    """The problems, or how many workplaces the import would load; writes nothing."""
    report, _ = check(actor, round_id, data, session=session)
    return report


def _only_platform_rule() -> FlagRules:
    rules = shipped()
    return FlagRules(version=rules.version, rules=tuple(r for r in rules.rules if r.id == RULE))


def apply(
    actor: Actor, round_id: int, data: bytes, source: str = "", *, session: Session | None = None
) -> AdoptionReport:
    """Load the figures of the round (replacing what an earlier import of it held for the same
    companies), then judge the round's over-reporting flag again; one transaction, one audit
    event. Refused whole, with the report, if any cell has a problem."""
    report, rows = check(actor, round_id, data, session=session)
    if report.problems:
        text = "; ".join(f"{cell}: {message}" for cell, message in report.problems[:20])
        raise Invalid.said("company_import.refused", text=text, problems=report.problems)
    with writing(session) as session:
        ids = [row["company_id"] for row in rows]
        earlier = delete(PlatformAdoption).where(
            col(PlatformAdoption.period_id) == round_id, col(PlatformAdoption.company_id).in_(ids)
        )
        report.replaced = int(getattr(session.execute(earlier), "rowcount", 0) or 0)
        now = utcnow()
        extra = {
            "period_id": round_id,
            "source": source[:120],
            "imported_by": actor.username,
            "imported_at": now,
        }
        if rows:
            session.execute(insert(PlatformAdoption), [row | extra for row in rows])
        credibility.recompute_round(round_id, session=session, rules=_only_platform_rule())
        report.flagged = len(over_reporting(round_id, session=session))
        audit.record(
            session,
            actor,
            "adoption.import",
            "period",
            round_id,
            after={
                "source": source[:120],
                "companies": len(rows),
                "replaced": report.replaced,
                "flagged": report.flagged,
            },
        )
    return report


def over_reporting(round_id: int, *, session: Session | None = None) -> list[int]:
    """The round's submissions flagged as claiming more than the platforms counted."""
    from db.models import SubmissionFlag

    with reading(session) as session:
        return list(
            session.execute(
                select(col(SubmissionFlag.assessment_id))
                .where(col(SubmissionFlag.period_id) == round_id, col(SubmissionFlag.rule_id) == RULE)
                .order_by(col(SubmissionFlag.assessment_id))
            ).scalars()
        )


@dataclass(frozen=True)
class PlatformFigures:
    workers_registered: int
    bluezone_installed: int
    health_declared: int
    as_of: date


def figures_of(
    actor: Actor, company_id: int, round_id: int, *, session: Session | None = None
) -> PlatformFigures | None:
    """What the platforms counted for one company of the actor's scope in a round, if imported."""
    from app.services.scope import company_condition

    require_role(actor, Role.zone_board, Role.labour, *IMPORTERS)
    with reading(session) as session:
        visible = session.execute(
            select(col(Company.id)).where(col(Company.id) == company_id, company_condition(actor))
        ).first()
        if visible is None:
            return None
        row = session.execute(
            select(PlatformAdoption).where(
                col(PlatformAdoption.company_id) == company_id, col(PlatformAdoption.period_id) == round_id
            )
        ).scalar()
    if row is None:
        return None
    return PlatformFigures(row.workers_registered, row.bluezone_installed, row.health_declared, row.as_of)


@dataclass(frozen=True)
class Comparison:
    tax_code: str
    name: str
    zone_id: str
    claimed_bluezone: int | None
    platform_bluezone: int
    claimed_declared: int | None
    platform_declared: int
    workers_registered: int
    over_reported: bool


def comparison(actor: Actor, round_id: int, *, session: Session | None = None) -> list[Comparison]:
    """Per company of the actor's scope with platform figures in the round: claimed beside counted,
    and whether it is flagged; over-reporters first."""
    from app.services.scope import company_condition
    from db.models import Assessment, SubmissionFlag

    require_role(actor, Role.zone_board, Role.labour, *IMPORTERS)
    flagged = (
        select(col(SubmissionFlag.assessment_id))
        .where(col(SubmissionFlag.period_id) == round_id, col(SubmissionFlag.rule_id) == RULE)
        .scalar_subquery()
    )
    with reading(session) as session:
        rows = session.execute(
            select(
                col(Company.tax_code),
                col(Company.name),
                col(Company.zone_id),
                col(Assessment.bluezone_installed),
                col(PlatformAdoption.bluezone_installed),
                col(Assessment.health_declared),
                col(PlatformAdoption.health_declared),
                col(PlatformAdoption.workers_registered),
                col(Assessment.id).in_(flagged),
            )
            .join(Company, col(Company.id) == PlatformAdoption.company_id)
            .join(
                Assessment,
                (col(Assessment.company_id) == PlatformAdoption.company_id)
                & (col(Assessment.period_id) == PlatformAdoption.period_id)
                & col(Assessment.is_latest),
                isouter=True,
            )
            .where(col(PlatformAdoption.period_id) == round_id, company_condition(actor))
            .order_by(col(Company.name))
        ).all()
    found = [
        Comparison(code, name, zone, claimed_b, counted_b, claimed_d, counted_d, registered, bool(over))
        for code, name, zone, claimed_b, counted_b, claimed_d, counted_d, registered, over in rows
    ]
    return sorted(found, key=lambda c: not c.over_reported)


@dataclass(frozen=True)
class AreaAdoption:
    zone_id: str
    companies: int  # with both a submission and the platforms' figures in the round
    claimed_bluezone: int
    platform_bluezone: int
    claimed_declared: int
    platform_declared: int


def by_area(
    actor: Actor, round_id: int, filters: Any = None, *, session: Session | None = None
) -> list[AreaAdoption]:
    """Per area of the scope: what the companies with platform figures claimed, beside what the
    platforms counted for the same companies (the Overview's adoption view). Empty when nothing
    was imported for the round."""
    from sqlalchemy import func

    from app.services.oversight.filters import NO_FILTERS, apply_filters
    from app.services.scope import company_condition
    from db.models import Assessment

    require_role(actor, Role.zone_board, Role.labour, *IMPORTERS)
    query = (
        select(
            col(Company.zone_id),
            func.count(),
            func.coalesce(func.sum(Assessment.bluezone_installed), 0),
            func.coalesce(func.sum(PlatformAdoption.bluezone_installed), 0),
            func.coalesce(func.sum(Assessment.health_declared), 0),
            func.coalesce(func.sum(PlatformAdoption.health_declared), 0),
        )
        .select_from(PlatformAdoption)
        .join(Company, col(Company.id) == PlatformAdoption.company_id)
        .join(
            Assessment,
            (col(Assessment.company_id) == PlatformAdoption.company_id)
            & (col(Assessment.period_id) == PlatformAdoption.period_id)
            & col(Assessment.is_latest),
        )
        .where(col(PlatformAdoption.period_id) == round_id, company_condition(actor))
        .group_by(col(Company.zone_id))
        .order_by(col(Company.zone_id))
    )
    with reading(session) as session:
        rows = session.execute(apply_filters(query, filters or NO_FILTERS)).all()
    return [AreaAdoption(z, int(n), int(cb), int(pb), int(cd), int(pd)) for z, n, cb, pb, cd, pd in rows]
