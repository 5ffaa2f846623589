"""The ICT department reminds the non-filers from the Lists page in a real browser, after seeing
how many messages will go on which channel; a real SMTP server receives them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import log_in, serve, settle, shot
from tests.databases import scalar
from tests.notify.servers import SmtpServer

pytestmark = pytest.mark.browser

MISSING = """
    SELECT count(*) FROM periodcompany pc LEFT JOIN assessment a
    ON a.company_id = pc.company_id AND a.period_id = pc.period_id AND a.is_latest
    WHERE pc.period_id = (SELECT id FROM period ORDER BY opens_on DESC LIMIT 1) AND a.id IS NULL
"""


@pytest.fixture(scope="module")
def smtp_server() -> Iterator[SmtpServer]:
    with SmtpServer() as running:
        yield running


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, server_database: str, smtp_server: SmtpServer
) -> Iterator[str]:
    env = {
        "ZONERISK_SMTP_HOST": "127.0.0.1",
        "ZONERISK_SMTP_PORT": str(smtp_server.port),
        "ZONERISK_SMTP_FROM": "zonerisk@bacgiang.gov.vn",
        "ZONERISK_SMTP_STARTTLS": "false",
    }
    yield from serve(tmp_path_factory, server_database, env)


def test_ict_reminds_the_non_filers_after_a_confirmation(
    server: str, server_database: str, smtp_server: SmtpServer, page: Page
) -> None:
    missing = int(str(scalar(server_database, MISSING)))
    assert missing > 0
    log_in(page, server, "demo.ict", "TTTT-BacGiang-2021")
    page.get_by_text("Phải nộp").first.wait_for()
    settle(page)
    page.get_by_role("link", name="Danh sách").click()
    settle(page)
    page.get_by_text("Chưa nộp", exact=True).click()
    settle(page)
    page.get_by_text("Nhắc ngay các doanh nghiệp này").click()
    settle(page)
    expect(page.get_by_text(f"Sẽ gửi {missing} tin nhắn: {missing} Email.")).to_be_visible()
    shot(page, "ict-reminders-1-confirm")
    assert smtp_server.box.messages == []
    page.get_by_role("button", name=f"Gửi {missing} tin nhắn").click()
    settle(page)
    expect(page.get_by_text(f"đã gửi {missing}, không gửi được 0")).to_be_visible(timeout=60_000)
    shot(page, "ict-reminders-2-sent")
    assert len(smtp_server.box.messages) == missing
    assert all(m["From"] == "zonerisk@bacgiang.gov.vn" for m in smtp_server.box.messages)
    page.get_by_role("link", name="Nhắc nhở").click()
    settle(page)
    page.get_by_text("Đã nhắc").first.wait_for()
    shot(page, "ict-reminders-3-effect")
