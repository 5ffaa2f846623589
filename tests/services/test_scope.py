"""Scope, per role, against counts computed directly from the seeded database."""

from __future__ import annotations

import pytest

from app.services.errors import Forbidden
from app.services.filing import assessments, companies
from app.services.oversight import lists, monitoring
from tests.databases import scalar
from tests.services.helpers import actor, latest_period_id

IN_ZONES = "SELECT count(*) FROM company c JOIN zone z ON z.id = c.zone_id WHERE z.kind = 'industrial_zone'"
OUTSIDE = "SELECT count(*) FROM company c JOIN zone z ON z.id = c.zone_id WHERE z.kind = 'district'"


def test_each_official_counts_only_their_companies(seeded: str) -> None:
    in_zones, outside = scalar(seeded, IN_ZONES), scalar(seeded, OUTSIDE)
    assert in_zones and outside
    assert companies.count_companies(actor("zone_board")) == in_zones
    assert companies.count_companies(actor("labour")) == outside
    assert companies.count_companies(actor("ict")) == in_zones + outside
    assert companies.count_companies(actor("company")) == 1


def test_overview_filing_is_scoped(seeded: str) -> None:
    period = latest_period_id()
    expected = {
        "zone_board": scalar(
            seeded,
            "SELECT count(*) FROM periodcompany pc JOIN company c ON c.id = pc.company_id "
            "JOIN zone z ON z.id = c.zone_id WHERE pc.period_id = :p AND z.kind = 'industrial_zone'",
            p=period,
        ),
        "labour": scalar(
            seeded,
            "SELECT count(*) FROM periodcompany pc JOIN company c ON c.id = pc.company_id "
            "JOIN zone z ON z.id = c.zone_id WHERE pc.period_id = :p AND z.kind = 'district'",
            p=period,
        ),
        "ict": scalar(seeded, "SELECT count(*) FROM periodcompany WHERE period_id = :p", p=period),
    }
    for role, count in expected.items():
        assert monitoring.overview(actor(role), period).filing.expected == count, role


def test_a_company_user_never_reads_another_company(seeded: str) -> None:
    me = actor("company")
    other = scalar(seeded, "SELECT min(id) FROM company WHERE id <> :me", me=me.company_id)
    with pytest.raises(Forbidden):
        companies.get_company(me, other)
    assert assessments.history(me, other) == []
    other_assessment = scalar(
        seeded, "SELECT min(id) FROM assessment WHERE company_id <> :me", me=me.company_id
    )
    with pytest.raises(Forbidden):
        assessments.get_assessment(me, other_assessment)
    with pytest.raises(Forbidden):
        companies.update_profile(me, other, {"name": "Hijack", "sector": "Dệt may"})


def test_zone_board_never_reads_outside_and_labour_never_inside(seeded: str) -> None:
    inside = scalar(
        seeded,
        "SELECT min(c.id) FROM company c JOIN zone z ON z.id = c.zone_id WHERE z.kind = 'industrial_zone'",
    )
    outside = scalar(
        seeded, "SELECT min(c.id) FROM company c JOIN zone z ON z.id = c.zone_id WHERE z.kind = 'district'"
    )
    with pytest.raises(Forbidden):
        companies.get_company(actor("zone_board"), outside)
    with pytest.raises(Forbidden):
        companies.get_company(actor("labour"), inside)
    period = latest_period_id()
    zone_rows = lists.company_rows(actor("zone_board"), period)
    labour_rows = lists.company_rows(actor("labour"), period)
    assert {r.zone_id.startswith("kcn-") for r in zone_rows} == {True}
    assert {r.zone_id.startswith("dist-") for r in labour_rows} == {True}


def test_companies_cannot_use_official_services(seeded: str) -> None:
    with pytest.raises(Forbidden):
        monitoring.overview(actor("company"), latest_period_id())
