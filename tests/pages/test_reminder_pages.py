"""The reminders on the pages: an official sends them from the Lists page after a confirmation,
the company sees them on its Home, admins correct refused rules without losing what they typed."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from app.config import get_settings
from app.notify import rules
from app.services.context import unit_of_work
from app.services.reminding import outbox, reminder_effect, reminders
from db.models import OutboxMessage, User
from tests.databases import scalar
from tests.notify.servers import SmtpServer
from tests.pages.apptest import figures, logged_in, texts
from tests.services.helpers import actor, latest_period_id

MISSING_IN_ZONES = """
    SELECT count(*) FROM periodcompany pc JOIN company c ON c.id = pc.company_id
    JOIN zone z ON z.id = c.zone_id LEFT JOIN assessment a
    ON a.company_id = pc.company_id AND a.period_id = pc.period_id AND a.is_latest
    WHERE pc.period_id = :p AND z.kind = 'industrial_zone' AND a.id IS NULL
"""


def test_an_official_confirms_and_sends_reminders_to_the_non_filers(
    no_reminders_yet: str, smtp: SmtpServer
) -> None:
    seeded = no_reminders_yet
    missing = int(str(scalar(seeded, MISSING_IN_ZONES, p=latest_period_id())))
    at = logged_in("demo.zoneboard")
    at.switch_page("app/pages/lists.py").run()
    at.segmented_control(key="list_kind").set_value("missing").run()
    assert not at.exception
    assert f"Sẽ gửi {missing} tin nhắn: {missing} Email." in texts(at)
    assert smtp.box.messages == []  # nothing goes before the confirmation
    with unit_of_work(write=True) as session:  # someone else's message, waiting for the worker
        session.add(
            OutboxMessage(
                dedup_key="reminder:backlog",
                reason="reminder",
                step="due_day",
                channel="email",
                recipient="backlog@dn.vn",
                template="due_today",
                body="…",
                status="queued",
            )
        )
    at.button(key="remind_confirm").click().run()
    assert not at.exception
    assert f"Đã đưa {missing} tin vào hàng đợi; đã gửi {missing}, không gửi được 0." in texts(at)
    assert len(smtp.box.messages) == missing  # the page sends what its user queued, not the backlog
    assert scalar(seeded, "SELECT status FROM outboxmessage WHERE dedup_key = 'reminder:backlog'") == "queued"
    assert scalar(seeded, "SELECT count(*) FROM outboxmessage WHERE created_by = 'demo.zoneboard'") == missing
    at.button(key="remind_confirm").click().run()  # a second click the same day sends nothing more
    assert "Đã đưa 0 tin vào hàng đợi" in texts(at) and len(smtp.box.messages) == missing


def test_the_company_sees_what_it_was_sent_on_its_home(seeded: str) -> None:
    with unit_of_work(write=True) as session:
        company_id = session.exec(select(User.company_id).where(User.username == "demo.company")).one()
        session.add(
            OutboxMessage(
                dedup_key="reminder:1:demo:due_day",
                company_id=company_id,
                period_id=latest_period_id(),
                reason="reminder",
                step="due_day",
                channel="email",
                recipient="hr@hoabinh.vn",
                template="due_today",
                subject="[ZoneRisk] Hôm nay là hạn nộp bản tự đánh giá",
                body="…",
                status="sent",
                sent_at=datetime.now(UTC),
            )
        )
    sent = int(
        str(
            scalar(
                seeded,
                "SELECT count(*) FROM outboxmessage WHERE company_id = :c AND status = 'sent'",
                c=company_id,
            )
        )
    )
    at = logged_in("demo.company")
    assert not at.exception
    assert f"Thông báo đã gửi cho doanh nghiệp ({min(sent, 10)})" in [e.label for e in at.expander]
    assert "[ZoneRisk] Hôm nay là hạn nộp bản tự đánh giá" in texts(at)  # the newest is listed


def test_the_reminders_page_shows_the_effect_of_the_round(seeded: str, smtp: SmtpServer) -> None:
    period_id = latest_period_id()
    ict = actor("ict")
    preview = reminders.manual(ict, period_id, [c for c in range(1, 41)])
    smtp.box.refuse.add(preview.messages[0].recipient)  # one address the mail server refuses
    reminders.queue_manual(ict, preview)
    outbox.drain()
    effect = reminder_effect.effect(ict, period_id)
    at = logged_in("demo.ict")
    at.switch_page("app/pages/reminders.py").run()
    assert not at.exception
    metrics = figures(at)
    reminded = scalar(
        seeded,
        "SELECT count(DISTINCT company_id) FROM outboxmessage WHERE status = 'sent' AND period_id = :p"
        " AND reason IN ('reminder', 'manual')",
        p=period_id,
    )
    assert metrics["Đã nhắc"] == str(effect.reminded) == str(reminded)
    assert metrics["Đã nhắc, vẫn chưa nộp"] == str(effect.still_missing)  # not beside "Chưa nộp 129"
    assert len(preview.messages) > 0
    failed = scalar(
        seeded,
        "SELECT count(*) FROM outboxmessage WHERE status IN ('failed', 'gave_up') AND period_id = :p",
        p=period_id,
    )
    assert failed == 1
    refused = at.dataframe[-1].value
    assert len(refused) == 1 and "550" in str(refused.iloc[0].to_dict())
    assert "Email**: đã cấu hình" in texts(at) and "SMS**: chưa cấu hình" in texts(at)


def test_refused_rules_stay_in_the_box_to_be_corrected_then_save(seeded: str) -> None:
    at = logged_in("demo.admin")
    at.switch_page("app/pages/reminders.py").run()
    shipped = rules.shipped_rules_text()
    broken = shipped.replace("after_missed_rounds: 2", "after_missed_rounds: 0")
    at.text_area(key="reminder_rules").input(broken).run()
    at.button(key="save_rules").click().run()
    assert not at.exception
    assert "Chưa lưu quy tắc nhắc nhở" in texts(at)
    # issue 26: where, as an admin reads it, and what, in the page's language (not "Input should…")
    assert "escalate › after_missed_rounds" in texts(at)
    assert "Input should" not in texts(at) and "\\" not in texts(at)
    assert at.text_area(key="reminder_rules").value == broken  # what the admin typed is still there
    assert reminders.current_rules().text == shipped
    at.text_area(key="reminder_rules").input(
        broken.replace("after_missed_rounds: 0", "after_missed_rounds: 3")
    ).run()
    at.button(key="save_rules").click().run()
    assert "Đã lưu" in texts(at)
    escalate = reminders.current_rules().rules.escalate
    assert escalate is not None and escalate.after_missed_rounds == 3


def test_a_misconfigured_relay_is_said_on_the_page_with_the_setting_to_fix(
    no_reminders_yet: str, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZONERISK_SMTP_STARTTLS", "true")
    get_settings.cache_clear()
    at = logged_in("demo.zoneboard")
    at.switch_page("app/pages/lists.py").run()
    at.segmented_control(key="list_kind").set_value("missing").run()
    at.button(key="remind_confirm").click().run()
    assert not at.exception
    shown = [e.value for e in at.error]
    assert any("cấu hình sai" in text and "ZONERISK_SMTP_STARTTLS" in text for text in shown), shown
    assert smtp.box.messages == []


def test_with_no_channel_configured_the_official_is_told_once_in_their_language(seeded: str) -> None:
    """Issue 26: with no channel configured, "Nhắc ngay" listed 129 lines of "zalo: not
    configured; sms: not configured; email: not configured" in a Vietnamese page, with no button.
    It says once that no channel is ready, who sets them up, and offers nothing to send."""
    assert not any(reminders.configured_channels().values())
    at = logged_in("demo.zoneboard")
    at.switch_page("app/pages/lists.py").run()
    at.segmented_control(key="list_kind").set_value("missing").run()
    assert not at.exception
    page = texts(at)
    assert "Chưa có kênh gửi nào được cấu hình" in page
    assert "not configured" not in page and "Không liên lạc được" not in page
    assert not [b for b in at.button if b.key == "remind_confirm"]
    at.switch_page("app/pages/reminders.py").run()
    assert "python -m" not in texts(at) and "`" not in texts(at)


def test_companies_that_cannot_be_reached_are_counted_by_cause_in_english_too(
    no_reminders_yet: str, smtp: SmtpServer
) -> None:
    """Email configured, some companies with no address: one line per cause, in the page's
    language, the names on request; the others can still be sent to."""
    seeded = no_reminders_yet
    missing = int(str(scalar(seeded, MISSING_IN_ZONES, p=latest_period_id())))
    with unit_of_work(write=True) as session:
        from sqlalchemy import text

        session.execute(
            text(
                "UPDATE company SET contact_email = '' WHERE id IN (SELECT pc.company_id "
                "FROM periodcompany pc JOIN company c ON c.id = pc.company_id "
                "JOIN zone z ON z.id = c.zone_id WHERE pc.period_id = :p "
                "AND z.kind = 'industrial_zone' ORDER BY c.id LIMIT 3)"
            ),
            {"p": latest_period_id()},
        )
    at = logged_in("demo.zoneboard", "en")
    at.switch_page("app/pages/lists.py").run()
    at.segmented_control(key="list_kind").set_value("missing").run()
    assert not at.exception
    page = texts(at)
    lost = missing - int(re.search(r"(\d+) messages? will be sent", page).group(1))  # type: ignore[union-attr]
    assert 1 <= lost <= 3
    assert f"{lost} {'company' if lost == 1 else 'companies'} cannot be reached" in page
    assert "no Email address" in page and "Zalo is not configured" in page
    assert "chưa được cấu hình" not in page
    assert [b for b in at.button if b.key == "remind_confirm"]
