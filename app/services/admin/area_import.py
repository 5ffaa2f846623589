"""Loading the local areas of the structure in force (communes after 1 July 2025, or districts) from
a table with their official GSO codes: all or nothing, every problem named by its cell, as the
registry and the platforms' imports. An area already known by its code keeps its id and takes the
new name; a new one is created with the id `<kind>-<code>`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, col, select

from app import area_structure
from app.exports.reading import read_table
from app.services import audit
from app.services.admin.company_import import column_positions, read_upload
from app.services.context import Actor, reading, writing
from app.services.filing.companies import add_zone
from app.services.scope import require_role
from app.vocabulary import Role
from db.models import Zone

COLUMNS = (("code", "Mã GSO"), ("name", "Tên"), ("lat", "Vĩ độ"), ("lon", "Kinh độ"))
REQUIRED = ("code", "name")
MAX_NAME = 120


@dataclass
class AreaImport:
    created: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)
    unchanged: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)


def import_areas(actor: Actor, data: bytes, *, apply: bool, session: Session | None = None) -> AreaImport:
    """Check the table; with `apply`, write it in one unit of work when it holds no problem."""
    require_role(actor, Role.admin)
    header, rows = read_upload(data, read_table)
    report = AreaImport()
    position = column_positions(header, COLUMNS)
    missing = [label for key, label in COLUMNS if key in REQUIRED and key not in position]
    if missing:
        report.problems.append(("1", f"thiếu cột / missing columns: {', '.join(missing)}"))
        return report
    kind = area_structure.local_kind()
    wanted: dict[str, tuple[str, float | None, float | None]] = {}
    for number, row in enumerate(rows, start=2):
        cells = {k: row[n] if n < len(row) else None for k, n in position.items()}
        if not any(v not in (None, "") for v in cells.values()):
            continue
        code, name = str(cells.get("code") or "").strip(), str(cells.get("name") or "").strip()
        if (problem := area_structure.code_problem(code)) is not None:
            report.problems.append((f"A{number}", f"{code!r}: {problem}"))
        elif code in wanted:
            report.problems.append((f"A{number}", f"mã {code} lặp lại / code {code} repeated"))
        if not name or len(name) > MAX_NAME:
            report.problems.append(
                (f"B{number}", f"tên 1–{MAX_NAME} ký tự / a name of 1–{MAX_NAME} characters")
            )
        where = []
        for key in ("lat", "lon"):
            value = cells.get(key)
            try:
                where.append(None if value in (None, "") else float(str(value).replace(",", ".")))
            except ValueError:
                report.problems.append((f"{key}{number}", f"{value!r} không phải số / is not a number"))
                where.append(None)
        wanted[code] = (name, where[0], where[1])
    if report.problems or not wanted:
        return report
    opened = writing(session) if apply else reading(session)
    with opened as session:
        known = {z.code: z for z in session.exec(select(Zone).where(col(Zone.kind) == kind)) if z.code}
        for code, (name, lat, lon) in wanted.items():
            zone = known.get(code)
            if zone is None:
                report.created.append(code)
                if apply:
                    add_zone(
                        actor,
                        Zone(
                            id=f"{kind}-{code}",
                            name=name,
                            kind=kind,
                            district=name,
                            code=code,
                            lat=lat,
                            lon=lon,
                        ),
                        session=session,
                    )
            elif zone.name != name:
                report.renamed.append(code)
                if apply:
                    before: dict[str, Any] = {"name": zone.name}
                    zone.name = zone.district = name
                    session.add(zone)
                    audit.record(
                        session, actor, "zone.rename", "zone", zone.id, before=before, after={"name": name}
                    )
            else:
                report.unchanged += 1
    return report
