"""Administration: people, the registry import, rule-set versions with impact preview, the audit log,
backup and restore — and none of it reachable by another role."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlmodel import select

from app.assessment import registry
from app.assessment.loader import parse_ruleset
from app.scoring import score
from app.services.accounts import auth
from app.services.admin import (
    audit_log,
    backup,
    company_import,
    ruleset_impact,
    ruleset_points,
    rulesets,
    users,
)
from app.services.admin.audit_log import AuditFilters
from app.services.context import unit_of_work
from app.services.errors import Conflict, Forbidden, Invalid
from db.models import Assessment, AuditEvent, Company, User, utcnow
from tests.databases import scalar
from tests.services.helpers import actor

BG_V1 = (registry.RULESET_DIR / "bg-kcn-2021" / "v1.yaml").read_text(encoding="utf-8")


def _user_id(username: str) -> int:
    with unit_of_work() as session:
        return session.exec(select(User.id).where(User.username == username)).one()  # type: ignore[return-value]


# -- people ---------------------------------------------------------------------------------------


def test_reset_password_forces_a_change_at_next_login(seeded: str) -> None:
    temporary = users.reset_password(actor("admin"), _user_id("demo.labour"))
    who, must_change = auth.authenticate("demo.labour", temporary)
    assert must_change and auth.must_change_password(who.user_id)  # type: ignore[arg-type]
    with pytest.raises(Invalid):
        auth.change_password(who, temporary, "short")
    auth.change_password(who, temporary, "Lao-Dong-Moi-2021")
    assert auth.authenticate("demo.labour", "Lao-Dong-Moi-2021")[1] is False


def test_deactivation_ends_the_session_at_once(seeded: str) -> None:
    labour = _user_id("demo.labour")
    assert auth.load_actor(labour) is not None
    users.set_active(actor("admin"), labour, False)
    assert auth.load_actor(labour) is None
    with pytest.raises(auth.LoginFailed):
        auth.authenticate("demo.labour", "LDTBXH-BacGiang-2021")
    with pytest.raises(Invalid):
        users.set_active(actor("admin"), _user_id("demo.admin"), False)


def test_unlock_clears_the_login_throttle(seeded: str) -> None:
    # the tries are dated an hour ahead, so their wait is still running when the list is read,
    # however slow the machine
    ahead = utcnow() + timedelta(hours=1)
    for _ in range(6):
        with pytest.raises(auth.LoginFailed):
            auth.authenticate("demo.ict", "wrong-wrong-wrong", "10.0.0.1", now=ahead)
    listed = {u.username: u for u in users.list_users(actor("admin"))}
    assert listed["demo.ict"].throttled_until is not None
    assert listed["demo.labour"].throttled_until is None
    users.unlock(actor("admin"), _user_id("demo.ict"))
    assert auth.authenticate("demo.ict", "TTTT-BacGiang-2021", "10.0.0.1", now=ahead)[0].role == "ict"


@pytest.mark.parametrize("role", ["company", "zone_board", "labour", "ict"])
def test_no_other_role_reaches_an_admin_service(seeded: str, role: str) -> None:
    who = actor(role)
    calls: list[Callable[[], object]] = [
        lambda: users.list_users(who),
        lambda: users.reset_password(who, 1),
        lambda: users.set_active(who, 1, False),
        lambda: users.unlock(who, 1),
        lambda: users.create_user(who, username="x.y.z", password="Long-enough-1", role="ict"),
        lambda: company_import.export_registry(who),
        lambda: company_import.check(who, company_import.template()),
        lambda: rulesets.upload(who, BG_V1),
        lambda: ruleset_impact.impact(who, 1),
        lambda: rulesets.publish(who, 1),
        lambda: audit_log.events(who, AuditFilters()),
    ]
    for call in calls:
        with pytest.raises(Forbidden):
            call()


# -- the registry ---------------------------------------------------------------------------------


def _edit(workbook: bytes, edit: Callable[[Worksheet], None]) -> bytes:
    book = load_workbook(io.BytesIO(workbook))
    edit(book.active)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_registry_round_trip_changes_nothing(seeded: str) -> None:
    exported = company_import.export_registry(actor("admin"))
    report = company_import.apply(actor("admin"), exported)
    assert report.ok and report.created == [] and report.updated == {}
    assert report.unchanged == scalar(seeded, "SELECT count(*) FROM company")


def test_import_updates_by_tax_code_creates_the_rest_and_audits_once(seeded: str) -> None:
    exported = company_import.export_registry(actor("admin"))

    def edit(sheet: Worksheet) -> None:
        sheet["E2"] = 4321  # workers of the first company
        sheet.append(["2400555553", "Công ty TNHH Mới Vân Trung", "KCN Vân Trung", "Nhựa", 150])

    report = company_import.apply(actor("admin"), _edit(exported, edit))
    first = load_workbook(io.BytesIO(exported)).active["A2"].value
    assert report.created == ["2400555553"]
    assert report.updated[first]["workers"][1] == 4321
    with unit_of_work() as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "company.import")).all()
        created = session.exec(select(Company).where(Company.tax_code == "2400555553")).one()
    assert len(events) == 1 and (events[0].after or {}).get("created") == ["2400555553"]
    assert created.zone_id == "kcn-van-trung" and created.district == "Việt Yên"


def test_a_bad_registry_file_is_reported_by_cell_and_nothing_is_written(seeded: str) -> None:
    before = scalar(seeded, "SELECT count(*) FROM company")
    exported = company_import.export_registry(actor("admin"))

    def edit(sheet: Worksheet) -> None:
        sheet.append(["2400666662", "Công ty A", "KCN Không Có", "Nhựa", 10])
        sheet.append(["2400666775", "Công ty B", "KCN Vân Trung", "Nhựa", 10])
        sheet.append(["2400666775", "Công ty B lặp", "KCN Vân Trung", "Nhựa", 10])
        sheet.append(["24-bad", "Công ty C", "KCN Vân Trung", "Nhựa", 10])

    with pytest.raises(Invalid) as caught:
        company_import.apply(actor("admin"), _edit(exported, edit))
    problems = dict(caught.value.problems)
    rows = scalar(seeded, "SELECT count(*) FROM company") + 1
    assert f"C{rows + 1}" in problems  # the unknown zone, by cell
    assert any(cell == f"A{rows + 3}" and "trùng" in message for cell, message in problems.items())
    assert f"A{rows + 4}" in problems
    assert scalar(seeded, "SELECT count(*) FROM company") == before
    assert scalar(seeded, "SELECT count(*) FROM auditevent WHERE action = 'company.import'") == 0


def test_a_template_with_missing_columns_is_refused(seeded: str) -> None:
    def drop(sheet: Worksheet) -> None:
        sheet.delete_cols(3)

    report, _ = company_import.check(actor("admin"), _edit(company_import.template(), drop))
    assert report.problems and "KCN hoặc huyện/TP" in report.problems[0][1]


# -- rule sets ------------------------------------------------------------------------------------


def _v2(points: int = 30) -> str:
    data = yaml.safe_load(BG_V1)
    data["version"] = 2
    cs13 = next(c for s in data["sections"] for c in s["criteria"] if c["id"] == "CS13")
    cs13["rule"]["points"]["le_50pct_with_measures"] = points
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def test_impact_preview_matches_scoring_directly_then_publish(seeded: str) -> None:
    row = rulesets.upload(actor("admin"), _v2())
    impacts = ruleset_impact.impact(actor("admin"), row.id)  # type: ignore[arg-type]
    assert impacts
    loaded = parse_ruleset(_v2())
    assert len(impacts) == scalar(
        seeded,
        "SELECT count(DISTINCT company_id) FROM assessment WHERE is_latest AND ruleset_id = 'bg-kcn-2021'",
    )
    with unit_of_work() as session:
        for item in impacts:
            answers = session.exec(
                select(Assessment.answers)
                .where(Assessment.company_id == item.company_id, Assessment.is_latest)
                .order_by(Assessment.submitted_at.desc())  # type: ignore[union-attr]
            ).first()
            direct = score(loaded, answers)  # type: ignore[arg-type]
            assert (item.new_level, item.new_index) == (direct.level_id, direct.index)
    assert rulesets.get("bg-kcn-2021").ruleset.version == 1  # a draft changes nothing yet
    rulesets.publish(actor("admin"), row.id)  # type: ignore[arg-type]
    assert rulesets.get("bg-kcn-2021").ruleset.version == 2
    with pytest.raises(Conflict):
        rulesets.publish(actor("admin"), row.id)  # type: ignore[arg-type]


def test_the_rescore_audit_finds_a_stored_level_the_rules_do_not_give(seeded: str) -> None:
    clean = ruleset_impact.rescore_check(actor("admin"))
    assert clean.differing == []
    assert clean.submissions == scalar(seeded, "SELECT count(*) FROM assessment WHERE status <> 'draft'")
    tampered = scalar(
        seeded, "SELECT min(id) FROM assessment WHERE status <> 'draft' AND level <> 'very_high'"
    )
    with unit_of_work() as session:
        row = session.get(Assessment, tampered)
        assert row is not None
        row.level = "very_high"
        session.add(row)
    assert ruleset_impact.rescore_check(actor("admin")).differing == [tampered]
    # a total nobody can give, and answers no scorer accepts (a yes where a count is): both found,
    # the second one whichever way the stored text is read
    total_off, spoiled = (
        scalar(seeded, f"SELECT {which}(id) FROM assessment WHERE status <> 'draft' AND id <> :t", t=tampered)
        for which in ("max", "min")
    )
    with unit_of_work() as session:
        row, other = session.get(Assessment, total_off), session.get(Assessment, spoiled)
        assert row is not None and other is not None and row.total is not None
        row.total += 1
        other.answers = {**other.answers, "workers": True}
        session.add_all([row, other])
    assert sorted(ruleset_impact.rescore_check(actor("admin")).differing) == sorted(
        {tampered, total_off, spoiled}
    )
    with pytest.raises(Forbidden):
        ruleset_impact.rescore_check(actor("ict"))


def test_a_rule_set_with_overlapping_bands_is_refused_with_its_path(seeded: str) -> None:
    data = yaml.safe_load(_v2())
    data["levels"][1]["band"] = {"ge": 15, "le": 30}
    with pytest.raises(Invalid) as caught:
        rulesets.upload(actor("admin"), yaml.safe_dump(data, allow_unicode=True))
    assert any("levels" in p and "overlap" in p for _, p in caught.value.problems)
    with pytest.raises(Conflict):
        rulesets.upload(actor("admin"), BG_V1)  # v1 exists: a change is a new version


def test_points_table_makes_a_new_version(seeded: str) -> None:
    template = ruleset_points.points_template("bg-kcn-2021", 1)

    def edit(sheet: Worksheet) -> None:
        for row in sheet.iter_rows(min_row=2):
            if row[0].value == "CS12" and row[1].value == "no_measures":
                row[2].value = 18
                row[3].value = "official"

    row = ruleset_points.from_points_table(actor("admin"), "bg-kcn-2021", 1, _edit(template, edit))
    data = yaml.safe_load(row.text)
    cs12 = next(c for s in data["sections"] for c in s["criteria"] if c["id"] == "CS12")
    assert row.version == 2 and cs12["rule"]["points"]["no_measures"] == 18 and cs12["max"] == 18
    assert cs12["rule"]["provenance"]["no_measures"] == "official"

    def bad(sheet: Worksheet) -> None:
        sheet.append(["CS99", "x", 1, "official"])
        sheet.append(["CS12", "no_measures", -1, "official"])

    with pytest.raises(Invalid) as caught:
        ruleset_points.from_points_table(actor("admin"), "bg-kcn-2021", 1, _edit(template, bad))
    assert [where.split(",")[0] for where, _ in caught.value.problems][:2] == [
        f"row {len(list(load_workbook(io.BytesIO(template)).active.rows)) + 1}",
        f"row {len(list(load_workbook(io.BytesIO(template)).active.rows)) + 2}",
    ]


# -- audit and backup -----------------------------------------------------------------------------


def test_audit_log_filters(seeded: str) -> None:
    users.unlock(actor("admin"), _user_id("demo.ict"))
    rows = audit_log.events(actor("admin"), AuditFilters(actor="demo.admin", action="user."))
    assert [r.action for r in rows] == ["user.unlock"]
    data = audit_log.export(actor("admin"), AuditFilters(action="user.unlock"))
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.max_row == 2 and sheet["C2"].value == "user.unlock"


def test_backup_then_restore_gives_back_the_same_rows(seeded: str, tmp_path: Path) -> None:
    def fingerprint() -> tuple[Any, ...]:
        return (
            scalar(seeded, "SELECT count(*) FROM company"),
            scalar(seeded, "SELECT count(*) FROM assessment"),
            scalar(seeded, "SELECT sum(total) FROM assessment"),
            scalar(seeded, "SELECT max(tax_code) FROM company"),
        )

    before = fingerprint()
    saved = backup.backup(tmp_path / "zonerisk.backup")
    from app.services.filing import companies

    companies.create_company(
        actor("admin"),
        {"tax_code": "2499999996", "name": "Sau sao lưu", "zone_id": "kcn-hoa-phu", "sector": "Nhựa"},
    )
    assert fingerprint() != before
    backup.restore(saved)
    assert fingerprint() == before
