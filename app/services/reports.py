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

from app.assessment.schema import RuleSet
from app.config import ROOT, get_settings
from app.exports import pdf, xlsx
from app.exports.report import (
    AreaLine,
    ChairmanReport,
    CompanyLine,
    Heading,
    LevelInfo,
    OverviewReport,
    ReminderLine,
    RoundChange,
)
from app.formatting import VIETNAM, today_vietnam
from app.i18n import t
from app.services import monitoring, reminder_effect
from app.services.assessments import ruleset_of
from app.services.context import Actor, insert_ignore, reading, snapshot, writing
from app.services.errors import NotFound
from app.services.exportlog import log_export
from app.services.monitoring import CompanyRow, Filters
from app.services.scope import require_role
from app.vocabulary import OFFICIALS, Role
from db.models import DocumentRegister, Period


@cache
def _heading_data() -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = yaml.safe_load(
        (ROOT / "app" / "data" / "report_heading.yaml").read_text(encoding="utf-8")
    )
    return data


def local_time(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return (moment.astimezone(UTC) + VIETNAM).replace(tzinfo=None)


def levels_of(ruleset: RuleSet, lang: str) -> list[LevelInfo]:
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
        submitted_at=local_time(row.submitted_at),
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


def _summary(view: monitoring.Overview, ruleset: RuleSet, lang: str) -> dict[str, Any]:
    """The figures every report opens with: the level bands, filing, levels, adoption and areas."""
    return {
        "levels": levels_of(ruleset, lang),
        "filing": view.filing,
        "level_counts": [(lv.level, lv.companies, lv.workers) for lv in view.levels],
        "may_not_operate": view.may_not_operate,
        "adoption": (view.adoption["bluezone"], view.adoption["health"]),
        "areas": _areas(view),
    }


def log_export_of(
    actor: Actor, report: str, filters: dict[str, Any], rows: int, session: Session | None
) -> None:
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
        generated_at=local_time(datetime.now(UTC)),  # type: ignore[arg-type]  # an aware time in, a naive local time out
        **_summary(view, ruleset, lang),
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
    log_export_of(
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
        effect = reminder_effect.effect(actor, period.id, session=session)
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
        **_summary(view, ruleset, lang),
        high_risk=high,
        non_filers=missing,
        change=change,
        note=_note(ruleset, lang),
        round_open=not period.closed,
        reminders=ReminderLine(
            effect.reminded,
            effect.filed_after,
            effect.still_missing,
            [(c.channel, c.sent, c.failed, c.filed_within_24h) for c in effect.channels],
        ),
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
