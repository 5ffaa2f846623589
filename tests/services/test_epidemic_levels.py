"""The area's epidemic level and a rule set of the second kind, end to end through the services (both
engines): officials set levels in their scope with the document; a factory in a level-3 area is asked
about screening, fails the condition, may not operate and finds it in its action plan; a factory in a
level-1 area is not asked, and a screening answer it typed is not kept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from app.assessment import registry
from app.assessment.layout import questionnaire
from app.formatting import today_vietnam
from app.scoring.compiler import compile_ruleset
from app.scoring.sample import safest_answers
from app.services.context import unit_of_work
from app.services.errors import Forbidden, Invalid
from app.services.filing import assessments
from app.services.onsite import remediation
from app.services.oversight import epidemic_levels
from app.services.oversight.epidemic_levels import LevelChange
from db.models import Assessment, AuditEvent
from tests.services.helpers import actor, conditions_round, latest_period_id

DK = "bg-kcn-dk-2021"
PERSONA_ZONE = "kcn-quang-chau"
DOCUMENT = "Quyết định 123/QĐ-BCĐ ngày 01/06/2021"


def _conditions_round() -> int:
    return conditions_round()


def _file(period_id: int, **changes: object) -> Assessment:
    me = actor("company")
    draft = assessments.start_draft(me, period_id)
    answers = {**safest_answers(compile_ruleset(registry.get(DK))), **changes}
    answers.pop("epidemic_level")  # not the company's to say: the service fills it in
    assessments.save_draft(me, draft.id, answers)
    filed = assessments.submit(me, draft.id, f"key-{period_id}")
    with unit_of_work() as session:
        return session.get(Assessment, filed.id)  # type: ignore[return-value]  # it was just stored


def test_a_level_3_factory_is_asked_fails_screening_and_finds_it_in_its_plan(seeded: str) -> None:
    period_id = _conditions_round()
    assert (
        epidemic_levels.set_levels(actor("zone_board"), period_id, [LevelChange(PERSONA_ZONE, 3, DOCUMENT)])
        == 1
    )
    draft = assessments.start_draft(actor("company"), period_id)
    assert draft.answers["epidemic_level"] == "3"
    layout = questionnaire(registry.get(DK).ruleset, draft.answers)
    asked = {i for block in layout for i in block.input_ids}
    assert {"screening_interval_days", "screening_coverage_pct"} <= asked and "epidemic_level" not in asked

    row = _file(period_id, screening_interval_days=10, lockdown_plan="none")
    assert row.may_operate is False and row.score is not None
    assert row.score["compliance"] == "non_compliant"
    assert row.score["failed_conditions"] == ["screening_every_7_days", "lockdown_plan_ready"]
    assert row.answers["epidemic_level"] == "3"  # the level in force, kept with the submission
    plan = {a.criterion_id: a for a in remediation.plan(actor("company"))}
    assert plan["screening_every_7_days"].due_on is None  # stops work: met before work goes on
    assert plan["lockdown_plan_ready"].due_on == today_vietnam() + timedelta(days=3)
    assert plan["lockdown_plan_ready"].steps[0]["vi"].startswith("Lập phương án")


def test_a_level_1_factory_is_not_asked_and_keeps_no_screening_answer(seeded: str) -> None:
    period_id = _conditions_round()  # nobody set a level: level 1 applies
    row = _file(period_id, screening_interval_days=30, screening_coverage_pct=1, risk_controlled_pct=10)
    assert row.answers["epidemic_level"] == "1"
    assert not {"screening_interval_days", "screening_coverage_pct", "risk_controlled_pct"} & set(row.answers)
    assert row.may_operate is True and row.score is not None and row.score["compliance"] == "compliant"
    assert not [a for a in remediation.plan(actor("company")) if a.criterion_id.startswith("screening")]


def test_a_zone_without_a_level_takes_its_districts(seeded: str) -> None:
    period_id = _conditions_round()
    epidemic_levels.set_levels(actor("labour"), period_id, [LevelChange("dist-viet-yen", 4, DOCUMENT)])
    areas = {a.zone_id: a for a in epidemic_levels.areas(actor("ict"), period_id)}
    assert areas[PERSONA_ZONE].level is None and areas[PERSONA_ZONE].in_force == 4
    assert areas[PERSONA_ZONE].from_district
    assert areas["dist-tp-bac-giang"].in_force == 1 and not areas["dist-tp-bac-giang"].from_district
    assert assessments.start_draft(actor("company"), period_id).answers["epidemic_level"] == "4"


def test_officials_set_levels_only_in_their_scope_and_with_the_document(seeded: str) -> None:
    period_id = _conditions_round()
    with pytest.raises(Forbidden):  # the zones board does not set a district's level
        epidemic_levels.set_levels(
            actor("zone_board"), period_id, [LevelChange("dist-viet-yen", 3, DOCUMENT)]
        )
    with pytest.raises(Forbidden):
        epidemic_levels.set_levels(actor("company"), period_id, [LevelChange(PERSONA_ZONE, 3, DOCUMENT)])
    with pytest.raises(Invalid) as refused:  # one bad change refuses them all: nothing half-saved
        epidemic_levels.set_levels(
            actor("zone_board"),
            period_id,
            [
                LevelChange(PERSONA_ZONE, 3, DOCUMENT),
                LevelChange("kcn-van-trung", 5, ""),
            ],
        )
    assert len(refused.value.problems) == 2
    assert {a.zone_id: a.level for a in epidemic_levels.areas(actor("zone_board"), period_id)}[
        PERSONA_ZONE
    ] is None
    zone_ids = {a.zone_id for a in epidemic_levels.areas(actor("zone_board"), period_id)}
    assert PERSONA_ZONE in zone_ids and "dist-viet-yen" not in zone_ids
    epidemic_levels.set_levels(actor("zone_board"), period_id, [LevelChange(PERSONA_ZONE, 2, DOCUMENT)])
    assert (
        epidemic_levels.set_levels(actor("zone_board"), period_id, [LevelChange(PERSONA_ZONE, 2, DOCUMENT)])
        == 0
    )
    with unit_of_work() as session:
        events = session.exec(select(AuditEvent).where(AuditEvent.action == "epidemic_level.set")).all()
    assert [(e.object_id, e.after) for e in events] == [
        (f"{period_id}:{PERSONA_ZONE}", {"level": 2, "source": DOCUMENT})
    ]


def test_a_filed_result_keeps_the_level_it_was_filed_under(seeded: str) -> None:
    """Raising the area's level after a factory filed changes nothing it filed: its answers carry
    the level, and a re-score from them gives the same result."""
    period_id = _conditions_round()
    row = _file(period_id)
    epidemic_levels.set_levels(actor("ict"), period_id, [LevelChange(PERSONA_ZONE, 4, DOCUMENT)])
    with unit_of_work() as session:
        again = session.get(Assessment, row.id)
    assert again is not None and again.answers["epidemic_level"] == "1"
    from app.scoring import score

    assert score(registry.get(DK), again.answers).summary() == again.score


def test_the_workbook_and_the_company_pdf_name_the_failed_conditions(seeded: str) -> None:
    """The officials' workbook lists each company's failed conditions beside its criteria; the
    company's PDF says the verdict and which condition failed with what to do."""
    import io

    import pypdf
    from openpyxl import load_workbook

    from app.services.documents import company_reports, reports
    from app.services.oversight.filters import Filters

    period_id = conditions_round(level=3)
    row = _file(period_id, screening_interval_days=9)
    data, _ = reports.export_overview_xlsx(actor("zone_board"), period_id, Filters())
    book = load_workbook(io.BytesIO(data), read_only=True)
    found = [
        [cell for cell in r]
        for sheet in book.worksheets
        for r in sheet.iter_rows(values_only=True)
        if "Điều kiện chưa đạt" in r or "screening_every_7_days" in r
    ]
    assert any("Điều kiện chưa đạt" in r for r in found)
    assert any("screening_every_7_days" in r for r in found)
    pdf = company_reports.export_company_pdf(actor("company"), row.id or 0)
    text = " ".join(
        " ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(io.BytesIO(pdf)).pages
    )
    assert "Điều kiện hoạt động: Không đạt (chưa được hoạt động)" in text
    assert "Xét nghiệm sàng lọc ít nhất 7 ngày một lần" in text and "Chưa đạt" in text


def test_the_chairmans_report_states_the_levels_in_force_from_the_database(seeded: str) -> None:
    """Section I names every area whose level differs from the default, highest first, each with the
    level the database gives it in force (a zone without its own level: its district's)."""
    import io

    import pypdf

    from app.services.documents import chairman_reports

    period_id = latest_period_id()
    epidemic_levels.set_levels(actor("labour"), period_id, [LevelChange("dist-yen-dung", 2, DOCUMENT)])
    epidemic_levels.set_levels(actor("zone_board"), period_id, [LevelChange(PERSONA_ZONE, 3, DOCUMENT)])
    expected = sorted(
        (
            (a.name, a.in_force)
            for a in epidemic_levels.areas(actor("ict"), period_id)
            if a.level or a.from_district
        ),
        key=lambda item: (-item[1], item[0]),
    )
    assert ("KCN Quang Châu", 3) in expected and ("KCN Song Khê – Nội Hoàng", 2) in expected  # Yên Dũng's
    pdf = chairman_reports.export_chairman_pdf(actor("ict"), period_id)
    text = " ".join(
        " ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(io.BytesIO(pdf)).pages
    )
    listed = "; ".join(f"{name}: {level}" for name, level in expected)
    assert (
        f"Cấp độ dịch đang áp dụng theo địa bàn (QĐ 2686/QĐ-BCĐQG): {listed}; các địa bàn khác cấp độ 1."
        in text
    )
