"""Reports: the services gather scoped data into the report objects of app.exports, the writers turn
them into bytes, and every export is logged (who, which report, which filters, how many rows)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from functools import cache
from typing import Any

import yaml
from sqlalchemy import update
from sqlmodel import Session, col, select

from app.assessment.schema import RuleSet, numbering_key
from app.config import ROOT, get_settings
from app.exports import pdf, xlsx
from app.exports.report import (
    AreaLine,
    ChairmanReport,
    CompanyLine,
    CompanyReport,
    CriterionLine,
    FixLine,
    Heading,
    LevelInfo,
    OverviewReport,
    RoundChange,
)
from app.formatting import VIETNAM, quantity, today_vietnam
from app.i18n import t
from app.scoring import recommend
from app.services import assessments, monitoring
from app.services.assessments import ruleset_of
from app.services.companies import find_by_tax_code, get_company
from app.services.context import Actor, insert_ignore, reading, snapshot, writing
from app.services.errors import NotFound
from app.services.exportlog import log_export
from app.services.monitoring import CompanyRow, Filters
from app.services.scope import require_role
from app.services.verification import verify_url
from app.vocabulary import OFFICIALS, Role
from db.models import Assessment, DocumentRegister, Period


@cache
def _heading_data() -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = yaml.safe_load(
        (ROOT / "app" / "data" / "report_heading.yaml").read_text(encoding="utf-8")
    )
    return data


def _local(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return (moment.astimezone(UTC) + VIETNAM).replace(tzinfo=None)


def _levels(ruleset: RuleSet, lang: str) -> list[LevelInfo]:
    return [LevelInfo(lv.id, lv.label.get(lang), lv.color) for lv in ruleset.levels]


def _note(ruleset: RuleSet, lang: str) -> str | None:
    if ruleset.has_reconstructed:
        return t("banner.reconstructed", lang, title=ruleset.title.get(lang))
    return None


def _line(row: CompanyRow, lang: str) -> CompanyLine:
    status = t(f"status.{row.status}", lang) if row.status else t("overview.not_filed", lang)
    return CompanyLine(
        tax_code=row.tax_code,
        name=row.name,
        zone=row.zone_name,
        district=row.district,
        sector=row.sector,
        workers=row.workers if row.workers is not None else row.company_workers,
        status=status,
        submitted_at=_local(row.submitted_at),
        on_time=row.on_time,
        risk_index=row.risk_index,
        level=row.level,
        may_operate=row.may_operate,
        ruleset=f"{row.ruleset_id} v{row.ruleset_version}" if row.ruleset_id else "",
        contact_name=row.contact_name,
        contact_phone=row.contact_phone,
        contact_email=row.contact_email,
        criteria=row.criteria,
        previous_level=row.previous_level,
    )


def _areas(view: monitoring.Overview) -> list[AreaLine]:
    return [
        AreaLine(
            a.zone_name,
            a.kind,
            a.expected,
            a.submitted,
            a.on_time,
            dict(a.levels),
            a.workers,
            a.bluezone_share,
            a.health_share,
        )
        for a in view.areas
        if a.expected
    ]


def _log(actor: Actor, report: str, filters: dict[str, Any], rows: int, session: Session | None) -> None:
    with writing(session) as session:
        log_export(session, actor, report, filters, rows)


def _period(period_id: int | None, session: Session | None = None) -> Period:
    with reading(session) as session:
        if period_id is None:
            period = session.exec(
                select(Period).order_by(col(Period.opens_on).desc(), col(Period.id).desc())
            ).first()
        else:
            period = session.get(Period, period_id)
    if period is None:
        raise NotFound.said("reports.no_round")
    return period


# -- the officials' workbook ----------------------------------------------------------------------


def overview_report(
    actor: Actor,
    period_id: int | None,
    filters: Filters,
    lang: str,
    filters_text: str | None = None,
    *,
    session: Session | None = None,
) -> OverviewReport:
    require_role(actor, *OFFICIALS)
    with snapshot(session) as session:  # the summary and the rows agree
        period = _period(period_id, session)
        if period.id is None:
            raise NotFound.said("reports.no_round")
        ruleset = ruleset_of(period, session=session).ruleset
        view = monitoring.overview(actor, period.id, filters, session=session)
        rows = monitoring.company_rows(actor, period.id, filters, with_criteria=True, session=session)
    companies = [_line(r, lang) for r in rows]
    return OverviewReport(
        lang=lang,
        title=t("export.sheet.summary", lang) + " · ZoneRisk",
        period_name=period.name,
        due_on=period.due_on,
        filters_text=filters_text or _filters_text(filters, lang),
        author=actor.username,
        generated_at=_local(datetime.now(UTC)),  # type: ignore[arg-type]  # an aware time in, a naive local time out
        levels=_levels(ruleset, lang),
        filing=view.filing,
        level_counts=[(lv.level, lv.companies, lv.workers) for lv in view.levels],
        may_not_operate=view.may_not_operate,
        adoption=(view.adoption["bluezone"], view.adoption["health"]),
        areas=_areas(view),
        companies=companies,
        non_filers=[c for c, r in zip(companies, rows, strict=True) if r.assessment_id is None],
        criteria_ids=[c.id for c in ruleset.criteria_by_number()],
        note=_note(ruleset, lang),
    )


def _filters_text(filters: Filters, lang: str) -> str:
    data = filters.as_dict()
    if not data:
        return t("officials.no_filter", lang)
    return "; ".join(f"{k}: {', '.join(v) if isinstance(v, list) else v}" for k, v in data.items())


def export_overview_xlsx(
    actor: Actor,
    period_id: int | None,
    filters: Filters,
    lang: str = "vi",
    filters_text: str | None = None,
    progress: xlsx.Progress | None = None,
    *,
    session: Session | None = None,
) -> tuple[bytes, int]:
    """Read in one snapshot, write the workbook, then log it: the log names a file that was made."""
    report = overview_report(actor, period_id, filters, lang, filters_text, session=session)
    data = xlsx.overview_workbook(report, progress)
    _log(
        actor,
        "overview.xlsx",
        {"period": report.period_name, **filters.as_dict()},
        len(report.companies),
        session,
    )
    return data, len(report.companies)


# -- the chairman's report ------------------------------------------------------------------------


def chairman_report(
    actor: Actor,
    period_id: int | None,
    lang: str = "vi",
    issued_on: date | None = None,
    number: int | None = None,
    *,
    session: Session | None = None,
) -> ChairmanReport:
    """The report's content. Section V needs this round and the one before it: two rounds of
    trend are read, not the whole year's."""
    require_role(actor, Role.ict, Role.admin)
    with snapshot(session) as session:  # every figure from one state of the data
        period = _period(period_id, session)
        if period.id is None:
            raise NotFound.said("reports.no_round")
        ruleset = ruleset_of(period, session=session).ruleset
        everyone = Filters()
        view = monitoring.overview(actor, period.id, everyone, session=session)

        def rows(**flags: bool) -> list[CompanyLine]:
            found = monitoring.company_rows(actor, period.id or 0, everyone, session=session, **flags)
            return [_line(r, lang) for r in found]

        high, missing = rows(only_high=True), rows(filed=False)
        rounds = monitoring.trend(actor, everyone, limit=2, until_period_id=period.id, session=session)
        change = None
        if len(rounds) == 2:
            before, now = rounds
            change = RoundChange(
                previous_name=before.period_name,
                filed_share_before=before.submitted / before.expected if before.expected else None,
                filed_share_now=now.submitted / now.expected if now.expected else None,
                level_counts_before=dict(before.levels),
                risers=rows(only_rising=True),
            )
    issued_on = issued_on or today_vietnam()
    return ChairmanReport(
        lang=lang,
        heading=_chairman_heading(lang, issued_on, number),
        issued_on=issued_on,
        period_name=period.name,
        due_on=period.due_on,
        levels=_levels(ruleset, lang),
        filing=view.filing,
        level_counts=[(lv.level, lv.companies, lv.workers) for lv in view.levels],
        may_not_operate=view.may_not_operate,
        adoption=(view.adoption["bluezone"], view.adoption["health"]),
        areas=_areas(view),
        high_risk=high,
        non_filers=missing,
        change=change,
        note=_note(ruleset, lang),
        round_open=not period.closed,
    )


def _chairman_heading(lang: str, issued_on: date, number: int | None) -> Heading:
    data = _heading_data()[lang if lang in ("vi", "en") else "vi"]
    settings = get_settings()
    return Heading(
        authority=data["authority"],
        issuer=data["issuer"],
        issuer_name=data["issuer_name"],
        number=data["number"].format(seq="…" if number is None else number, year=issued_on.year),
        place=data["place"],
        recipient=data["recipient"],
        recipients=list(data["recipients"]),
        signer_title=settings.report_signer_title or data["signer_title"],
        signer_name=settings.report_signer_name or data["signer_name"],
    )


def allocate_number(session: Session, kind: str, year: int) -> int:
    """The next number of the register for `kind` in `year`, taken under the row's lock (an
    UPDATE), so that concurrent exports get different numbers."""
    insert_ignore(session, DocumentRegister, kind=kind, year=year, last_number=0)
    session.execute(
        update(DocumentRegister)
        .where(col(DocumentRegister.kind) == kind, col(DocumentRegister.year) == year)
        .values(last_number=col(DocumentRegister.last_number) + 1)
    )
    return int(
        session.exec(
            select(DocumentRegister.last_number).where(
                col(DocumentRegister.kind) == kind, col(DocumentRegister.year) == year
            )
        ).one()
    )


def export_chairman_pdf(
    actor: Actor,
    period_id: int | None,
    lang: str = "vi",
    invariant: bool = False,
    issued_on: date | None = None,
    number: int | None = None,
    *,
    session: Session | None = None,
) -> bytes:
    """Read, then take the register's number and log the export in one transaction, then render:
    a number is never shared, and every number given is in the log."""
    report = chairman_report(actor, period_id, lang, issued_on, number, session=session)
    with writing(session) as session:
        seq = number if number is not None else allocate_number(session, "chairman", report.issued_on.year)
        heading = _chairman_heading(lang, report.issued_on, seq)
        log_export(
            session,
            actor,
            "chairman.pdf",
            {"period": report.period_name},
            report.filing.expected,
            heading.number,
        )
    return pdf.chairman_pdf(replace(report, heading=heading), invariant=invariant)


def preview_chairman_pdf(
    actor: Actor, period_id: int | None, lang: str = "vi", *, session: Session | None = None
) -> bytes:
    """What the report will say, without a number (printed "…") and without logging it."""
    return pdf.chairman_pdf(chairman_report(actor, period_id, lang, session=session))


# -- a company's own report -----------------------------------------------------------------------


def company_report(
    actor: Actor, assessment_id: int, lang: str = "vi", *, session: Session | None = None
) -> CompanyReport:
    with snapshot(session) as session:  # the submission, its company and its round as of one moment
        view = assessments.get_assessment(actor, assessment_id, session=session)  # scope-checked
        if view.status == "draft":
            raise NotFound.said("reports.draft_has_no_report")
        company = get_company(actor, view.company_id, session=session)
        row = session.get(Assessment, view.id)
        period = session.get(Period, view.period_id)
    result = assessments.result_of(view)
    ruleset = result.compiled.ruleset
    if row is None or period is None:
        raise NotFound.said("reports.no_assessment")
    first = row.first_submitted_at or row.submitted_at
    recommendations = recommend(result)
    next_band = recommendations.next_band
    if next_band is None:
        fix_note, fixes = t("result.lowest_level", lang), []
    else:
        fix_note = next_band.note.get(lang)
        fixes = [
            FixLine(
                c.input_label.get(lang),
                f"{c.current_label.get(lang)} → {c.proposed_label.get(lang)}",
                c.points_saved,
            )
            for c in next_band.changes
        ]
    answers = []
    for item in ruleset.inputs:
        value = view.answers.get(item.id)
        if item.kind == "choice":
            shown = next((o.label.get(lang) for o in item.options or [] if o.id == value), str(value))
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            shown = quantity(value, lang, item.unit.get(lang) if item.unit else "")
        else:
            shown = "—" if value is None else str(value)
        answers.append((item.label.get(lang), shown))
    reason = result.floor_reason or result.may_operate_reason
    return CompanyReport(
        lang=lang,
        company_name=company.name,
        tax_code=company.tax_code,
        zone=company.zone_name,
        district=company.district,
        sector=company.sector,
        address=company.address,
        workers=company.workers,
        period_name=view.period_name,
        submitted_at=_local(view.submitted_at),
        status=t(f"status.{view.status}", lang),
        ruleset_title=ruleset.title.get(lang),
        ruleset_version=ruleset.version,
        ruleset_hash=view.ruleset_hash,
        answers=answers,
        criteria=[
            CriterionLine(
                c.id,
                c.title.get(lang),
                c.fired.get(lang),
                c.points,
                c.max,
                t(f"provenance.{c.provenance}", lang),
            )
            for c in sorted(result.criteria, key=lambda c: numbering_key(c.id))
        ],
        total=result.total,
        max_total=result.max_total,
        risk_index=result.index,
        level=LevelInfo(result.level.id, result.level.label.get(lang), result.level.color),
        may_operate=result.may_operate,
        operate_reason=reason.get(lang) if reason else None,
        obligation=result.obligation.get(lang),
        fix_note=fix_note,
        fixes=fixes,
        verify_url=verify_url(row, company.tax_code),
        note=_footnote(ruleset, lang),
        on_time=None if first is None else first <= period.due_at,
        due_on=period.due_on,
        issued_on=today_vietnam(),
    )


def _footnote(ruleset: RuleSet, lang: str) -> str | None:
    """The reconstructed-criteria note as a footnote that names the rule set and its version."""
    if not ruleset.has_reconstructed:
        return None
    return t("export.company.footnote", lang, title=ruleset.title.get(lang), version=str(ruleset.version))


def export_company_pdf(
    actor: Actor,
    assessment_id: int,
    lang: str = "vi",
    invariant: bool = False,
    *,
    session: Session | None = None,
) -> bytes:
    report = company_report(actor, assessment_id, lang, session=session)
    data = pdf.company_pdf(report, invariant=invariant)
    _log(actor, "company.pdf", {"company": report.tax_code, "period": report.period_name}, 1, session)
    return data


def preview_company_pdf(
    actor: Actor, assessment_id: int, lang: str = "vi", *, session: Session | None = None
) -> bytes:
    """The company report as the page previews it: the same file, not logged as an export."""
    return pdf.company_pdf(company_report(actor, assessment_id, lang, session=session))


def latest_assessment_id(
    actor: Actor, tax_code: str, period_id: int | None, *, session: Session | None = None
) -> int:
    """For the command line: the submission that counts for a company in a round (default: latest)."""
    with reading(session) as session:
        company = find_by_tax_code(actor, tax_code, session=session)
        query = select(Assessment.id).where(Assessment.company_id == company.id, col(Assessment.is_latest))
        if period_id is not None:
            query = query.where(Assessment.period_id == period_id)
        found = session.exec(query.order_by(col(Assessment.submitted_at).desc())).first()
    if found is None:
        raise NotFound.said("reports.no_submission", tax_code=tax_code)
    return found
