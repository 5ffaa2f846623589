"""An admin publishes a rule set of the second kind (both engines): "no operation without screening
every 5 days when the area is at level 3 or 4", edited in the Excel template's conditions sheet and
published; a factory in such an area fails it and finds it in its plan, one in a level-1 area is not
asked. Uploads that name a missing question or make questions depend on each other are refused."""

from __future__ import annotations

import io

import pytest
import yaml
from openpyxl import load_workbook

from app.assessment.registry import RULESET_DIR
from app.scoring.compiler import compile_ruleset
from app.scoring.sample import safest_answers
from app.services.admin import ruleset_impact, ruleset_points, rulesets
from app.services.errors import Invalid
from app.services.filing import assessments
from app.services.onsite import remediation
from tests.services.helpers import actor, conditions_round

DK = "bg-kcn-dk-2021"


def _with_conditions_sheet(template: bytes, threshold: object, may_operate: str = "no") -> bytes:
    book = load_workbook(io.BytesIO(template))
    for row in book["conditions"].iter_rows(min_row=2):
        if row[0].value == "screening_every_7_days":
            row[1].value, row[2].value = threshold, may_operate
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_the_template_lists_the_conditions_and_a_bad_row_is_refused(seeded: str) -> None:
    template = ruleset_points.points_template(DK, 1)
    sheet = load_workbook(io.BytesIO(template))["conditions"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    # issue 26: a header an admin reads, with the key the upload matches in brackets
    assert rows[0][:5] == [
        "Điều kiện (condition)",
        "Ngưỡng (threshold)",
        "Được hoạt động khi không đạt (may_operate)",
        "Số ngày để khắc phục (fix_within_days)",
        "Nguồn (provenance)",
    ]
    assert rows[1][:5] == ["screening_every_7_days", 7, "no", None, "reconstructed"]
    assert rows[4][:5] == ["lockdown_plan_ready", "approved, written", "yes", 3, "secondary"]
    with pytest.raises(Invalid) as refused:
        ruleset_points.from_points_table(actor("admin"), DK, 1, _with_conditions_sheet(template, "năm"))
    assert refused.value.problems[0][0] == "conditions row 2, column threshold"
    with pytest.raises(Invalid) as refused:  # may operate, but no date to fix it by: the schema says
        ruleset_points.from_points_table(actor("admin"), DK, 1, _with_conditions_sheet(template, 5, "yes"))
    assert any("fix_within_days" in problem for _, problem in refused.value.problems)
    assert [d for d in rulesets.drafts(actor("admin")) if d.info.ruleset_id == DK] == []  # nothing stored


def test_an_admin_publishes_screening_every_5_days_and_a_level_3_factory_fails_it(seeded: str) -> None:
    template = ruleset_points.points_template(DK, 1)
    draft = ruleset_points.from_points_table(actor("admin"), DK, 1, _with_conditions_sheet(template, 5))
    assert draft.id is not None and draft.version == 2
    ruleset_impact.impact(actor("admin"), draft.id)  # the preview works for the new kind
    rulesets.publish(actor("admin"), draft.id)
    published = rulesets.get(DK)
    assert (
        published.ruleset.version == 2
        and published.ruleset.condition("screening_every_7_days").passes.le == 5
    )

    period_id = conditions_round(version=2, level=3)
    me = actor("company")
    draft_row = assessments.start_draft(me, period_id)
    answers = {**safest_answers(compile_ruleset(published)), "screening_interval_days": 6}
    assessments.save_draft(me, draft_row.id, answers)
    filed = assessments.submit(me, draft_row.id, "five-days")
    assert filed.may_operate is False
    plan = {a.criterion_id for a in remediation.plan(me)}
    assert "screening_every_7_days" in plan


def _dk_data() -> dict[str, object]:
    data: dict[str, object] = yaml.safe_load((RULESET_DIR / DK / "v1.yaml").read_text(encoding="utf-8"))
    data["version"] = 2
    return data


def test_an_upload_naming_a_missing_question_or_a_cycle_is_refused(seeded: str) -> None:
    data = _dk_data()
    data["conditions"][0]["evidence"] = "tests_per_week"  # type: ignore[index]
    with pytest.raises(Invalid) as refused:
        rulesets.upload(actor("admin"), yaml.safe_dump(data, allow_unicode=True))
    assert any("unknown input 'tests_per_week'" in p for _, p in refused.value.problems)

    data = _dk_data()
    inputs = {i["id"]: i for i in data["inputs"]}  # type: ignore[attr-defined]
    inputs["lockdown_plan"]["depends_on"] = {"any": [{"input": "risk_controlled_pct", "ge": 50}]}
    inputs["epidemic_level"].pop("provided_by")
    inputs["epidemic_level"]["depends_on"] = {"any": [{"input": "lockdown_plan", "in": ["approved"]}]}
    with pytest.raises(Invalid) as refused:
        rulesets.upload(actor("admin"), yaml.safe_dump(data, allow_unicode=True))
    assert any("cycle" in p for _, p in refused.value.problems)


def test_the_points_sheet_reads_in_words_and_old_bare_headers_still_load(seeded: str) -> None:
    """Issue 26: the points workbook showed English keys and option ids ("no_visitors") only."""
    template = ruleset_points.points_template("bg-kcn-2021", 1)
    book = load_workbook(io.BytesIO(template))
    rows = [[c.value for c in row] for row in book["points"].iter_rows()]
    assert rows[0] == [
        "Tiêu chí (criterion)",
        "Lựa chọn hoặc khoảng (option)",
        "Điểm (points)",
        "Nguồn (provenance)",
        "Nội dung, không sửa (label)",
    ]
    visitors = next(r for r in rows if r[1] == "no_visitors")
    assert visitors[4] == "Không tiếp khách, đối tác"
    for n, key in enumerate(("criterion", "option", "points", "provenance")):  # a template of before
        book["points"].cell(row=1, column=n + 1, value=key)
    out = io.BytesIO()
    book.save(out)
    stored = ruleset_points.from_points_table(actor("admin"), "bg-kcn-2021", 1, out.getvalue())
    assert stored.version == 2
