"""A company's own assessment report: its answers, score, level, reasons and what to fix first,
for the company to keep and for an official to print; every export logged like the officials'."""

from __future__ import annotations

from sqlmodel import Session, col, select

from app.assessment.schema import RuleSet, numbering_key
from app.exports import pdf
from app.exports.report import CompanyReport, CriterionLine, FixLine, LevelInfo
from app.formatting import quantity, today_vietnam
from app.i18n import t
from app.scoring import recommend
from app.services.context import Actor, reading, snapshot
from app.services.documents.reports import local_time, log_export_of
from app.services.documents.verification import verify_url
from app.services.errors import NotFound
from app.services.filing import assessments
from app.services.filing.companies import find_by_tax_code, get_company
from app.vocabulary import Status
from db.models import Assessment, Period


def company_report(
    actor: Actor, assessment_id: int, lang: str = "vi", *, session: Session | None = None
) -> CompanyReport:
    with snapshot(session) as session:  # the submission, its company and its round as of one moment
        view = assessments.get_assessment(actor, assessment_id, session=session)  # scope-checked
        if view.status == Status.draft:
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
        submitted_at=local_time(view.submitted_at),
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
        compliance=t(f"compliance.{result.compliance}", lang) if result.compliance else None,
        conditions=[
            (
                c.condition.title.get(lang),
                t(f"compliance.outcome.{c.outcome}", lang),
                c.condition.on_fail.action.get(lang) if c.failed else "",
            )
            for c in result.conditions
        ],
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
    log_export_of(
        actor, "company.pdf", {"company": report.tax_code, "period": report.period_name}, 1, session
    )
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
