"""The registry and the profile: bad input is refused whole, every write is audited."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import select

from app.identifiers import nth_tax_code
from app.services.context import unit_of_work
from app.services.errors import Conflict, Forbidden, Invalid
from app.services.filing import companies
from db.models import AuditEvent
from tests.databases import scalar
from tests.services.helpers import actor

NEW = {
    "tax_code": "2400999090",
    "name": "Công ty TNHH Thử Nghiệm",
    "zone_id": "kcn-van-trung",
    "sector": "Cơ khí",
    "workers": 250,
    "contact_phone": "0912 000 111",
    "contact_email": "hr@thunghiem.vn",
}


def _audits(action: str) -> int:
    with unit_of_work() as session:
        return len(session.exec(select(AuditEvent).where(AuditEvent.action == action)).all())


def test_admin_creates_a_company_with_an_audit_event(seeded: str) -> None:
    before = _audits("company.create")
    made = companies.create_company(actor("admin"), NEW)
    assert (made.zone_kind, made.district) == ("industrial_zone", "Việt Yên")
    assert _audits("company.create") == before + 1
    branch = companies.create_company(
        actor("admin"), {**NEW, "tax_code": "2400999090-001", "zone_id": "dist-luc-nam"}
    )
    assert branch.district == "Lục Nam"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"tax_code": "24009"}, "tax_code"),
        ({"tax_code": "2400999090-1"}, "tax_code"),
        ({"zone_id": "kcn-nowhere"}, "zone_id"),
        ({"name": ""}, "name"),
        ({"contact_email": "not-an-email"}, "contact_email"),
        ({"contact_phone": "0123 456 789"}, "contact_phone"),  # a prefix Vietnam retired in 2018
        ({"workers": -1}, "workers"),
    ],
)
def test_bad_company_data_is_refused_and_nothing_is_written(
    seeded: str, change: dict[str, Any], field: str
) -> None:
    count = scalar(seeded, "SELECT count(*) FROM company")
    with pytest.raises(Invalid) as caught:
        companies.create_company(actor("admin"), {**NEW, **change})
    assert field in str(caught.value) or caught.value.field == field
    assert scalar(seeded, "SELECT count(*) FROM company") == count


def test_a_contact_the_reminders_cannot_reach_is_refused_then_the_correction_is_kept(seeded: str) -> None:
    """The HR officer types an old-prefix number and a mistyped address, reads both problems, fixes
    them: what is stored is the correction, the address in its normal form."""
    me = actor("company")
    view = companies.get_company(me, me.company_id)  # type: ignore[arg-type]
    fields = {
        k: getattr(view, k) for k in ("name", "sector", "address", "workers", "contact_name", "lat", "lon")
    }
    with pytest.raises(Invalid) as refused:
        companies.update_profile(
            me, view.id, {**fields, "contact_phone": "0123 456 789", "contact_email": "hr@@hoabinh.vn"}
        )
    assert {f for f, _ in refused.value.problems} == {"contact_phone", "contact_email"}
    assert companies.get_company(me, view.id).contact_phone == view.contact_phone  # nothing written
    companies.update_profile(
        me, view.id, {**fields, "contact_phone": "+84 912 345 679", "contact_email": "HR@HoaBinh.vn"}
    )
    kept = companies.get_company(me, view.id)
    assert (kept.contact_phone, kept.contact_email) == ("+84 912 345 679", "HR@hoabinh.vn")


def test_a_duplicate_tax_code_is_refused(seeded: str) -> None:
    taken = scalar(seeded, "SELECT min(tax_code) FROM company")
    events = _audits("company.create")
    with pytest.raises(Conflict):
        companies.create_company(actor("admin"), {**NEW, "tax_code": taken})
    assert _audits("company.create") == events


@pytest.mark.parametrize("chunk", [2_000, 2])  # 2: the three companies span two insert chunks
def test_many_companies_at_once_keep_their_order_and_refuse_a_repeat_whole(
    seeded: str, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The bulk insert (the seed's, an import's) gives ids in the order given, audits each like a
    single insert, and a tax code repeated inside the batch or already registered writes nothing."""
    from app.services.filing.company_records import parse_record

    monkeypatch.setattr(companies, "INSERT_CHUNK", chunk)
    records = [
        parse_record({**NEW, "tax_code": nth_tax_code(n, "240099990"), "name": f"Công ty {n}"})
        for n in range(3)
    ]
    before_count = scalar(seeded, "SELECT count(*) FROM company")
    before_audits = _audits("company.create")
    with unit_of_work(write=True) as session:
        ids = companies.add_companies(actor("admin"), records, session=session)
    assert ids == sorted(ids) and len(set(ids)) == 3
    names = [scalar(seeded, "SELECT name FROM company WHERE id = :i", i=i) for i in ids]
    assert names == ["Công ty 0", "Công ty 1", "Công ty 2"]
    assert _audits("company.create") == before_audits + 3
    for refused in (
        [parse_record({**NEW, "tax_code": "2400888915"}), parse_record({**NEW, "tax_code": "2400888915"})],
        [parse_record({**NEW, "tax_code": "2400888827"}), records[1]],
    ):
        with pytest.raises(Conflict), unit_of_work(write=True) as session:
            companies.add_companies(actor("admin"), refused, session=session)
    assert scalar(seeded, "SELECT count(*) FROM company") == before_count + 3


def test_only_admins_create_companies(seeded: str) -> None:
    for role in ("company", "zone_board", "labour", "ict"):
        with pytest.raises(Forbidden):
            companies.create_company(actor(role), NEW)


def test_profile_update_is_audited_with_before_and_after(seeded: str) -> None:
    me = actor("company")
    current = companies.get_company(me, me.company_id)  # type: ignore[arg-type]
    updated = companies.update_profile(
        me,
        current.id,
        {
            "name": current.name,
            "sector": current.sector,
            "workers": 3100,
            "contact_phone": "0987 654 321",
            "address": '=HYPERLINK("x")\x07 Lô B2',
        },
    )
    assert updated.workers == 3100 and "\x07" not in updated.address
    with unit_of_work() as session:
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "company.update")).one()
    assert event.before is not None and event.after is not None
    assert event.before["workers"] == current.workers and event.after["workers"] == 3100
    assert event.actor == "demo.company" and event.company_id == current.id
