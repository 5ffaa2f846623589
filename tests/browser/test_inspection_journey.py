"""Closing the loop in a real browser: the zones board plans its visits, inspects the risky company
on site and records its findings; the company then sees its action plan, the fixes the inspection
confirmed marked as such."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pypdf
import pytest
from playwright.sync_api import Page, expect

from app.services.filing import assessments
from app.services.onsite import inspections, remediation
from tests.browser.conftest import log_in, new_context, settle, shot
from tests.databases import rows, using
from tests.services.helpers import GOOD_ANSWERS, RISKY_ANSWERS, actor, latest_period_id

pytestmark = pytest.mark.browser


def test_plan_inspect_and_the_company_sees_its_action_plan(
    server: str, server_database: str, page: Page
) -> None:
    with using(server_database):
        me = actor("company")
        draft = assessments.start_draft(me, latest_period_id())
        assessments.save_draft(me, draft.id, RISKY_ANSWERS)
        assessments.submit(me, draft.id, "browser-inspection-risky")
        raised = [a.id for a in remediation.plan(me) if a.status == "open"]
        assert raised
        in_zones = len(
            rows(
                server_database,
                "SELECT c.id FROM company c JOIN zone z ON z.id = c.zone_id WHERE z.kind = 'industrial_zone'",
            )
        )

    log_in(page, server, "demo.zoneboard", "KCN-BacGiang-2021")
    page.get_by_text("Phải nộp").first.wait_for()
    page.get_by_role("link", name="Kế hoạch kiểm tra").click()
    settle(page)
    page.get_by_label("Số lượt kiểm tra").fill(str(in_zones))
    page.get_by_label("Số lượt kiểm tra").press("Enter")
    settle(page)
    expect(page.get_by_text(f"{in_zones} doanh nghiệp được đề xuất")).to_be_visible()
    page.get_by_label("Tên kế hoạch (không bắt buộc)").fill("Đợt kiểm tra tuần này")
    page.get_by_label("Tên kế hoạch (không bắt buộc)").press("Enter")
    settle(page)
    page.get_by_role("button", name="Lưu kế hoạch").click()
    settle(page)
    shot(page, "inspection-1-plan")
    with using(server_database):
        assert rows(server_database, "SELECT title, visits FROM visitplan")[0][1] == in_zones

    # the plan on paper, as the official downloads it: a numbered kế hoạch of the board
    with page.expect_download() as downloading:
        page.get_by_role("button", name="Tải kế hoạch PDF (theo huyện)").click()
    paper = " ".join(
        " ".join(p.extract_text().split())
        for p in pypdf.PdfReader(io.BytesIO(Path(downloading.value.path()).read_bytes())).pages
    )
    with using(server_database):
        number = rows(server_database, "SELECT number FROM visitplan")[0][0]
    assert f"Số: {number}/KH-BQL" in paper and "KẾ HOẠCH KIỂM TRA THỰC TẾ" in paper
    assert f"{in_zones} lượt kiểm tra" in paper and "TRƯỞNG BAN" in paper

    page.get_by_role("link", name="Kiểm tra thực tế").click()
    settle(page)
    picker = page.get_by_label("Lượt kiểm tra")
    picker.click()
    page.keyboard.type("2400812345")
    page.keyboard.press("Enter")
    settle(page)
    page.get_by_role("button", name="Bắt đầu kiểm tra doanh nghiệp này").click()  # a glance starts nothing
    settle(page)
    with using(server_database):
        board = actor("zone_board")
        (inspection_id,) = rows(
            server_database,
            "SELECT id FROM inspection WHERE company_id = :c AND status = 'draft'",
            c=me.company_id,
        )[0]
        inspections.save(board, inspection_id, GOOD_ANSWERS)  # the sections, as the UI tests fill them
    page.get_by_text("Kết luận kiểm tra").click()
    settle(page)
    if not page.get_by_label("Ghi chú của đoàn kiểm tra").count():
        # the sections were saved behind the page's back: the navigator's marks turned ✓ under
        # that first click, which drew the navigator anew; the second is obeyed
        page.get_by_text("Kết luận kiểm tra").click()
        settle(page)
    page.get_by_label("Ghi chú của đoàn kiểm tra").fill("Đã bố trí lại ký túc xá, xe đưa đón đủ chỗ.")
    page.get_by_role("button", name="Hoàn tất kiểm tra").click()
    settle(page)
    shot(page, "inspection-2-done")
    with using(server_database):
        done = rows(server_database, "SELECT status, notes FROM inspection WHERE id = :i", i=inspection_id)[0]
        assert tuple(done) == ("done", "Đã bố trí lại ký túc xá, xe đưa đón đủ chỗ.")

    browser = page.context.browser
    assert browser is not None
    company = new_context(browser, viewport={"width": 1280, "height": 900}).new_page()
    log_in(company, server, "demo.company", "HoaBinh-Garment-2021")
    company.get_by_role("link", name="Kết quả", exact=True).click()
    settle(company)
    company.get_by_text(re.compile(r"^Kế hoạch khắc phục · ")).wait_for()
    expect(company.get_by_text(f"{len(raised)} Đã khắc phục (xác nhận qua kiểm tra)")).to_be_visible()
    shot(company, "inspection-3-company-action-plan")
    # issue 26: the company reads the inspection itself: who came (a person, an agency), the notes
    company.get_by_role("link", name="Kiểm tra thực tế", exact=True).click()
    settle(company)
    company.get_by_text("Đã bố trí lại ký túc xá, xe đưa đón đủ chỗ.").wait_for()
    with using(server_database):
        name = rows(server_database, "SELECT full_name FROM app_user WHERE username = 'demo.zoneboard'")[0][0]
    expect(company.get_by_text(f"{name} – Ban Quản lý các KCN")).to_be_visible()
    assert "demo.zoneboard" not in company.inner_text("body")
    shot(company, "inspection-4-company-reads-the-inspection")
    company.context.close()
