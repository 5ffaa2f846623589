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
