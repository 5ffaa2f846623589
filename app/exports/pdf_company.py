"""A company's assessment report: its own heading, the result, what to fix first, every criterion,
the QR code to /verify and the representative's signature block."""

from __future__ import annotations

import io
from typing import Any

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Spacer, Table, TableStyle

from app.exports import decree
from app.exports.labels import L
from app.exports.pdf_base import (
    build,
    document_heading,
    p,
    rule_under,
    signature_block,
    styles,
    table,
)
from app.exports.report import CompanyReport
from app.formatting import day, index, number, wall_clock


def _company_heading(report: CompanyReport, s: dict[str, ParagraphStyle]) -> Table:
    """The company issues its own report: its name and tax code top left."""
    issuer = [
        p(report.company_name.upper(), s["heading_bold"]),
        p(f"{L('tax_code', report.lang)}: {report.tax_code}", s["center"]),
        rule_under(report.company_name.upper(), s["heading_bold"], 0.4),
    ]
    return document_heading(issuer, report.lang, report.district or report.zone, report.issued_on, s)


def company_pdf(report: CompanyReport, invariant: bool = False) -> bytes:
    """A company's assessment to keep on file, with a QR code to the verification page."""
    s = styles()
    lang = report.lang
    buffer = io.BytesIO()
    story: list[Any] = [_company_heading(report, s), Spacer(1, 5 * mm)]
    story.append(p(L("company.title", lang), s["title"]))
    story.append(Spacer(1, 2 * mm))
    at = wall_clock(report.submitted_at, lang) if report.submitted_at else "—"
    story.append(
        p(L("company.submitted", lang, period=report.period_name, at=at, status=report.status), s["center"])
    )
    if report.on_time is not None and report.due_on is not None:
        due = day(report.due_on, lang)
        if report.on_time:
            story.append(p(L("company.on_time", lang, due=due), s["center"]))
        else:
            story.append(p(L("company.late", lang, due=due), s["center_bold"]))

    story.append(p(L("company.profile", lang), s["h2"]))
    profile = [
        (L("name", lang), report.company_name),
        (L("tax_code", lang), report.tax_code),
        (L("zone", lang), f"{report.zone} · {report.district}"),
        (L("sector", lang), report.sector),
        (L("company.address", lang), report.address or "—"),
        (L("company.workers_profile", lang), number(report.workers, lang)),
    ]
    story.append(
        table(
            [[p(k, s["cell_bold"]), p(v, s["cell"])] for k, v in profile], [55 * mm, 110 * mm], header=False
        )
    )

    story.append(p(L("company.result", lang), s["h2"]))
    level_box = Table(
        [
            [
                p(
                    L(
                        "company.total_line",
                        lang,
                        total=report.total,
                        max=report.max_total,
                        index=index(report.risk_index, lang),
                        level=report.level.label,
                    ),
                    s["cell_bold"],
                )
            ]
        ],
        colWidths=[decree.TEXT_WIDTH],
    )
    level_box.setStyle(
        TableStyle(
            [
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(report.level.color)),
                ("BOX", (0, 0), (-1, -1), 0.5, colors.black),
            ]
        )
    )
    story.append(level_box)
    answer = L("yes", lang) if report.may_operate else L("no", lang)
    story.append(
        p(
            L("company.operate", lang, answer=answer)
            + (f" – {report.operate_reason}" if report.operate_reason else ""),
            s["base"],
        )
    )
    story.append(p(L("company.obligation", lang, text=report.obligation), s["base"]))
    if report.compliance is not None:  # a rule set with conditions that must hold
        story.append(p(L("company.conditions", lang, verdict=report.compliance), s["h2"]))
        rows_c = [[p(h, s["cell_bold"]) for h in (L("company.condition", lang), L("company.outcome", lang))]]
        for title, outcome, action in report.conditions:
            rows_c.append([p(title + (f" – {action}" if action else ""), s["cell"]), p(outcome, s["cell"])])
        story.append(table(rows_c, [135 * mm, 30 * mm]))

    story.append(p(L("company.fix", lang), s["h2"]))
    story.append(p(report.fix_note, s["base"]))
    for fix in report.fixes:
        story.append(p(f"• {fix.what}: {fix.change} (−{number(fix.points, lang)})", s["base"]))

    story.append(p(L("company.criteria", lang) + (" (*)" if report.note else ""), s["h2"]))
    rows = [
        [
            p(h, s["cell_bold"])
            for h in (
                L("company.criterion", lang),
                L("company.answer", lang),
                L("company.points", lang),
                L("company.max", lang),
                L("company.provenance", lang),
            )
        ]
    ]
    for c in report.criteria:
        rows.append(
            [
                p(f"{c.id} · {c.title}", s["cell"]),
                p(c.answer, s["cell"]),
                number(c.points, lang),
                number(c.max, lang),
                p(c.provenance, s["cell"]),
            ]
        )
    # numbers and their headers get room for "Points" and "Provenance" unbroken (they split as
    # "Poin ts" in English at 14 and 22 mm)
    story.append(table(rows, [48 * mm, 55 * mm, 18 * mm, 16 * mm, 28 * mm]))

    story.append(p(L("company.answers", lang), s["h2"]))
    story.append(
        table(
            [[p(k, s["cell"]), p(v, s["cell"])] for k, v in report.answers], [105 * mm, 60 * mm], header=False
        )
    )
    workers_note = p(L("company.workers_note", lang), s["small"])
    ruleset_line = p(
        L(
            "company.ruleset",
            lang,
            title=report.ruleset_title,
            version=str(report.ruleset_version),
            hash=report.ruleset_hash[:16],
        ),
        s["small"],
    )

    qr = QrCodeWidget(report.verify_url)
    x0, y0, x1, y1 = qr.getBounds()
    size = 32 * mm
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(qr)
    verify = Table(
        [[drawing, [p(L("company.verify", lang), s["cell"]), p(report.verify_url, s["cell"])]]],
        colWidths=[36 * mm, 129 * mm],
    )
    verify.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story.append(
        signature_block(
            [],
            L("company.representative", lang),
            "",
            lang,
            s,
            closing=[workers_note, ruleset_line, Spacer(1, 4 * mm), verify],
            footnote=p(report.note, s["footnote"]) if report.note else None,
            hint=True,
        )
    )
    build(buffer, f"{report.company_name} – {report.period_name}", story, invariant)
    return buffer.getvalue()
