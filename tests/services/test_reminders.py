"""Reminders end to end on the real databases: planned from the rules, queued once, sent through
a real SMTP server and a real HTTP gateway, retried, given up, never sent twice, measured."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from app.config import get_settings
from app.notify import planner, rules
from app.notify.contacts import normal_email
from app.services.context import unit_of_work
from app.services.errors import Invalid
from app.services.reminding import outbox, reminder_effect, reminders
from db.models import Company, OutboxMessage, Period
from tests.databases import rows, scalar
from tests.notify.servers import Gateway, SmtpServer
from tests.services.helpers import actor, latest_period_id

NON_FILERS = """
    SELECT c.id, c.contact_email FROM periodcompany pc JOIN company c ON c.id = pc.company_id
    WHERE pc.period_id = :p AND c.active AND NOT EXISTS (
        SELECT 1 FROM assessment a WHERE a.company_id = c.id AND a.period_id = :p AND a.is_latest
        AND a.status IN ('submitted', 'approved'))
"""


def _due_day(url: str) -> tuple[int, date, datetime]:
    period_id = latest_period_id()
    due_on = date.fromisoformat(str(scalar(url, "SELECT due_on FROM period WHERE id = :p", p=period_id))[:10])
    return period_id, due_on, planner.local_moment(due_on, "09:00")


def _send(moment: datetime, period_id: int | None = None) -> tuple[int, outbox.DrainReport]:
    queued = reminders.queue(reminders.plan(moment, period_id))
    return queued, outbox.drain(moment)


LOW_ADOPTION = """
    SELECT c.contact_email FROM assessment a JOIN company c ON c.id = a.company_id
    WHERE a.period_id = :p AND a.is_latest AND a.status IN ('submitted', 'approved')
    AND ((a.smartphone_owners > 0 AND a.bluezone_installed < 0.8 * a.smartphone_owners)
         OR (a.workers > 0 AND a.health_declared < 0.8 * a.workers))
"""


def test_on_the_due_day_each_non_filer_gets_one_vietnamese_email_and_a_second_run_sends_none(
    no_reminders_yet: str, smtp: SmtpServer
) -> None:
    period_id, _, moment = _due_day(no_reminders_yet)
    expected = {normal_email(str(e)) for _, e in rows(no_reminders_yet, NON_FILERS, p=period_id)} - {None}
    assert expected, "the seeded round has non-filers"
    low = {normal_email(str(r[0])) for r in rows(no_reminders_yet, LOW_ADOPTION, p=period_id)}
    queued, report = _send(moment, period_id)
    assert queued == report.sent == len(expected) + len(low) and report.failed == 0
    reminded = {m["To"] for m in smtp.box.messages if "Hôm nay" in m["Subject"]}
    assert reminded == expected
    assert {m["To"] for m in smtp.box.messages if "Bluezone" in m["Subject"]} == low
    first = next(m for m in smtp.box.messages if "Hôm nay" in m["Subject"])
    assert "chưa nộp" in first.get_content() and "hạn cuối" in first.get_content()
    assert _send(moment, period_id) == (0, outbox.DrainReport())
    assert _send(moment + timedelta(hours=6), period_id) == (0, outbox.DrainReport())  # the same step
    assert len(smtp.box.messages) == len(expected) + len(low)
    next_step, report = _send(moment + timedelta(days=1), period_id)  # overdue: the next step, once each
    assert next_step == report.sent >= len(expected)  # + the officials' list of companies missing twice
    assert scalar(no_reminders_yet, "SELECT count(DISTINCT dedup_key) FROM outboxmessage") == scalar(
        no_reminders_yet, "SELECT count(*) FROM outboxmessage"
    )


def test_a_failing_gateway_is_retried_with_back_off_and_a_refused_number_is_not(
    no_reminders_yet: str, sms: Gateway
) -> None:
    _, _, moment = _due_day(no_reminders_yet)
    period_id = latest_period_id()
    plans = reminders.plan(moment, period_id)
    queued = reminders.queue(plans)
    assert queued >= 2
    sms.answers.extend([400] + [503] * (queued - 1))
    first = outbox.drain(moment)
    assert first.failed == 1 and first.retrying == min(queued - 1, outbox.CHANNEL_DOWN_AFTER)
    assert (
        first.sent == 0 and first.waiting == queued - 1 - first.retrying
    )  # the channel is down for this run
    refused = scalar(no_reminders_yet, "SELECT last_error FROM outboxmessage WHERE status = 'failed'")
    assert "HTTP 400" in str(refused)
    retry_at = rows(
        no_reminders_yet,
        "SELECT attempts, next_attempt_at FROM outboxmessage WHERE attempts = 1 AND status = 'queued'",
    )
    assert len(retry_at) == first.retrying
    sms.answers.clear()  # the gateway is back
    assert (
        outbox.drain(moment).sent == queued - 1 - first.retrying
    )  # the untried ones go as soon as it is back
    later = outbox.drain(moment + outbox.retry_delay(1))
    assert later.sent == first.retrying and later.failed == 0
    assert scalar(no_reminders_yet, "SELECT count(*) FROM outboxmessage WHERE status = 'sent'") == queued - 1
    assert outbox.drain(moment + timedelta(days=1)) == outbox.DrainReport()  # the refused one stays refused


def test_a_message_that_keeps_failing_is_given_up_after_the_last_attempt(
    no_reminders_yet: str, sms: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZONERISK_REMINDER_MAX_ATTEMPTS", "3")
    get_settings.cache_clear()
    _, _, moment = _due_day(no_reminders_yet)
    plans = reminders.plan(moment, latest_period_id())
    plans[0].messages = plans[0].messages[:1]
    reminders.queue(plans[:1])
    sms.answers.extend([500, 500, 500])
    at = moment
    for attempt in (1, 2, 3):
        report = outbox.drain(at)
        assert (report.retrying, report.failed) == ((1, 0) if attempt < 3 else (0, 1))
        at += outbox.retry_delay(attempt)
    assert rows(no_reminders_yet, "SELECT status, attempts FROM outboxmessage") == [("gave_up", 3)]


def test_two_senders_at_once_send_each_message_once(no_reminders_yet: str, sms: Gateway) -> None:
    _, _, moment = _due_day(no_reminders_yet)
    queued = reminders.queue(reminders.plan(moment, latest_period_id()))
    reports: list[outbox.DrainReport] = []

    def run() -> None:
        reports.append(outbox.drain(moment, batch=3))

    senders = [threading.Thread(target=run) for _ in range(2)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join()
    keys = Counter(r["headers"]["Idempotency-Key"] for r in sms.requests)
    assert len(keys) == queued and set(keys.values()) == {1}
    assert sum(r.sent for r in reports) == queued


def test_a_sender_killed_mid_batch_resends_only_the_message_in_flight_with_the_same_key(
    no_reminders_yet: str, sms: Gateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, _, moment = _due_day(no_reminders_yet)
    queued = reminders.queue(reminders.plan(moment, latest_period_id()))
    assert queued > 3
    real_record = outbox._record
    recorded: list[int] = []

    def killed_at_the_third(*args: object, **kwargs: object) -> None:
        if len(recorded) == 2:
            raise KeyboardInterrupt("the power went")
        recorded.append(1)
        real_record(*args, **kwargs)  # type: ignore[arg-type]

    with monkeypatch.context() as patch:
        patch.setattr(outbox, "_record", killed_at_the_third)
        with pytest.raises(KeyboardInterrupt):
            outbox.drain(moment, batch=queued)
    assert len(sms.requests) == 3  # two sent and recorded, the third sent when the power went
    assert outbox.drain(moment) == outbox.DrainReport()  # still claimed: nobody else takes them
    with unit_of_work() as session:  # the claim's lease runs out
        session.execute(update(OutboxMessage).values(claimed_until=datetime.now(UTC) - timedelta(seconds=1)))
    assert outbox.drain(moment).sent == queued - 2
    assert len(sms.requests) == queued + 1  # only the one in flight went twice over the wire …
    assert len(sms.delivered) == queued  # … and it was delivered once, by its key
    ids = {r[0] for r in rows(no_reminders_yet, "SELECT provider_id FROM outboxmessage")}
    assert ids == set(sms.delivered.values())


def test_a_company_with_no_contact_is_listed_not_crashed_on(no_reminders_yet: str, smtp: SmtpServer) -> None:
    period_id, _, moment = _due_day(no_reminders_yet)
    (target, _), *_ = rows(no_reminders_yet, NON_FILERS, p=period_id)
    with unit_of_work() as session:
        company = session.get(Company, target)
        assert company is not None
        company.contact_email = company.contact_phone = ""
        session.add(company)
    (plan,) = [p for p in reminders.plan(moment) if p.period.id == period_id]
    assert target not in {m.company_id for m in plan.messages}
    (lost,) = [u for u in plan.unreachable if u.company_id == target]
    assert lost.why == "zalo: not configured; sms: not configured; email: no address"


def test_an_official_reminds_chosen_non_filers_in_scope_once_a_day(
    no_reminders_yet: str, smtp: SmtpServer
) -> None:
    period_id, _, moment = _due_day(no_reminders_yet)
    board = actor("zone_board")
    inside = [r[0] for r in rows(no_reminders_yet, NON_FILERS + " AND c.zone_id LIKE 'kcn-%'", p=period_id)]
    outside = [r[0] for r in rows(no_reminders_yet, NON_FILERS + " AND c.zone_id LIKE 'dist-%'", p=period_id)]
    assert inside and outside
    preview = reminders.manual(board, period_id, [inside[0], outside[0]], moment)
    assert [m.company_id for m in preview.messages] == [inside[0]] and preview.per_channel == {"email": 1}
    assert reminders.queue_manual(board, preview) == 1
    assert reminders.queue_manual(board, reminders.manual(board, period_id, [inside[0]], moment)) == 0
    assert outbox.drain(moment).sent == 1
    tomorrow = reminders.manual(board, period_id, [inside[0]], moment + timedelta(days=1))
    assert reminders.queue_manual(board, tomorrow) == 1


def test_remind_now_is_one_service_call_audited_as_the_official(
    no_reminders_yet: str, smtp: SmtpServer
) -> None:
    """The page's "Nhắc ngay" confirmed: queued and audited, delivered at once (only these keys),
    and the delivery's outcome recorded against the official who pressed it."""
    period_id, _, moment = _due_day(no_reminders_yet)
    board = actor("zone_board")
    inside = [r[0] for r in rows(no_reminders_yet, NON_FILERS + " AND c.zone_id LIKE 'kcn-%'", p=period_id)]
    preview = reminders.manual(board, period_id, inside[:2], moment)
    done = reminders.send_now(board, preview, now=moment)
    assert done.queued == 2 and done.delivery.sent == 2 and done.delivery.failed == 0
    assert len(smtp.box.messages) == 2
    sent = scalar(
        no_reminders_yet, "SELECT count(*) FROM outboxmessage WHERE status = 'sent' AND reason = 'manual'"
    )
    assert sent == 2
    event = rows(
        no_reminders_yet,
        "SELECT actor, after FROM auditevent WHERE action = 'reminders.sent_now'",
    )
    assert len(event) == 1 and event[0][0] == "demo.zoneboard"
    assert '"sent": 2' in str(event[0][1]).replace("'", '"')


def test_the_effect_figures_match_sql(no_reminders_yet: str, smtp: SmtpServer) -> None:
    period_id, _, moment = _due_day(no_reminders_yet)
    _send(moment, period_id)
    with unit_of_work() as session:  # two reminded companies file: one within a day, one later
        reminded = session.exec(
            select(OutboxMessage.company_id)
            .where(OutboxMessage.status == "sent", OutboxMessage.reason == "reminder")
            .order_by(col(OutboxMessage.id))
        ).all()
    for company_id, hours in zip(reminded[:2], (3, 40), strict=True):
        _file_for(company_id, period_id, moment + timedelta(hours=hours))
    ict = actor("ict")
    effect = reminder_effect.effect(ict, period_id)
    sql_reminded = scalar(
        no_reminders_yet,
        "SELECT count(DISTINCT company_id) FROM outboxmessage WHERE status = 'sent' AND period_id = :p"
        " AND reason IN ('reminder', 'manual')",
        p=period_id,
    )
    sql_after = scalar(
        no_reminders_yet,
        """SELECT count(*) FROM (SELECT o.company_id, min(o.sent_at) AS first_at FROM outboxmessage o
           WHERE o.status = 'sent' AND o.period_id = :p AND o.reason IN ('reminder', 'manual')
           GROUP BY o.company_id) f
           JOIN assessment a ON a.company_id = f.company_id AND a.period_id = :p AND a.is_latest
           WHERE a.first_submitted_at > f.first_at""",
        p=period_id,
    )
    assert (effect.reminded, effect.filed_after, effect.still_missing) == (
        sql_reminded,
        sql_after,
        int(str(sql_reminded)) - int(str(sql_after)),
    )
    assert effect.filed_after == 2
    (email,) = effect.channels
    assert (email.channel, email.sent, email.failed, email.filed_within_24h) == ("email", sql_reminded, 0, 1)
    board = reminder_effect.effect(actor("zone_board"), period_id)
    assert board.reminded == scalar(
        no_reminders_yet,
        """SELECT count(DISTINCT o.company_id) FROM outboxmessage o JOIN company c ON c.id = o.company_id
           JOIN zone z ON z.id = c.zone_id WHERE o.status = 'sent' AND o.period_id = :p
           AND z.kind = 'industrial_zone' AND o.reason IN ('reminder', 'manual')""",
        p=period_id,
    )


def _file_for(company_id: int | None, period_id: int, at: datetime) -> None:
    """A filing at a given moment, written as the seed writes history."""
    from app.services.filing.assessments import insert_submissions, ruleset_of
    from tests.services.helpers import GOOD_ANSWERS

    with unit_of_work(write=True) as session:
        period = session.get(Period, period_id)
        assert period is not None
        insert_submissions(
            [
                {
                    "company_id": company_id,
                    "period_id": period_id,
                    "answers": GOOD_ANSWERS,
                    "submitted_at": at,
                    "first_submitted_at": at,
                    "status": "submitted",
                    "ruleset": ruleset_of(period),
                }
            ],
            session=session,
        )


def test_rules_an_admin_saves_are_checked_whole_and_then_used(no_reminders_yet: str) -> None:
    admin = actor("admin")
    text = rules.shipped_rules_text()
    with pytest.raises(Invalid) as refused:
        reminders.save_rules(admin, text.replace('at: "08:00"', 'at: "8 giờ"', 1))
    assert any("HH:MM" in what for _, what in refused.value.problems)
    assert reminders.current_rules().text == text  # nothing saved
    reminders.save_rules(admin, text.replace("after_missed_rounds: 2", "after_missed_rounds: 3"))
    escalate = reminders.current_rules().rules.escalate
    assert escalate is not None and escalate.after_missed_rounds == 3


def test_a_returned_submission_tells_its_hr_officer_what_to_fix_once(
    no_reminders_yet: str, smtp: SmtpServer
) -> None:
    from app.services.filing import assessments
    from tests.services.helpers import GOOD_ANSWERS

    period_id, _, moment = _due_day(no_reminders_yet)
    company = actor("company")
    draft = assessments.start_draft(company, period_id)
    assessments.save_draft(company, draft.id, GOOD_ANSWERS)
    filed = assessments.submit(company, draft.id, "returned-once")
    assessments.review(actor("zone_board"), filed.id, "return", "Bổ sung số liệu nhà ăn ca 3.")
    _send(moment, period_id)
    (returned,) = [m for m in smtp.box.messages if "bị trả lại" in m["Subject"]]
    assert "Bổ sung số liệu nhà ăn ca 3." in returned.get_content()
    _send(moment + timedelta(days=1), period_id)  # the next step: reminders to the others only
    assert sum("bị trả lại" in m["Subject"] for m in smtp.box.messages) == 1


def test_overdue_fixes_escalate_to_each_official_once_a_day(seeded: str, smtp: SmtpServer) -> None:
    """The seed's action plans include overdue ones: each reviewing official gets one list a day of
    those in scope, by email; the same day again sends nothing, the next day sends again."""
    from sqlalchemy import delete

    from db.models import OutboxMessage as Outbox

    with unit_of_work(write=True) as session:
        session.execute(delete(Outbox))
    _, _, moment = _due_day(seeded)
    today = (moment + planner.VIETNAM).date()
    overdue = """SELECT count(*) FROM remediationaction a JOIN company c ON c.id = a.company_id
                 JOIN zone z ON z.id = c.zone_id
                 WHERE a.status = 'open' AND a.due_on < :today AND z.kind = :kind"""
    expected = {
        "bqlkcn.demo@bacgiang.gov.vn": scalar(seeded, overdue, today=today, kind="industrial_zone"),
        "sldtbxh.demo@bacgiang.gov.vn": scalar(seeded, overdue, today=today, kind="district"),
    }
    assert all(expected.values()), "the demo has overdue fixes in both agencies' scope"
    _send(moment)
    lists = {m["To"]: m for m in smtp.box.messages if "việc khắc phục đã quá hạn" in m["Subject"]}
    assert set(lists) == set(expected)
    for address, message in lists.items():
        assert message["Subject"].startswith(f"[ZoneRisk] {expected[address]} việc khắc phục")
        assert message.get_content().count("  - ") == expected[address]
    _send(moment + timedelta(hours=3))
    assert sum("việc khắc phục đã quá hạn" in m["Subject"] for m in smtp.box.messages) == 2
    _send(moment + timedelta(days=1))
    assert sum("việc khắc phục đã quá hạn" in m["Subject"] for m in smtp.box.messages) == 4


def _queue_raw(**values: object) -> None:
    """A message as the planner could never write it, put straight into the outbox."""
    base: dict[str, object] = {
        "reason": "manual",
        "step": "test",
        "channel": "email",
        "template": "due_today",
        "body": "Nhắc nộp bản tự đánh giá",
    }
    with unit_of_work(write=True) as session:
        session.add(OutboxMessage(**(base | values)))  # type: ignore[arg-type]


def test_no_message_can_jam_the_outbox(seeded: str, smtp: SmtpServer) -> None:
    """A subject with a line break goes out on one line; a recipient that cannot be written as a
    header is failed with the reason, once; the rest of the batch is sent and recorded."""
    _queue_raw(dedup_key="raw:1", recipient="hr1@anhduong.vn", subject="Tuần 27\r\nBcc: all@evil.example")
    _queue_raw(dedup_key="raw:2", recipient="hr2@anhduong.vn\r\nBcc: all@evil.example", subject="x")
    _queue_raw(dedup_key="raw:3", recipient="hr3@anhduong.vn", subject="Tuần 27")
    moment = datetime.now(UTC) + timedelta(seconds=1)
    first = outbox.drain(moment, only=frozenset({"raw:1", "raw:2", "raw:3"}))
    assert (first.sent, first.failed, first.retrying) == (2, 1, 0)
    status = dict(rows(seeded, "SELECT dedup_key, status FROM outboxmessage WHERE dedup_key LIKE 'raw:%'"))
    assert status == {"raw:1": "sent", "raw:2": "failed", "raw:3": "sent"}
    (error,) = rows(seeded, "SELECT last_error, attempts FROM outboxmessage WHERE dedup_key = 'raw:2'")
    assert "could not be sent" in str(error[0]) and error[1] == 1
    again = outbox.drain(moment + timedelta(hours=7), only=frozenset({"raw:1", "raw:2", "raw:3"}))
    assert again == outbox.DrainReport()
    assert sorted(m["To"] for m in smtp.box.messages) == ["hr1@anhduong.vn", "hr3@anhduong.vn"]


def test_a_gateway_answering_a_list_does_not_make_the_batch_resend(
    no_reminders_yet: str, sms: Gateway
) -> None:
    _, _, moment = _due_day(no_reminders_yet)
    queued = reminders.queue(reminders.plan(moment, latest_period_id()))
    sms.answers.append(["accepted"])
    assert outbox.drain(moment).sent == queued
    with unit_of_work() as session:  # even after any lease would have run out
        session.execute(update(OutboxMessage).values(claimed_until=None))
    assert outbox.drain(moment + timedelta(hours=7)).sent == 0
    assert len(sms.requests) == queued


def test_a_relay_without_starttls_sends_nothing_and_says_which_setting_to_fix(
    no_reminders_yet: str, smtp: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ZONERISK_SMTP_STARTTLS", "true")
    get_settings.cache_clear()
    _, _, moment = _due_day(no_reminders_yet)
    queued = reminders.queue(reminders.plan(moment, latest_period_id()))
    report = outbox.drain(moment)
    assert report.sent == report.failed == report.retrying == 0 and report.waiting == queued
    assert "ZONERISK_SMTP_STARTTLS" in report.misconfigured["email"]
    attempts = scalar(no_reminders_yet, "SELECT max(attempts) FROM outboxmessage WHERE status = 'queued'")
    assert attempts == 0  # a configuration error costs no message an attempt
    monkeypatch.setenv("ZONERISK_SMTP_STARTTLS", "false")
    get_settings.cache_clear()
    assert outbox.drain(moment).sent == queued
