"""The company registry as an Excel workbook: a template, an export of the current registry, and an
import that checks every row first (what is wrong, in which cell) and then writes all or nothing."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from pydantic import ValidationError
from sqlalchemy import insert, update
from sqlmodel import Session, col, select

from app.exports.reading import UnreadableWorkbook, read_rows
from app.services import audit
from app.services.context import Actor, reading, writing
from app.services.documents.exportlog import log_export
from app.services.errors import Invalid
from app.services.filing.company_records import CompanyRecord
from app.services.scope import require_role
from app.vocabulary import Role
from db.models import Company, Zone, utcnow

COLUMNS: tuple[tuple[str, str], ...] = (
    ("tax_code", "Mã số thuế"),
    ("name", "Tên doanh nghiệp"),
    ("zone", "KCN hoặc huyện/TP"),
    ("sector", "Ngành"),
    ("workers", "Số người lao động"),
    ("address", "Địa chỉ"),
    ("contact_name", "Người liên hệ"),
    ("contact_phone", "Điện thoại"),
    ("contact_email", "Email"),
)
REQUIRED = ("tax_code", "name", "zone", "sector")
_CHUNK = 2000  # rows per bulk statement
FIELDS = (
    "name",
    "zone_id",
    "district",
    "sector",
    "workers",
    "address",
    "contact_name",
    "contact_phone",
    "contact_email",
)


@dataclass
class ImportReport:
    rows: int = 0
    created: list[str] = field(default_factory=list)
    updated: dict[str, dict[str, Any]] = field(default_factory=dict)  # tax code → {field: [before, after]}
    unchanged: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)  # cell, message

    @property
    def ok(self) -> bool:
        return not self.problems


def template_sheet(title: str, labels: list[str]) -> tuple[Workbook, Any]:
    """A workbook whose first sheet opens with the import's header row, styled as every
    ZoneRisk template is (the registry, the platforms' figures)."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(labels)
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
    return book, sheet


def _workbook(rows: list[list[Any]]) -> bytes:
    book, sheet = template_sheet("companies", [label for _, label in COLUMNS])
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            cell.data_type = "s" if isinstance(cell.value, str) else cell.data_type
    for n, width in enumerate((14, 46, 26, 20, 12, 50, 22, 16, 30), start=1):
        sheet.column_dimensions[get_column_letter(n)].width = width
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def template() -> bytes:
    return _workbook(
        [
            [
                "2400123458",
                "Công ty TNHH Ví dụ",
                "KCN Quang Châu",
                "Dệt may",
                1200,
                "Lô A1, KCN Quang Châu",
                "Nguyễn Văn A",
                "0912 345 678",
                "nhansu@vidu.vn",
            ]
        ]
    )


def export_registry(actor: Actor, *, session: Session | None = None) -> bytes:
    """The whole registry in the template's form, so it can be edited and imported back."""
    require_role(actor, Role.admin)
    with writing(session) as session:
        rows = session.exec(
            select(Company, Zone)
            .join(Zone, col(Zone.id) == col(Company.zone_id))
            .order_by(col(Company.tax_code))
        ).all()
        log_export(session, actor, "registry.xlsx", {}, len(rows))
    return _workbook(
        [
            [
                c.tax_code,
                c.name,
                z.name,
                c.sector,
                c.workers,
                c.address,
                c.contact_name,
                c.contact_phone,
                c.contact_email,
            ]
            for c, z in rows
        ]
    )


def read_upload(
    data: bytes, reader: Callable[[bytes], list[tuple[Any, ...]]] = read_rows
) -> tuple[list[str], list[tuple[Any, ...]]]:
    """An uploaded table as (its header, lower-cased; its rows), or the reason it cannot be read, in
    both languages: the one way every import starts (the registry, the platforms' figures)."""
    try:
        rows = reader(data)
    except UnreadableWorkbook as exc:
        vi, _, en = str(exc).partition(" / ")
        raise Invalid(vi, en or vi) from None
    if not rows:
        raise Invalid.said("company_import.empty")
    return [str(h or "").strip().lower() for h in rows[0]], rows[1:]


def column_positions(header: list[str], columns: tuple[tuple[str, str], ...]) -> dict[str, int]:
    """Where each column is: by its key or its Vietnamese label, in any order."""
    return {key: n for key, label in columns for n, name in enumerate(header) if name in (key, label.lower())}


def check(
    actor: Actor, data: bytes, *, session: Session | None = None
) -> tuple[ImportReport, list[CompanyRecord]]:
    """Every problem, by cell; and the records that would be written if there is none."""
    require_role(actor, Role.admin)
    header, rows = read_upload(data)
    report = ImportReport()
    position = column_positions(header, COLUMNS)
    missing = [label for key, label in COLUMNS if key in REQUIRED and key not in position]
    if missing:
        report.problems.append(("1", f"thiếu cột / missing columns: {', '.join(missing)}"))
        return report, []
    with reading(session) as session:
        zones = session.exec(select(Zone)).all()
    by_name = {z.id.lower(): z for z in zones} | {z.name.lower(): z for z in zones}
    records: list[CompanyRecord] = []
    seen: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        if not any(v not in (None, "") for v in row):
            continue
        report.rows += 1

        def value(key: str, row: tuple[Any, ...] = row) -> Any:
            at = position.get(key)
            cell = row[at] if at is not None and at < len(row) else None
            return cell.strip() if isinstance(cell, str) else cell

        def cell(key: str, number: int = number) -> str:
            return f"{get_column_letter(position[key] + 1)}{number}"

        zone = by_name.get(str(value("zone") or "").lower())
        if zone is None:
            report.problems.append(
                (cell("zone"), f"không có KCN hoặc huyện {value('zone')!r} / no such zone or district")
            )
        tax_code = str(value("tax_code") or "")
        if tax_code in seen:
            report.problems.append(
                (
                    cell("tax_code"),
                    f"mã số thuế {tax_code} trùng với dòng {seen[tax_code]} / repeats row {seen[tax_code]}",
                )
            )
        seen[tax_code] = number
        workers = value("workers")
        if isinstance(workers, float) and workers.is_integer():
            workers = int(workers)
        fields = {
            "tax_code": tax_code,
            "name": value("name") or "",
            "zone_id": zone.id if zone else "",
            "district": zone.district if zone else "",
            "sector": value("sector") or "",
            "workers": workers if workers not in ("", None) else None,
            "address": value("address") or "",
            "contact_name": value("contact_name") or "",
            "contact_phone": str(value("contact_phone") or ""),
            "contact_email": value("contact_email") or "",
        }
        try:
            records.append(CompanyRecord.model_validate(fields))
        except ValidationError as exc:
            for error in exc.errors():
                key = str(error["loc"][0]) if error["loc"] else "tax_code"
                key = "zone" if key in ("zone_id", "district") else key
                where = cell(key) if key in position else str(number)
                report.problems.append((where, str(error["msg"]).removeprefix("Value error, ")))
    return report, records


def _plan(report: ImportReport, records: list[CompanyRecord], existing: dict[str, Company]) -> None:
    """Fill the report with what the import would create and change, against the registry as it is."""
    for record in records:
        values = record.model_dump()
        company = existing.get(record.tax_code)
        if company is None:
            report.created.append(record.tax_code)
            continue
        changes = {k: [getattr(company, k), values[k]] for k in FIELDS if getattr(company, k) != values[k]}
        if changes:
            report.updated[record.tax_code] = changes
        else:
            report.unchanged += 1


def preview(actor: Actor, data: bytes, *, session: Session | None = None) -> ImportReport:
    """The problems, or what an import would create and change; writes nothing."""
    with reading(session) as session:
        report, records = check(actor, data, session=session)
        if not report.problems:
            _plan(report, records, {c.tax_code: c for c in session.exec(select(Company)).all()})
    return report


def apply(actor: Actor, data: bytes, *, session: Session | None = None) -> ImportReport:
    """Update companies by tax code and create the rest, in one transaction with one audit event;
    refused whole, with the report, if any row has a problem.

    The workbook is read and every row validated before the write transaction begins, and the
    rows are written with a few bulk statements: SQLite's write lock is held for the writes
    alone (well under a second for 30,000 rows), not for the parsing, so logins and filings
    during an import do not queue behind it."""
    report, records = check(actor, data, session=session)
    if report.problems:
        text = "; ".join(f"{cell}: {message}" for cell, message in report.problems[:20])
        raise Invalid.said("company_import.refused", text=text, problems=report.problems)
    with writing(session) as session:
        existing = {c.tax_code: c for c in session.exec(select(Company)).all()}
        _plan(report, records, existing)
        now = utcnow()
        creating = set(report.created)
        new_rows = [
            record.model_dump() | {"active": True, "created_at": now, "updated_at": now}
            for record in records
            if record.tax_code in creating
        ]
        changed_rows = [
            {"id": existing[r.tax_code].id, **r.model_dump(include=set(FIELDS)), "updated_at": now}
            for r in records
            if r.tax_code in report.updated
        ]
        for start in range(0, len(new_rows), _CHUNK):
            session.execute(insert(Company), new_rows[start : start + _CHUNK])
        for start in range(0, len(changed_rows), _CHUNK):
            session.execute(update(Company), changed_rows[start : start + _CHUNK])
        audit.record(
            session,
            actor,
            "company.import",
            "company_registry",
            f"{len(report.created)} created, {len(report.updated)} updated",
            after={"created": report.created, "updated": report.updated, "unchanged": report.unchanged},
        )
    return report
