"""The ICT department's report to the chairman of the provincial People's Committee: its content
read in one snapshot, its number taken from the register in the transaction that logs it."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlmodel import Session

from app.config import Mode, get_settings
from app.exports import pdf
from app.exports.report import (
    ChairmanReport,
    CompanyLine,
    Heading,
    InspectionLine,
    ReminderLine,
    RoundChange,
)
from app.formatting import today_vietnam
from app.services.context import Actor, snapshot, writing
from app.services.documents.exportlog import log_export
from app.services.documents.register import allocate_number
from app.services.documents.reports import heading_data, line_of, note_of, summary_of
from app.services.errors import Invalid
from app.services.filing.assessments import ruleset_of
from app.services.onsite import calibration, remediation
from app.services.oversight import epidemic_levels, lists, monitoring, trends
from app.services.oversight.filters import Filters
from app.services.periods import round_of
from app.services.reminding import reminder_effect
from app.services.scope import require_role
from app.vocabulary import Role
from db.models import Period, as_utc, utcnow


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
        period = round_of(session, period_id)
        assert period.id is not None  # round_of returns a stored round, or says there is none
        ruleset = ruleset_of(period, session=session).ruleset
        everyone = Filters()
        view = monitoring.overview(actor, period.id, everyone, session=session)

        def rows(**flags: bool) -> list[CompanyLine]:
            found = lists.company_rows(actor, period.id or 0, everyone, session=session, **flags)
            return [line_of(r, lang) for r in found]

        high, missing = rows(only_high=True), rows(filed=False)
        rounds = trends.trend(actor, everyone, limit=2, until_period_id=period.id, session=session)
        effect = reminder_effect.effect(actor, period.id, session=session)
        done, gap, official, stopped, kind = calibration.round_summary(
            actor, period.id, lang, session=session
        )
        # a closed round's report says what stood at its end; an open round's, what stands now
        ended = min(as_utc(period.due_at), utcnow())
        as_of, day = (ended, period.due_on) if period.closed else (utcnow(), today_vietnam())
        open_actions, overdue_actions = remediation.standing_at(actor, as_of, day, session=session)
        levels_set = [
            (a.name, a.in_force)
            for a in epidemic_levels.areas(actor, period.id, session=session)
            if a.level is not None or a.from_district
        ]
        change = None
        previous_closed = None
        if len(rounds) == 2:
            before, now = rounds
            previous = session.get(Period, before.period_id)
            previous_closed = bool(previous.closed) if previous is not None else None
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
        **summary_of(view, ruleset, lang),
        high_risk=high,
        non_filers=missing,
        change=change,
        note=note_of(ruleset, lang),
        round_open=not period.closed,
        previous_closed=previous_closed,
        reminders=ReminderLine(
            effect.reminded,
            effect.filed_after,
            effect.still_missing,
            [(c.channel, c.sent, c.failed, c.filed_within_24h) for c in effect.channels],
            effect.filed_before,
        ),
        inspections=InspectionLine(
            done,
            gap,
            official,
            stopped,
            kind,
            open_actions,
            overdue_actions,
        ),
        epidemic_levels=sorted(levels_set, key=lambda item: (-item[1], item[0])),
    )


def _chairman_heading(lang: str, issued_on: date, number: int | None) -> Heading:
    data = heading_data()[lang if lang in ("vi", "en") else "vi"]
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
    a number is never shared, and every number given is in the log. In production a numbered report
    is not issued without the signer's name (the preview is)."""
    settings = get_settings()
    if settings.mode is Mode.production and not settings.report_signer_name.strip():
        raise Invalid.said("reports.no_signer")
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
