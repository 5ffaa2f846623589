"""One unit of work per action: services given the caller's session act inside it, so an action
that combines use cases commits them together or not at all, and sees its own writes."""

from __future__ import annotations

import pytest
from sqlmodel import select

from app.services.admin import users
from app.services.context import unit_of_work
from app.services.errors import Conflict
from app.services.filing import assessments, companies, portal
from db.models import AuditEvent, Company, User
from tests.services.helpers import GOOD_ANSWERS, actor, latest_period_id

NEW = {
    "tax_code": "2400777771",
    "name": "Công ty TNHH Một Giao Dịch",
    "zone_id": "kcn-van-trung",
    "sector": "Cơ khí",
    "workers": 120,
    "contact_phone": "0912 000 222",
    "contact_email": "hr@motgiaodich.vn",
}


def _counts() -> tuple[int, int, int]:
    with unit_of_work() as session:
        return (
            len(session.exec(select(Company.id)).all()),
            len(session.exec(select(User.id)).all()),
            len(session.exec(select(AuditEvent.id)).all()),
        )


def test_a_combined_action_that_fails_halfway_leaves_nothing_behind(seeded: str) -> None:
    """A company and its HR login made in one action: the login is refused (a taken username), so
    the company made a moment before in the same unit must not stay either, nor its audit event."""
    admin = actor("admin")
    before = _counts()
    with pytest.raises(Conflict), unit_of_work(write=True) as session:
        made = companies.create_company(admin, NEW, session=session)
        users.create_user(
            admin,
            username="demo.company",  # taken
            password="Kho-Doan-1-Mat-Khau-2021",
            role="company",
            company_id=made.id,
            session=session,
        )
    assert _counts() == before
    with unit_of_work() as session:
        assert session.exec(select(Company).where(Company.tax_code == NEW["tax_code"])).first() is None


def test_a_combined_action_commits_every_part_together(seeded: str) -> None:
    admin = actor("admin")
    before = _counts()
    with unit_of_work(write=True) as session:
        made = companies.create_company(admin, NEW, session=session)
        users.create_user(
            admin,
            username="hr.motgiaodich",
            password="Kho-Doan-1-Mat-Khau-2021",
            role="company",
            company_id=made.id,
            session=session,
        )
    companies_before, users_before, audits_before = before
    assert _counts() == (companies_before + 1, users_before + 1, audits_before + 2)


def test_reads_in_the_callers_unit_see_its_uncommitted_writes(seeded: str) -> None:
    """The company page's state is read in the same unit as the draft it just started, so it shows
    that draft, not the state before it."""
    company = actor("company")
    period_id = latest_period_id()
    before = portal.current_round(company, period_id).draft
    with unit_of_work(write=True) as session:
        draft = assessments.start_draft(company, period_id, session=session)
        assessments.save_draft(company, draft.id, GOOD_ANSWERS, session=session)
        state = portal.current_round(company, period_id, session=session)
        assert state.draft is not None and state.draft.id == draft.id
        assert state.draft.answers["workers"] == GOOD_ANSWERS["workers"]
        session.rollback()  # the action is abandoned: nothing of it stays
    after = portal.current_round(company, period_id).draft
    assert (
        (after.id, after.answers) == (before.id, before.answers)
        if before and after
        else after is before is None
    )
