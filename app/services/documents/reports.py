"""Reports: the services gather scoped data into the report objects of app.exports, the writers turn
them into bytes, and every export is logged (who, which report, which filters, how many rows)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlmodel import Session

from app import yaml_text
from app.assessment.schema import RuleSet
from app.config import ROOT
from app.exports import xlsx
from app.exports.report import (
    AreaLine,
    CompanyLine,
    LevelInfo,
    OverviewReport,
)
from app.formatting import VIETNAM
from app.i18n import t
from app.services.context import Actor, snapshot, writing
from app.services.documents.exportlog import log_export
from app.services.filing.assessments import ruleset_of
from app.services.oversight import lists, monitoring
from app.services.oversight.filters import Filters
from app.services.oversight.lists import CompanyRow
from app.services.periods import round_of
from app.services.scope import require_role
from app.vocabulary import OFFICIALS


@cache
def heading_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml_text.load(
        (ROOT / "app" / "data" / "report_heading.yaml").read_text(encoding="utf-8")
    )
    return data


def local_time(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return (moment.astimezone(UTC) + VIETNAM).replace(tzinfo=None)


def levels_of(ruleset: RuleSet, lang: str) -> list[LevelInfo]:
    return [LevelInfo(lv.id, lv.label.get(lang), lv.color) for lv in ruleset.levels]


def note_of(ruleset: RuleSet, lang: str) -> str | None:
    if ruleset.has_reconstructed:
        return t("banner.reconstructed", lang, title=ruleset.title.get(lang))
    return None


def line_of(row: CompanyRow, lang: str) -> CompanyLine:
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
        failed_conditions=row.failed_conditions,
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


def summary_of(view: monitoring.Overview, ruleset: RuleSet, lang: str) -> dict[str, Any]:
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
        period = round_of(session, period_id)
        assert period.id is not None  # round_of returns a stored round, or says there is none
        ruleset = ruleset_of(period, session=session).ruleset
        view = monitoring.overview(actor, period.id, filters, session=session)
        rows = lists.company_rows(actor, period.id, filters, with_criteria=True, session=session)
    companies = [line_of(r, lang) for r in rows]
    return OverviewReport(
        lang=lang,
        title=t("export.sheet.summary", lang) + " · ZoneRisk",
        period_name=period.name,
        due_on=period.due_on,
        filters_text=filters_text or _filters_text(filters, lang),
        author=actor.username,
        generated_at=local_time(datetime.now(UTC)),  # type: ignore[arg-type]  # an aware time in, a naive local time out
        **summary_of(view, ruleset, lang),
        companies=companies,
        non_filers=[c for c, r in zip(companies, rows, strict=True) if r.assessment_id is None],
        criteria_ids=[c.id for c in ruleset.criteria_by_number()],
        note=note_of(ruleset, lang),
        condition_ids=[c.id for c in ruleset.conditions],
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
