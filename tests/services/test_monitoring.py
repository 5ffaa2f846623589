"""The officials' numbers against hand-written SQL on the same database."""

from __future__ import annotations

from datetime import date

import pytest

from app.services import periods
from app.services.oversight import lists, monitoring, trends
from app.services.oversight.filters import Filters
from app.services.periods import Expected
from tests.databases import rows, scalar
from tests.services.helpers import actor, latest_period_id


def test_overview_matches_hand_written_sql(seeded: str) -> None:
    period = latest_period_id()
    view = monitoring.overview(actor("ict"), period)
    latest = "FROM assessment a WHERE a.period_id = :p AND a.is_latest"
    assert view.filing.submitted == scalar(seeded, f"SELECT count(*) {latest}", p=period)
    assert view.filing.on_time == scalar(
        seeded,
        "SELECT count(*) FROM assessment a JOIN period p ON p.id = a.period_id "
        "WHERE a.period_id = :p AND a.is_latest AND a.first_submitted_at <= p.due_at",
        p=period,
    )
    assert view.filing.missing == view.filing.expected - view.filing.submitted
    for level in view.levels:
        assert level.companies == scalar(
            seeded, f"SELECT count(*) {latest} AND a.level = :l", p=period, l=level.level
        )
        assert level.workers == (
            scalar(
                seeded,
                f"SELECT coalesce(sum(a.workers), 0) {latest} AND a.level = :l",
                p=period,
                l=level.level,
            )
        )
    bluezone = scalar(seeded, f"SELECT sum(a.bluezone_installed) {latest}", p=period)
    phones = scalar(seeded, f"SELECT sum(a.smartphone_owners) {latest}", p=period)
    assert abs(view.adoption["bluezone"] - bluezone / phones) < 1e-9
    assert view.may_not_operate == scalar(seeded, f"SELECT count(*) {latest} AND NOT a.may_operate", p=period)
    assert sum(a.expected for a in view.areas) == view.filing.expected


def test_trend_has_one_row_per_round_oldest_first(seeded: str) -> None:
    rows = trends.trend(actor("zone_board"))
    assert len(rows) == scalar(seeded, "SELECT count(*) FROM period")
    assert [r.due_on for r in rows] == sorted(r.due_on for r in rows)
    assert all(sum(r.levels.values()) == r.submitted for r in rows)


def test_lists_non_filers_with_contacts_and_high_risk(seeded: str) -> None:
    period = latest_period_id()
    missing = lists.company_rows(actor("ict"), period, filed=False)
    view = monitoring.overview(actor("ict"), period)
    assert len(missing) == view.filing.missing
    assert all(r.assessment_id is None and r.contact_phone for r in missing)
    high = lists.company_rows(actor("ict"), period, only_high=True)
    assert all(r.level in ("high", "very_high") for r in high)
    assert len(high) == sum(lv.companies for lv in view.levels if lv.level in ("high", "very_high"))


def test_rising_list_compares_with_the_previous_round(seeded: str) -> None:
    order = ["very_low", "low", "medium", "high", "very_high"]
    for row in lists.company_rows(actor("ict"), latest_period_id(), only_rising=True):
        assert row.level is not None and row.previous_level is not None
        assert order.index(row.level) > order.index(row.previous_level)


def test_a_round_with_no_submissions_and_a_filter_that_matches_nothing(seeded: str) -> None:
    new = periods.open_period(
        actor("admin"), "Tuần mới", date(2021, 9, 6), date(2021, 9, 12), Expected(all_companies=True)
    )
    view = monitoring.overview(actor("ict"), new.id)  # type: ignore[arg-type]
    assert view.filing.submitted == 0 and view.filing.expected > 0
    assert all(level.companies == 0 for level in view.levels)
    assert view.adoption == {"bluezone": None, "health": None}
    nothing = monitoring.overview(actor("ict"), latest_period_id(), Filters(search="no such company zzz"))
    assert nothing.filing.expected == 0 and nothing.may_not_operate == 0
    assert lists.company_rows(actor("ict"), latest_period_id(), Filters(sectors=("Không có",))) == []


def test_filters_narrow_the_same_numbers(seeded: str) -> None:
    period = latest_period_id()
    zone = monitoring.overview(actor("zone_board"), period, Filters(zone_ids=("kcn-quang-chau",)))
    direct = scalar(
        seeded,
        "SELECT count(*) FROM periodcompany pc JOIN company c ON c.id = pc.company_id "
        "WHERE pc.period_id = :p AND c.zone_id = 'kcn-quang-chau'",
        p=period,
    )
    assert zone.filing.expected == direct
    assert [a.zone_id for a in zone.areas] == ["kcn-quang-chau"]


def test_trend_agrees_with_each_rounds_overview_for_every_role_and_filter(seeded: str) -> None:
    for role in ("zone_board", "labour", "ict"):
        for filters in (Filters(), Filters(sectors=("Dệt may",)), Filters(levels=("low",))):
            for row in trends.trend(actor(role), filters):
                view = monitoring.overview(actor(role), row.period_id, filters)
                assert (row.expected, row.submitted, row.on_time) == (
                    view.filing.expected,
                    view.filing.submitted,
                    view.filing.on_time,
                ), (role, filters, row.period_name)
                assert row.levels == {lv.level: lv.companies for lv in view.levels if lv.companies}


@pytest.mark.parametrize("role", ["zone_board", "labour", "ict"])
def test_the_map_draws_every_located_filer_in_scope_as_sql_counts_them(seeded: str, role: str) -> None:
    period = latest_period_id()
    points = lists.map_points(actor(role), period)
    kind = {"zone_board": "AND z.kind = 'industrial_zone'", "labour": "AND z.kind = 'district'", "ict": ""}[
        role
    ]
    expected = rows(
        seeded,
        f"""SELECT c.name, a.level, coalesce(a.workers, c.workers, 0) FROM periodcompany pc
            JOIN company c ON c.id = pc.company_id JOIN zone z ON z.id = c.zone_id
            JOIN assessment a ON a.company_id = pc.company_id AND a.period_id = pc.period_id AND a.is_latest
            WHERE pc.period_id = :p AND c.lat IS NOT NULL AND c.lon IS NOT NULL
            AND a.level IS NOT NULL {kind}""",
        p=period,
    )
    assert sorted((p.name, p.level, p.workers) for p in points) == sorted(expected)
    assert len(points) > 0
    filtered = lists.map_points(actor(role), period, Filters(levels=("very_low",)))
    assert {p.level for p in filtered} <= {"very_low"}
