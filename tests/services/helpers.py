"""Acting users of the seeded province, as the services see them after a login."""

from __future__ import annotations

from sqlmodel import col, select

from app.services.accounts.actors import actor_for
from app.services.context import Actor, unit_of_work
from db.models import Period, User

DEMO = {
    "company": "demo.company",
    "zone_board": "demo.zoneboard",
    "labour": "demo.labour",
    "ict": "demo.ict",
    "admin": "demo.admin",
}


def actor(role: str) -> Actor:
    with unit_of_work() as session:
        user = session.exec(select(User).where(User.username == DEMO[role])).one()
        return actor_for(session, user)


def latest_period_id() -> int:
    with unit_of_work() as session:
        found = session.exec(select(Period.id).order_by(col(Period.opens_on).desc())).first()
        assert found is not None, "no round seeded"
        return found


GOOD_ANSWERS = {
    "workers": 3000,
    "workshop_area_m2": 9000,
    "workers_from_outbreak_areas": 0,
    "smartphone_owners": 2700,
    "bluezone_installed": 2650,
    "health_declared": 2950,
    "mask_rate_pct": 100,
    "handwash_rate_pct": 95,
    "cs3": "none",
    "cs4": "declared_qr",
    "cs6": "1_to_2m",
    "cs7": "mechanical_fresh_air",
    "cs10": "all",
    "cs11": "after_each_meal",
    "cs12": "shifts_with_screens",
    "cs13": "le_50pct_with_measures",
    "cs14": "no_dormitory",
    "qr_checkin": "all_gates",
}

RISKY_ANSWERS = {
    **GOOD_ANSWERS,
    "cs4": "uncontrolled",
    "cs6": "lt_1m",
    "cs7": "closed_no_fresh_air",
    "cs12": "no_measures",
    "cs13": "no_measures",
    "cs14": "unmanaged",
    "mask_rate_pct": 40,
    "cs3": "f1",
}
"""A factory rated high: the answers an official's high-risk list should show."""


def conditions_round(version: int = 1, level: int | None = None, zone_id: str = "kcn-quang-chau") -> int:
    """A round open today under bg-kcn-dk-2021 (the given version) expecting every company, with
    `zone_id` at epidemic `level` when one is given (else level 1 applies everywhere)."""
    from datetime import timedelta

    from app.formatting import today_vietnam
    from app.services.oversight.epidemic_levels import LevelChange, set_levels
    from app.services.periods import Expected, open_period

    today = today_vietnam()
    period = open_period(
        actor("admin"),
        f"Điều kiện hoạt động – thử v{version}",
        today - timedelta(days=1),
        today + timedelta(days=5),
        Expected(all_companies=True),
        "bg-kcn-dk-2021",
        version,
    )
    assert period.id is not None
    if level is not None:
        set_levels(actor("zone_board"), period.id, [LevelChange(zone_id, level, "QĐ 45/QĐ-BCĐ (thử)")])
    return period.id
