"""The platforms' adoption figures, imported per round: every bad cell named and nothing written,
then the corrected file loaded; the over-reporting flag equals the rule written as SQL; a new
filing is judged against them at once."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import text

from app.services.admin import platform_import
from app.services.context import unit_of_work
from app.services.errors import Forbidden, Invalid
from tests.services.helpers import actor, latest_period_id

HEADER = ["Mã số thuế", "Ngày số liệu", "Số lao động đăng ký", "Đã cài Bluezone", "Đã khai báo y tế"]


def _sql(query: str, **params: Any) -> list[Any]:
    with unit_of_work() as session:
        return list(session.execute(text(query), params).all())


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = Workbook()
    book.active.append(HEADER)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _csv(rows: list[list[Any]], delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(["tax_code", "as_of", "workers_registered", "bluezone_installed", "health_declared"])
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode()


def _round_dates(round_id: int) -> tuple[date, date]:
    opens, due = _sql("SELECT opens_on, due_on FROM period WHERE id = :r", r=round_id)[0]
    return date.fromisoformat(str(opens)), date.fromisoformat(str(due))


def _export(round_id: int) -> list[list[Any]]:
    """A platform export for the round's filers: every third counted half what it claimed."""
    opens, _ = _round_dates(round_id)
    filers = _sql(
        "SELECT c.tax_code, c.workers, a.bluezone_installed, a.health_declared FROM assessment a "
        "JOIN company c ON c.id = a.company_id WHERE a.period_id = :r AND a.is_latest "
        "AND a.status <> 'draft' AND c.workers IS NOT NULL ORDER BY c.id",
        r=round_id,
    )
    rows = []
    for n, (tax_code, workers, bluezone, declared) in enumerate(filers):
        share = 0.5 if n % 3 == 0 else 1.0
        installed = min(int((bluezone or 0) * share), workers)
        health = min(int((declared or 0) * share), workers)
        rows.append([tax_code, opens.isoformat(), workers, installed, health])
    return rows


FLAG_AS_SQL = """
    SELECT a.id FROM assessment a
    JOIN platformadoption p ON p.company_id = a.company_id AND p.period_id = a.period_id
    WHERE a.period_id = :r AND a.is_latest AND (
        a.bluezone_installed - p.bluezone_installed >
            CASE WHEN 0.1 * p.bluezone_installed > 10 THEN 0.1 * p.bluezone_installed ELSE 10 END
        OR a.health_declared - p.health_declared >
            CASE WHEN 0.1 * p.health_declared > 10 THEN 0.1 * p.health_declared ELSE 10 END)
    ORDER BY a.id
"""


def test_a_file_with_errors_writes_nothing_and_the_corrected_one_loads(seeded: str) -> None:
    ict, round_id = actor("ict"), latest_period_id()
    rows = _export(round_id)
    assert len(rows) >= 6
    _, due = _round_dates(round_id)
    bad = [list(r) for r in rows]
    bad[0][0] = "0100109106"  # a sound tax code of no company here
    bad[1][1] = (due + timedelta(days=3)).isoformat()  # next round's export
    bad[2][2] = 10**6  # more registered than the company's workforce
    bad[3][3] = bad[3][2] + 1  # more installed than registered
    bad[4][4] = "nhiều"  # not a number
    bad[5][0] = bad[5][0][:9] + str((int(bad[5][0][9]) + 1) % 10)  # a wrong check digit
    with pytest.raises(Invalid) as refused:
        platform_import.apply(ict, round_id, _xlsx(bad), "export.xlsx")
    cells = [cell for cell, _ in refused.value.problems]
    assert cells == ["A2", "B3", "C4", "D5", "E6", "A7"]
    words = dict(refused.value.problems)
    assert "0100109106" in words["A2"] and "không có doanh nghiệp" in words["A2"]
    assert "không thuộc kỳ" in words["B3"] and "is not of round" in words["B3"]
    assert "hồ sơ doanh nghiệp" in words["C4"]
    assert "check digit" in words["A7"]
    assert _sql("SELECT count(*) FROM platformadoption") == [(0,)]
    report = platform_import.apply(ict, round_id, _xlsx(rows), "export.xlsx")
    assert (report.companies, report.replaced) == (len(rows), 0)
    stored = _sql(
        "SELECT c.tax_code, p.bluezone_installed FROM platformadoption p JOIN company c "
        "ON c.id = p.company_id WHERE p.period_id = :r ORDER BY c.id",
        r=round_id,
    )
    assert [tuple(s) for s in stored] == [(r[0], r[3]) for r in rows]
    flagged = platform_import.over_reporting(round_id)
    assert flagged and flagged == [r[0] for r in _sql(FLAG_AS_SQL, r=round_id)]
    assert report.flagged == len(flagged)


def test_a_csv_export_loads_and_a_second_import_replaces_the_first(seeded: str) -> None:
    ict, round_id = actor("ict"), latest_period_id()
    rows = _export(round_id)
    platform_import.apply(ict, round_id, _csv(rows, ";"), "bluezone.csv")
    honest = [
        [
            r[0],
            r[1],
            r[2],
            *_sql(
                "SELECT a.bluezone_installed, a.health_declared FROM assessment a "
                "JOIN company c ON c.id = a.company_id "
                "WHERE c.tax_code = :t AND a.period_id = :r AND a.is_latest",
                t=r[0],
                r=round_id,
            )[0],
        ]
        for r in rows
    ]
    honest = [[t, d, w, min(b or 0, w), min(h or 0, w)] for t, d, w, b, h in honest]
    report = platform_import.apply(ict, round_id, _csv(honest), "bluezone-corrected.csv")
    assert report.replaced == len(rows)
    assert _sql("SELECT count(*) FROM platformadoption WHERE period_id = :r", r=round_id) == [(len(rows),)]
    assert platform_import.over_reporting(round_id) == [r[0] for r in _sql(FLAG_AS_SQL, r=round_id)]
    other_rules = _sql("SELECT count(*) FROM submissionflag WHERE rule_id <> 'over_reported_adoption'")
    assert other_rules[0][0] > 0  # the other flags of the round were left as they were


def test_a_filing_after_the_import_is_judged_against_it(seeded: str) -> None:
    from app.services.filing import assessments
    from tests.services.helpers import GOOD_ANSWERS

    company, round_id = actor("company"), latest_period_id()
    code, workers = _sql("SELECT tax_code, workers FROM company WHERE id = :c", c=company.company_id)[0]
    opens, _ = _round_dates(round_id)
    registered = min(int(workers or 3000), int(str(GOOD_ANSWERS["workers"])))
    platform_import.apply(actor("admin"), round_id, _xlsx([[code, opens, registered, 100, 100]]), "one.xlsx")
    draft = assessments.start_draft(company, round_id)
    assessments.save_draft(company, draft.id, GOOD_ANSWERS)
    filed = assessments.submit(company, draft.id, "after-import")
    assert filed.id in platform_import.over_reporting(round_id)
    rule = _sql(
        "SELECT severity FROM submissionflag WHERE assessment_id = :a AND rule_id = 'over_reported_adoption'",
        a=filed.id,
    )
    assert rule == [("high",)]


def test_only_the_ict_department_and_admins_import(seeded: str) -> None:
    for role in ("zone_board", "labour", "company"):
        with pytest.raises(Forbidden):
            platform_import.apply(actor(role), latest_period_id(), _xlsx([]), "x.xlsx")


def test_the_template_is_a_file_the_import_reads(seeded: str) -> None:
    report = platform_import.preview(actor("ict"), latest_period_id(), platform_import.template())
    assert report.rows == 1  # its example row: a real company of the demo, dated in 2021
    assert [cell for cell, _ in report.problems] in (["B2"], ["B2", "C2"], [])


def test_the_overview_sums_the_same_companies_both_ways_within_the_scope(seeded: str) -> None:
    round_id = latest_period_id()
    platform_import.apply(actor("ict"), round_id, _xlsx(_export(round_id)), "export.xlsx")
    expected = _sql(
        "SELECT c.zone_id, count(*), sum(a.bluezone_installed), sum(p.bluezone_installed), "
        "sum(a.health_declared), sum(p.health_declared) FROM platformadoption p "
        "JOIN company c ON c.id = p.company_id JOIN assessment a ON a.company_id = p.company_id "
        "AND a.period_id = p.period_id AND a.is_latest WHERE p.period_id = :r "
        "GROUP BY c.zone_id ORDER BY c.zone_id",
        r=round_id,
    )
    everyone = platform_import.by_area(actor("ict"), round_id)
    assert [
        (
            a.zone_id,
            a.companies,
            a.claimed_bluezone,
            a.platform_bluezone,
            a.claimed_declared,
            a.platform_declared,
        )
        for a in everyone
    ] == [tuple(int(v) if i else v for i, v in enumerate(r)) for r in expected]
    zones = {z for (z,) in _sql("SELECT id FROM zone WHERE kind = 'industrial_zone'")}
    board = platform_import.by_area(actor("zone_board"), round_id)
    assert board and {a.zone_id for a in board} <= zones
    assert {a.zone_id for a in board} == {a.zone_id for a in everyone} & zones
