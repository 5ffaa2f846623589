"""The chairman's periodic report, headed and signed as an official Vietnamese document."""

from __future__ import annotations

import io
from typing import Any

from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Spacer, Table, TableStyle

from app.exports import decree
from app.exports.labels import L
from app.exports.pdf_base import (
    REGULAR,
    build,
    document_heading,
    p,
    rule_under,
    share,
    signature_block,
    styles,
    table,
)
from app.exports.pdf_charts import filing_chart, level_chart
from app.exports.report import ChairmanReport, CompanyLine, InspectionLine, ReminderLine
from app.formatting import day, half_up, index, number

MAX_LISTED = 60  # companies listed by name in one table before "and N more"
NON_FILERS_PER_AREA = 25


def _heading(report: ChairmanReport, s: dict[str, ParagraphStyle]) -> Table:
    h = report.heading
    issuer = [
        p(h.authority, s["heading"]),
        p(h.issuer, s["heading_bold"]),
        rule_under(h.issuer, s["heading_bold"], 0.4),
        p(h.number, s["center"]),
    ]
    return document_heading(issuer, report.lang, h.place, report.issued_on, s)


COMPANY_WIDTHS = [31 * mm, 46 * mm, 28 * mm, 17 * mm, 18 * mm, 25 * mm]


def _company_rows(
    lines: list[CompanyLine], report: ChairmanReport, s: dict[str, ParagraphStyle]
) -> list[list[Any]]:
    """Tax codes are plain cells, which never wrap: a branch tax code must not break at its
    hyphen (its column holds one at 12 pt)."""
    labels = {lv.id: lv.label for lv in report.levels}
    lang = report.lang
    rows: list[list[Any]] = [
        [
            p(h, s["cell_bold"])
            for h in (
                L("tax_code", lang),
                L("name", lang),
                L("zone", lang),
                L("workers", lang),
                L("index", lang),
                L("level", lang),
            )
        ]
    ]
    for c in lines[:MAX_LISTED]:
        rows.append(
            [
                c.tax_code,
                p(c.name, s["cell"]),
                p(c.zone, s["cell"]),
                number(c.workers, lang),
                index(c.risk_index, lang),
                p(labels.get(c.level or "", "—"), s["cell"]),
            ]
        )
    return rows


def _non_filers(report: ChairmanReport, s: dict[str, ParagraphStyle]) -> list[Any]:
    """Counts by area first (expected, missing), then the names grouped under each area."""
    lang = report.lang
    if not report.non_filers:
        return [p(L("chairman.none_missing", lang), s["base"])]
    by_area: dict[str, list[CompanyLine]] = {}
    for c in report.non_filers:
        by_area.setdefault(c.zone, []).append(c)
    expected = {a.name: a.expected for a in report.areas}
    ordered = sorted(by_area.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    rows: list[list[Any]] = [
        [p(h, s["cell_bold"]) for h in (L("area", lang), L("expected", lang), L("missing", lang))]
    ]
    for area, lines in ordered:
        rows.append([p(area, s["cell"]), number(expected.get(area), lang), number(len(lines), lang)])
    complete = [a for a in report.areas if a.expected and a.name not in by_area]
    if complete:  # the total below is the province's: the areas left out of the rows are named
        rows.append(
            [
                p(L("chairman.areas_all_filed", lang, count=len(complete)), s["cell"]),
                number(sum(a.expected for a in complete), lang),
                number(0, lang),
            ]
        )
    rows.append(
        [
            p(L("total", lang), s["cell_bold"]),
            number(sum(a.expected for a in report.areas), lang),
            number(len(report.non_filers), lang),
        ]
    )
    parts: list[Any] = [table(rows, [85 * mm, 40 * mm, 40 * mm])]
    for area, lines in ordered:  # an area's names never split from its heading
        group: list[Any] = [p(f"{area} ({number(len(lines), lang)})", s["h2"])]
        listed = [
            [c.tax_code, p(c.name, s["cell"]), c.contact_phone or "—"] for c in lines[:NON_FILERS_PER_AREA]
        ]
        names = Table(listed, colWidths=[31 * mm, 99 * mm, 35 * mm])
        names.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), REGULAR),
                    ("FONTSIZE", (0, 0), (-1, -1), decree.TABLE_SIZE),
                    ("LEADING", (0, 0), (-1, -1), decree.TABLE_LEADING),
                    ("LEFTPADDING", (0, 0), (0, -1), 0),
                ]
            )
        )
        group.append(names)
        if len(lines) > NON_FILERS_PER_AREA:
            group.append(p(L("chairman.more", lang, count=len(lines) - NON_FILERS_PER_AREA), s["small"]))
        parts.append(KeepTogether(group))
    return parts


def _reminder_line(line: ReminderLine, lang: str, s: dict[str, Any]) -> Any:
    """Đôn đốc in one paragraph: reminded, filed after, still missing, then each channel."""
    channels = "; ".join(
        L(
            "chairman.reminder_channel",
            lang,
            channel=L(f"channel.{c}", lang),
            sent=sent,
            failed=failed,
            within=within,
        )
        for c, sent, failed, within in line.channels
    )
    text = L(
        "chairman.reminders_line",
        lang,
        reminded=line.reminded,
        filed_after=line.filed_after,
        missing=line.still_missing,
    )
    if line.filed_before:  # every reminded company is in one part: the parts add up
        text += " " + L("chairman.reminders_filed_before", lang, count=line.filed_before)
    return p(f"{text} {channels}." if channels else text, s["base"])


def _gap_words(gap: float | None, lang: str) -> str:
    """The direction in words from the sign of the figure as printed: "cao hơn 3,33" or "thấp hơn
    3,33", never "cao hơn -3,33"."""
    if gap is None:
        return L("chairman.gap_unknown", lang)
    shown = half_up(gap, 2)
    if shown == 0:
        return L("chairman.gap_none", lang)
    key = "chairman.gap_above" if shown > 0 else "chairman.gap_below"
    return L(key, lang, gap=number(abs(shown), lang, 2))


def _inspections(line: InspectionLine, lang: str, s: dict[str, Any]) -> list[Any]:
    """Section VI, kiểm tra thực tế: what the visits found against what the companies declared, and
    the fixes still open."""
    parts: list[Any] = [p(L("chairman.s6", lang), s["h2"])]
    if not line.done:
        parts.append(p(L("chairman.inspections_none", lang), s["base"]))
    else:
        parts.append(
            p(
                L(
                    "chairman.inspections_line",
                    lang,
                    done=line.done,
                    comparison=_gap_words(line.mean_gap, lang),
                    official=line.official,
                    stopped=line.stopped,
                ),
                s["base"],
            )
        )
        if line.kind_criteria:
            kind = "; ".join(
                f"{cid} {title} (+{number(mean, lang, 1)})" for cid, title, mean in line.kind_criteria
            )
            parts.append(p(L("chairman.kind_line", lang, criteria=kind), s["base"]))
    parts.append(
        p(L("chairman.actions_line", lang, open=line.open_actions, overdue=line.overdue_actions), s["base"])
    )
    return parts


Story = list[Any]


def _filing(report: ChairmanReport, s: dict[str, ParagraphStyle]) -> Story:
    """Section I: who filed, adoption, đôn đốc, and filing by area."""
    lang, f = report.lang, report.filing
    filed = L(
        "chairman.filing_line",
        lang,
        expected=f.expected,
        submitted=f.submitted,
        share=share(f.submitted / f.expected if f.expected else None, lang),
        on_time=f.on_time,
        late=f.late,
        missing=f.missing,
    )
    adoption = L(
        "chairman.adoption_line",
        lang,
        bluezone=share(report.adoption[0], lang),
        health=share(report.adoption[1], lang),
    )
    story: Story = [p(L("chairman.s1", lang), s["h2"]), p(filed, s["base"]), p(adoption, s["base"])]
    if report.epidemic_levels:
        listed = "; ".join(f"{area}: {level}" for area, level in report.epidemic_levels)
        story.append(p(L("chairman.epidemic_levels", lang, areas=listed), s["base"]))
    if report.reminders is not None and report.reminders.reminded:
        story.append(_reminder_line(report.reminders, lang, s))
    if any(a.expected for a in report.areas):
        story.append(filing_chart(report))
    return story


def _levels(report: ChairmanReport, s: dict[str, ParagraphStyle]) -> Story:
    """Section II: companies and workers by level, who may not operate."""
    lang = report.lang
    labels = {lv.id: lv.label for lv in report.levels}
    workers_total = sum(w for _, _, w in report.level_counts)
    heads = (L("level", lang), L("companies", lang), L("workers", lang), L("worker_share", lang))
    rows: list[list[Any]] = [[p(h, s["cell_bold"]) for h in heads]]
    for level_id, companies, workers in report.level_counts:
        rows.append(
            [
                labels[level_id],
                number(companies, lang),
                number(workers, lang),
                share(workers / workers_total if workers_total else None, lang),
            ]
        )
    return [
        p(L("chairman.s2", lang), s["h2"]),
        table(rows, [60 * mm, 35 * mm, 35 * mm, 35 * mm]),
        p(L("chairman.operate_line", lang, count=report.may_not_operate), s["base"]),
        level_chart(report),
    ]


def _high_risk(report: ChairmanReport, s: dict[str, ParagraphStyle]) -> Story:
    """Section III: the companies at high or very high risk, by name."""
    lang = report.lang
    story: Story = [p(L("chairman.s3", lang), s["h2"])]
    if not report.high_risk:
        return [*story, p(L("chairman.none_high", lang), s["base"])]
    story.append(table(_company_rows(list(report.high_risk), report, s), COMPANY_WIDTHS))
    if len(report.high_risk) > MAX_LISTED:
        story.append(p(L("chairman.more", lang, count=len(report.high_risk) - MAX_LISTED), s["small"]))
    return story


def _change(report: ChairmanReport, s: dict[str, ParagraphStyle]) -> Story:
    """Section V: against the previous round, with the state of both rounds in words."""
    lang, change = report.lang, report.change
    story: Story = [p(L("chairman.s5", lang), s["h2"])]
    if change is None:
        return [*story, p(L("chairman.no_previous", lang), s["base"])]
    if report.round_open:
        state = {True: "chairman.previous_closed", False: "chairman.previous_open", None: None}
        said = L("chairman.round_open", lang, due=day(report.due_on, lang))
        if (key := state[report.previous_closed]) is not None:
            said += " " + L(key, lang)
        story.append(p(said, s["small"]))
    before = share(change.filed_share_before, lang)
    now = share(change.filed_share_now, lang)
    story.append(
        p(L("chairman.change_filing", lang, before=before, previous=change.previous_name, now=now), s["base"])
    )
    labels = {lv.id: lv.label for lv in report.levels}
    heads = (L("level", lang), L("level_counts_before", lang), L("level_counts_now", lang))
    rows: list[list[Any]] = [[p(h, s["cell_bold"]) for h in heads]]
    for level_id, companies, _ in report.level_counts:
        rows.append(
            [
                labels[level_id],
                number(change.level_counts_before.get(level_id, 0), lang),
                number(companies, lang),
            ]
        )
    story.append(table(rows, [65 * mm, 50 * mm, 50 * mm]))
    if change.risers:
        story.append(p(L("chairman.risers", lang, count=len(change.risers)), s["base"]))
        story.append(table(_company_rows(list(change.risers), report, s), COMPANY_WIDTHS))
    return story


def chairman_pdf(report: ChairmanReport, invariant: bool = False) -> bytes:
    """The periodic report to the provincial chairman, headed like an official document."""
    s = styles()
    lang = report.lang
    buffer = io.BytesIO()
    story: list[Any] = [_heading(report, s), Spacer(1, 6 * mm)]
    story.append(p(L("chairman.title", lang), s["title"]))
    story.append(p(L("chairman.subject", lang, period=report.period_name), s["center_bold"]))
    story.append(Spacer(1, 4 * mm))
    story.append(p(L("chairman.to", lang, recipient=report.heading.recipient), s["center"]))
    story.append(Spacer(1, 4 * mm))
    due = day(report.due_on, lang)
    story.append(
        p(
            L(
                "chairman.intro",
                lang,
                issuer=report.heading.issuer_name,
                period=report.period_name,
                due=due,
            ),
            s["base"],
        )
    )
    if report.note:
        story.append(p(report.note, s["small"]))

    story += _filing(report, s)
    story += _levels(report, s)
    story += _high_risk(report, s)
    story += [p(L("chairman.s4", lang), s["h2"]), *_non_filers(report, s)]
    story += _change(report, s)
    if report.inspections is not None:
        story.extend(_inspections(report.inspections, lang, s))
    closing = p(
        L("chairman.closing", lang, issuer=report.heading.issuer_name, recipient=report.heading.recipient),
        s["base"],
    )
    story.append(
        signature_block(
            report.heading.recipients,
            report.heading.signer_title,
            report.heading.signer_name,
            lang,
            s,
            closing=[closing],
        )
    )
    build(buffer, L("chairman.subject", lang, period=report.period_name), story, invariant)
    return buffer.getvalue()
