"""A factory under a rule set of the second kind, in a real browser: its area is at epidemic level 3,
so the questionnaire asks about screening; a wrong figure is refused beside its field, corrected and
saved; after submitting, the result names the failed condition and the action plan holds it."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from app.assessment import registry
from app.scoring.compiler import compile_ruleset
from app.scoring.sample import safest_answers
from app.services.filing import assessments
from app.services.onsite import remediation
from tests.browser.conftest import log_in, serve, settle, shot
from tests.databases import DatabaseFactory, backends, scalar, using
from tests.services.helpers import actor, conditions_round

pytestmark = pytest.mark.browser
DK = "bg-kcn-dk-2021"
CONDITION = "Xét nghiệm sàng lọc ít nhất 7 ngày một lần khi địa bàn ở cấp độ 3 hoặc 4"


@pytest.fixture(scope="module")
def conditions_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int, str]]:
    """A seeded province with a round under bg-kcn-dk-2021, KCN Quang Châu at level 3, and the
    demo factory's draft answered except the operating conditions."""
    factory = DatabaseFactory(backends()[0], tmp_path_factory.mktemp("conditions-db"))
    url = factory.copy_of(factory.template(40, 4))
    with using(url):
        period_id = conditions_round(level=3)
        me = actor("company")
        draft = assessments.start_draft(me, period_id)
        answers = safest_answers(compile_ruleset(registry.get(DK)))
        for asked_last in (
            "lockdown_plan",
            "risk_controlled_pct",
            "screening_interval_days",
            "screening_coverage_pct",
        ):
            answers.pop(asked_last)
        assessments.save_draft(me, draft.id, answers)
    for base in serve(tmp_path_factory, url):
        yield base, period_id, url
    factory.close()


def test_a_level_3_factory_is_asked_corrects_an_error_and_finds_the_failed_condition(
    conditions_server: tuple[str, int, str], page: Page
) -> None:
    base, period_id, url = conditions_server
    log_in(page, base, "demo.company", "HoaBinh-Garment-2021")
    page.goto(f"{base}/assessment?round={period_id}", wait_until="domcontentloaded")
    page.get_by_text("Cấp độ dịch của địa bàn trong kỳ").wait_for()
    page.get_by_text(re.compile(r"^\d+\. Điều kiện hoạt động")).click()
    settle(page)
    days = page.get_by_role("spinbutton", name="Số ngày giữa hai đợt xét nghiệm sàng lọc gần nhất")
    expect(days).to_be_visible()  # level 3: screening is asked
    days.fill("0")  # no such thing as every 0 days: refused beside its field, nothing lost
    days.press("Tab")
    # decimals are text fields, typed the Vietnamese way (issue 26)
    page.get_by_role("textbox", name="Tỷ lệ NLĐ được xét nghiệm trong đợt sàng lọc gần nhất (%)").fill("30")
    page.get_by_role("textbox", name=re.compile("^Tỷ lệ NLĐ đi làm đã được xác nhận kiểm soát nguy cơ")).fill(
        "99,5"
    )
    page.get_by_text("Có phương án, đã diễn tập").click()
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    settle(page)
    page.get_by_text("nằm ngoài giới hạn").first.wait_for()
    shot(page, "conditions-1-error")
    days = page.get_by_role("spinbutton", name="Số ngày giữa hai đợt xét nghiệm sàng lọc gần nhất")
    expect(days).to_have_value("0")  # what was typed is kept
    days.fill("10")  # corrected, but still too rare for level 3
    days.press("Tab")
    page.get_by_role("button", name="Lưu và tiếp tục").click()
    page.get_by_text("Nếu nộp, doanh nghiệp sẽ được xếp").wait_for()
    settle(page)
    expect(page.get_by_text(CONDITION).first).to_be_visible()  # the review says it before submitting
    page.get_by_text("Tôi xác nhận các thông tin trên là đúng sự thật.").click()
    page.get_by_role("button", name="Nộp bản tự đánh giá").click()
    page.get_by_text("Cần khắc phục trước").wait_for()
    settle(page)
    expect(page.get_by_text("Không đạt (chưa được hoạt động)").first).to_be_visible()
    expect(page.get_by_text(CONDITION).first).to_be_visible()
    page.get_by_text(re.compile(r"^Kế hoạch khắc phục · ")).wait_for()
    shot(page, "conditions-2-result")
    with using(url):
        plan = {a.criterion_id: a for a in remediation.plan(actor("company"))}
    assert plan["screening_every_7_days"].due_on is None  # no work until it is met
    typed = scalar(
        url,
        "SELECT CAST(answers AS TEXT) FROM assessment WHERE period_id = :p AND status != 'draft'",
        p=period_id,
    )
    assert json.loads(typed)["risk_controlled_pct"] == 99.5  # "99,5" read the Vietnamese way
