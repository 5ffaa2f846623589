"""The inspection planner on real databases: scope per role, every term recomputed from SQL, the
official's pins and drops, bad requests refused with nothing saved, and the plan's files."""

from __future__ import annotations

import io
import math
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pypdf
import pytest
from openpyxl import load_workbook

from app.services.errors import Forbidden, Invalid, NotFound
from app.services.onsite import visits
from tests.databases import rows, scalar
from tests.services.helpers import actor, latest_period_id

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2030, 1, 1)


def _in_scope(url: str, kind: str | None) -> set[int]:
    where = "" if kind is None else f"WHERE z.kind = '{kind}'"
    return {r[0] for r in rows(url, f"SELECT c.id FROM company c JOIN zone z ON z.id = c.zone_id {where}")}


@pytest.mark.parametrize(
    ("role", "kind"), [("zone_board", "industrial_zone"), ("labour", "district"), ("ict", None)]
)
def test_each_role_plans_within_its_scope(seeded: str, role: str, kind: str | None) -> None:
    scope = _in_scope(seeded, kind)
    proposal = visits.propose(actor(role), latest_period_id(), 500, today=TODAY)
    assert proposal.in_scope == len(scope)
    assert {r.company_id for r in proposal.chosen} == scope  # 500 asked, all of the scope given


def test_companies_and_admins_do_not_plan(seeded: str) -> None:
    for role in ("company", "admin"):
        with pytest.raises(Forbidden):
            visits.propose(actor(role), latest_period_id(), 5)


def test_every_term_is_what_sql_says(seeded: str) -> None:
    period = latest_period_id()
    proposal = visits.propose(actor("ict"), period, 500, today=TODAY)
    levels = ["very_low", "low", "medium", "high", "very_high"]
    previous = scalar(
        seeded,
        "SELECT id FROM period WHERE due_on < (SELECT due_on FROM period WHERE id = :p) ORDER BY due_on DESC",
        p=period,
    )
    for row in proposal.chosen:
        level = scalar(
            seeded,
            "SELECT level FROM assessment WHERE company_id = :c AND period_id = :p AND is_latest",
            c=row.company_id,
            p=period,
        ) or scalar(
            seeded,
            "SELECT level FROM assessment WHERE company_id = :c AND period_id = :p AND is_latest",
            c=row.company_id,
            p=previous,
        )
        assert row.level == level
        assert row.terms["risk"] == (3 if level is None else levels.index(str(level)) + 1)
        workers = int(scalar(seeded, "SELECT workers FROM company WHERE id = :c", c=row.company_id) or 0)
        assert math.isclose(row.terms["exposure"], 1 + math.log10(1 + workers / 100), abs_tol=1e-3)
        severities = [
            r[0]
            for r in rows(
                seeded,
                """SELECT f.severity FROM submissionflag f JOIN assessment a ON a.id = f.assessment_id
                   WHERE f.company_id = :c AND f.period_id = :p AND a.is_latest""",
                c=row.company_id,
                p=period,
            )
        ]
        weights = {"low": 0.25, "medium": 0.5, "high": 1.0}
        assert math.isclose(row.terms["doubt"], 1 + sum(weights[s] for s in severities))
        assert row.flags == len(severities)
        assert row.terms["staleness"] == 2.0  # nobody inspected yet
        product = math.prod(row.terms[t] for t in ("risk", "exposure", "doubt", "staleness", "missed"))
        assert math.isclose(row.priority, product, rel_tol=1e-3)
    ranks = [r.rank for r in proposal.chosen]
    assert ranks == list(range(1, len(ranks) + 1))
    priorities = [r.priority for r in proposal.chosen]
    assert priorities == sorted(priorities, reverse=True)


def test_missed_filings_count_the_past_rounds_not_filed(seeded: str) -> None:
    period = latest_period_id()
    proposal = visits.propose(actor("ict"), period, 500, today=TODAY)
    past = [
        r[0]
        for r in rows(
            seeded,
            "SELECT id FROM period WHERE due_at < CURRENT_TIMESTAMP ORDER BY due_on DESC",
        )
    ][:4]
    for row in proposal.chosen[:15]:
        missed = 0
        for p in past:
            expected = scalar(
                seeded,
                "SELECT count(*) FROM periodcompany WHERE period_id = :p AND company_id = :c",
                p=p,
                c=row.company_id,
            )
            filed = scalar(
                seeded,
                "SELECT count(*) FROM assessment WHERE period_id = :p AND company_id = :c AND is_latest",
                p=p,
                c=row.company_id,
            )
            missed += int(bool(expected) and not filed)
        assert row.terms["missed"] == 1 + 0.25 * missed


def test_pins_and_drops_and_a_saved_plan(seeded: str) -> None:
    board = actor("zone_board")
    period = latest_period_id()
    first = visits.propose(board, period, 5, today=TODAY)
    last = first.others[-1].company_id
    top = first.chosen[0].company_id
    adjusted = visits.propose(board, period, 5, pinned=[last], dropped=[top], today=TODAY)
    ids = [r.company_id for r in adjusted.chosen]
    assert len(ids) == 5 and last in ids and top not in ids
    assert [r.company_id for r in adjusted.dropped] == [top]
    plan_id = visits.save_plan(board, adjusted, "Tuần này – KCN")
    saved = visits.get_plan(board, plan_id)
    assert [r.company_id for r in saved.rows] == ids
    assert [r.pinned for r in saved.rows].count(True) == 1
    stored = rows(
        seeded, "SELECT company_id, rank FROM plannedvisit WHERE plan_id = :p ORDER BY rank", p=plan_id
    )
    assert [r[0] for r in stored] == ids
    assert scalar(seeded, "SELECT count(*) FROM auditevent WHERE action = 'visits.plan'") == 1
    # the labour department does not see a plan of zone companies
    with pytest.raises(NotFound):
        visits.get_plan(actor("labour"), plan_id)
    assert visits.list_plans(actor("labour")) == []
    assert [p[0] for p in visits.list_plans(board)] == [plan_id]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"visits": 0}, "1 to 500"),
        ({"visits": 501}, "1 to 500"),
        ({"visits": 3, "zone_id": "no-such-zone"}, "nothing to plan"),
        ({"visits": 3, "pinned": [987654]}, "not in this plan's scope"),
    ],
)
def test_bad_requests_are_refused_and_nothing_is_saved(
    seeded: str, kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises((Invalid, NotFound)) as refused:
        visits.propose(actor("zone_board"), latest_period_id(), **kwargs)
    assert message in refused.value.text("en")
    assert scalar(seeded, "SELECT count(*) FROM visitplan") == 0


def test_a_zone_outside_the_officials_scope_has_nothing_to_plan(seeded: str) -> None:
    district = scalar(seeded, "SELECT id FROM zone WHERE kind = 'district' LIMIT 1")
    with pytest.raises(Invalid):
        visits.propose(actor("zone_board"), latest_period_id(), 3, zone_id=str(district))


def test_the_plan_on_paper_groups_by_district_and_says_when_an_address_is_missing(seeded: str) -> None:
    board = actor("zone_board")
    proposal = visits.propose(board, latest_period_id(), 6, today=TODAY)
    no_address = proposal.chosen[2]
    from sqlalchemy import text

    from app.services.context import unit_of_work

    with unit_of_work(write=True) as session:
        session.execute(text("UPDATE company SET address = '' WHERE id = :c"), {"c": no_address.company_id})
    plan_id = visits.save_plan(board, proposal)
    pdf = visits.export_plan(board, plan_id, "pdf")
    text_of = " ".join(
        " ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages
    )
    districts = {r.district for r in proposal.chosen}
    for district in districts:
        count = sum(1 for r in proposal.chosen if r.district == district)
        assert f"{district} ({count} doanh nghiệp)" in text_of
    assert "Chưa có địa chỉ – liên hệ trước khi đến" in text_of
    for row in proposal.chosen:
        assert row.tax_code in text_of
    lines = [
        line.replace("\u00a0", " ")
        for page in pypdf.PdfReader(io.BytesIO(pdf)).pages
        for line in page.extract_text().splitlines()
    ]
    phones = [r.contact_phone for r in proposal.chosen if r.contact_phone]
    assert phones and all(any(phone in line for line in lines) for phone in phones)  # each on one line
    book = load_workbook(io.BytesIO(visits.export_plan(board, plan_id, "xlsx", "en")))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert header[:3] == ["No.", "Tax code", "Company"]
    body = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in body] == [r.tax_code for r in proposal.chosen]
    assert scalar(seeded, "SELECT count(*) FROM exportlog WHERE report LIKE 'visits.%'") == 2


def test_the_visits_command_writes_exactly_n(seeded: str, tmp_path: Path) -> None:
    out = tmp_path / "plan.xlsx"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "app.cli",
            "visits",
            "plan",
            "--visits",
            "7",
            "--out",
            str(out),
            "--lang",
            "en",
        ],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": seeded},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    sheet = load_workbook(out).active
    header = [c.value for c in sheet[1]]
    body = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(body) == 7
    for column in ("Tax code", "Address", "Contact", "Phone", "Priority", "Risk", "Doubt", "Missed filings"):
        assert column in header
    codes = {r[0] for r in rows(seeded, "SELECT tax_code FROM company")}
    assert {r[1] for r in body} <= codes
    assert scalar(seeded, "SELECT count(*) FROM plannedvisit") == 7
    # it prints like the officials' workbook: A4 landscape, all columns one page wide, the header
    # on every page (it printed on 8 portrait pages for 20 visits)
    from openpyxl.utils import get_column_letter

    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    setup = sheet.page_setup  # fitToWidth left out means 1 (the default); 0 pages tall: as many as it takes
    assert (
        sheet.sheet_properties.pageSetUpPr.fitToPage
        and (setup.fitToWidth or 1) == 1
        and setup.fitToHeight == 0
    )
    assert sheet.print_title_rows == "$1:$1"
    last = get_column_letter(len(header))
    assert sheet.print_area == f"'{sheet.title}'!$A$1:${last}${len(body) + 1}"
    refused = subprocess.run(
        [sys.executable, "-m", "app.cli", "visits", "plan", "--visits", "0", "--out", str(out)],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": seeded},
        capture_output=True,
        text=True,
        check=False,
    )
    assert refused.returncode == 2 and "1 đến 500" in refused.stderr
    assert scalar(seeded, "SELECT count(*) FROM visitplan") == 1


def test_a_plan_handed_back_with_a_company_outside_the_scope_is_refused(seeded: str) -> None:
    """The proposal travels through the page: a plan carrying a company outside the zones board's
    scope (a labour-department company) is refused and nothing is saved."""
    from dataclasses import replace

    board = actor("zone_board")
    proposal = visits.propose(board, latest_period_id(), 3, today=TODAY)
    outside_sql = (
        "SELECT min(c.id) FROM company c JOIN zone z ON z.id = c.zone_id WHERE z.kind <> 'industrial_zone'"
    )
    outside = int(scalar(seeded, outside_sql))
    smuggled = replace(proposal, chosen=[*proposal.chosen, replace(proposal.chosen[0], company_id=outside)])
    with pytest.raises(Forbidden):
        visits.save_plan(board, smuggled, "Lén")
    assert scalar(seeded, "SELECT count(*) FROM visitplan") == 0
    assert visits.save_plan(board, proposal, "Đúng phạm vi") > 0


def test_a_company_in_a_saved_plan_is_not_proposed_for_a_second_until_inspected(seeded: str) -> None:
    """Issue 26: one company could sit in two plans of the same round."""
    from datetime import date

    from app.services.onsite import inspections, visits
    from tests.services.helpers import GOOD_ANSWERS, actor, latest_period_id

    board, period, today = actor("zone_board"), latest_period_id(), date(2030, 1, 1)
    first = visits.propose(board, period, 3, today=today)
    visits.save_plan(board, first, "Đợt 1")
    taken = {r.company_id for r in first.chosen}
    second = visits.propose(board, period, 3, today=today)
    assert not taken & {r.company_id for r in second.chosen} and second.already_planned == 3
    kept = next(iter(taken))
    assert kept in {r.company_id for r in visits.propose(board, period, 3, pinned=[kept], today=today).chosen}
    draft = inspections.start(board, kept, period)
    inspections.save(board, draft.id, GOOD_ANSWERS)
    inspections.complete(board, draft.id, today, today=today)
    assert visits.propose(board, period, 3, today=today).already_planned == 2  # inspected: free again
