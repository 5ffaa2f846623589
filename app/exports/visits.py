"""A visit plan on paper: the workbook (one row per visit, every term of its priority) and the PDF
visit list an inspection team carries, grouped by district, with addresses and contacts."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from itertools import groupby
from typing import Protocol

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from app.exports.labels import L
from app.exports.pdf_base import build, document_heading, p, rule_under, signature_block, styles, table
from app.exports.report import Heading
from app.exports.xlsx import table_workbook
from app.formatting import number

TERMS = ("risk", "exposure", "doubt", "staleness", "missed")


class Visit(Protocol):
    """What a plan's row gives (app.services.onsite.visits.VisitRow); read-only."""

    @property
    def rank(self) -> int: ...

    @property
    def tax_code(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def zone_name(self) -> str: ...

    @property
    def district(self) -> str: ...

    @property
    def address(self) -> str: ...

    @property
    def contact_name(self) -> str: ...

    @property
    def contact_phone(self) -> str: ...

    @property
    def contact_email(self) -> str: ...

    @property
    def workers(self) -> int | None: ...

    @property
    def level(self) -> str | None: ...

    @property
    def priority(self) -> float: ...

    @property
    def terms(self) -> dict[str, float]: ...

    @property
    def pinned(self) -> bool: ...

    @property
    def flags(self) -> int: ...


def _address(v: Visit, lang: str) -> str:
    return v.address.strip() or L("visits.no_address", lang)


def _who(v: Visit, lang: str) -> str:
    return f"{v.tax_code} · {v.zone_name} · {number(v.workers, lang)} {L('visits.workers_unit', lang)}"


def plan_workbook(title: str, rows: Sequence[Visit], level_names: dict[str, str], lang: str = "vi") -> bytes:
    headers = [
        L("visits.rank", lang),
        L("tax_code", lang),
        L("name", lang),
        L("zone", lang),
        L("district", lang),
        L("visits.address", lang),
        L("contact", lang),
        L("phone", lang),
        L("email", lang),
        L("workers", lang),
        L("level", lang),
        L("visits.flags", lang),
        L("visits.priority", lang),
        *(L(f"visits.term.{t}", lang) for t in TERMS),
        L("visits.pinned", lang),
    ]
    body = [
        [
            v.rank,
            v.tax_code,
            v.name,
            v.zone_name,
            v.district,
            _address(v, lang),
            v.contact_name,
            v.contact_phone,
            v.contact_email,
            v.workers,
            level_names.get(v.level or "", L("visits.not_filed", lang)),
            v.flags,
            v.priority,
            *(v.terms.get(t) for t in TERMS),
            L("yes", lang) if v.pinned else "",
        ]
        for v in rows
    ]
    return table_workbook(title, headers, body)


def plan_pdf(
    heading: Heading,
    title: str,
    period_name: str,
    author: str,
    made_at: datetime,
    rows: Sequence[Visit],
    level_names: dict[str, str],
    lang: str = "vi",
    invariant: bool = False,
) -> bytes:
    """The plan as its agency issues it (heading, number, date, signer; Nghị định 30/2020), then
    one table per district, the visits in priority order inside it; a company with no address on
    file says so, so the team calls ahead rather than finds out at the gate."""
    s = styles()
    buffer = io.BytesIO()
    issuer = [
        p(heading.authority, s["heading"]),
        p(heading.issuer, s["heading_bold"]),
        rule_under(heading.issuer, s["heading_bold"], 0.4),
        p(heading.number, s["center"]),
    ]
    story: list[object] = [
        document_heading(issuer, lang, heading.place, made_at.date(), s),
        Spacer(1, 6 * mm),
        p(L("visits.pdf_title", lang), s["title"]),
        p(title if period_name in title else f"{title} – {period_name}", s["center_bold"]),
        p(L("visits.pdf_meta", lang, author=author, at=f"{made_at:%H:%M}", count=len(rows)), s["center"]),
        Spacer(1, 4 * mm),
    ]
    header = [
        p(L("visits.rank", lang), s["cell_bold"]),
        p(L("name", lang), s["cell_bold"]),
        p(L("visits.address", lang), s["cell_bold"]),
        p(L("contact", lang), s["cell_bold"]),
        p(L("level", lang), s["cell_bold"]),
    ]
    ordered = sorted(rows, key=lambda v: (v.district, v.rank))
    for district, group in groupby(ordered, key=lambda v: v.district):
        visits = list(group)
        story.append(p(L("visits.district_line", lang, district=district, count=len(visits)), s["h2"]))
        lines = [header]
        for v in visits:
            phone = v.contact_phone.replace(" ", "\u00a0")  # a number is never broken over two lines
            contact = " · ".join(x for x in (v.contact_name, phone, v.contact_email) if x) or "—"
            lines.append(
                [
                    p(str(v.rank), s["cell"]),
                    [p(v.name, s["cell_bold"]), p(_who(v, lang), s["cell"])],
                    p(_address(v, lang), s["cell"]),
                    p(contact, s["cell"]),
                    p(level_names.get(v.level or "", L("visits.not_filed", lang)), s["cell"]),
                ]
            )
        story.append(table(lines, [11 * mm, 49 * mm, 42 * mm, 40 * mm, 23 * mm]))
    closing = p(L("visits.pdf_closing", lang, count=len(rows)), s["base"])
    story.append(
        signature_block(
            heading.recipients, heading.signer_title, heading.signer_name, lang, s, closing=[closing]
        )
    )
    build(buffer, title, story, invariant)
    return buffer.getvalue()
