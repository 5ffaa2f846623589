"""The planner, table-tested: which step is due around the due date, quiet hours, escalation
after K missed rounds, adoption and returns, unreachable contacts; and the templates' checks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.notify import planner, rules
from app.notify.planner import CompanyState, Contact, Official, Round
from app.notify.templates import TemplateError, parse_templates, shipped_templates, sms_length

LOADED = rules.parse_rules(rules.shipped_rules_text())
DUE = date(2021, 7, 11)
ROUND = Round(27, "Tuần 27/2021 (05/07–11/07)", DUE)
ALL = {"email", "sms", "zalo"}
REACHABLE = Contact("hr@anhduong.vn", "+84912345678")


def vn(day: date, clock: str) -> datetime:
    return planner.local_moment(day, clock)


def company(n: int = 1, **changes: object) -> CompanyState:
    base: dict[str, object] = {
        "company_id": n,
        "name": f"Công ty {n}",
        "tax_code": f"24000000{n:02d}",
        "contact": REACHABLE,
        "filed": False,
    }
    return CompanyState(**{**base, **changes})  # type: ignore[arg-type]


def plan_at(moment: datetime, states: list[CompanyState], configured: set[str] = ALL) -> planner.Plan:
    return planner.plan(LOADED, moment, ROUND, states, configured, "https://zr.example.vn", "11/07/2021")


@pytest.mark.parametrize(
    ("day", "clock", "step"),
    [
        (DUE - timedelta(days=3), "23:00", None),  # nothing before the first step
        (DUE - timedelta(days=2), "07:59", None),
        (DUE - timedelta(days=2), "08:00", "before_due"),
        (DUE - timedelta(days=1), "20:00", "before_due"),  # still the latest step: sent once
        (DUE, "08:00", "due_day"),
        (DUE, "23:59", "due_day"),
        (DUE + timedelta(days=1), "08:00", "overdue1"),
        (DUE + timedelta(days=2), "12:00", "overdue1"),
        (DUE + timedelta(days=3), "08:00", "overdue2"),
        (DUE + timedelta(days=5), "08:00", "overdue3"),
        (DUE + timedelta(days=30), "08:00", "overdue3"),  # up to N: no fourth
    ],
)
def test_the_step_due_around_the_due_date(day: date, clock: str, step: str | None) -> None:
    found = planner.current_step(LOADED.rules, DUE, vn(day, clock))
    assert (found[1] if found else None) == step
    messages = plan_at(vn(day, clock), [company()]).messages
    assert [m.step for m in messages] == ([step] if step else [])


def test_a_company_that_filed_gets_no_reminder_and_the_key_is_one_per_reason_step_and_round() -> None:
    moment = vn(DUE, "09:00")
    result = plan_at(moment, [company(1), company(2, filed=True), company(3)])
    assert [(m.company_id, m.key) for m in result.messages] == [
        (1, "reminder:27:c1:due_day"),
        (3, "reminder:27:c3:due_day"),
    ]
    again = plan_at(moment + timedelta(hours=5), [company(1)])
    assert again.messages[0].key == "reminder:27:c1:due_day"  # the same key: queued once


@pytest.mark.parametrize(
    ("clock", "configured", "channel", "waits_until"),
    [
        ("09:00", ALL, "zalo", None),
        ("22:30", ALL, "zalo", "07:00"),  # the rules' first channel, held until the quiet hours end
        ("06:59", {"sms"}, "sms", "07:00"),
        ("22:30", {"email", "sms"}, "sms", "07:00"),
        ("22:30", {"email"}, "email", None),  # email is not held at night
    ],
)
def test_quiet_hours_hold_sms_and_zalo_not_email(
    clock: str, configured: set[str], channel: str, waits_until: str | None
) -> None:
    moment = vn(DUE, clock)
    (message,) = plan_at(moment, [company()], configured).messages
    assert message.channel == channel
    if waits_until is None:
        assert message.not_before == moment
    else:
        end_day = DUE if clock < "07:00" else DUE + timedelta(days=1)
        assert message.not_before == vn(end_day, waits_until)


def test_a_contact_no_configured_channel_reaches_is_listed_with_why() -> None:
    landline_only = company(1, contact=Contact(None, None))
    result = plan_at(vn(DUE, "09:00"), [landline_only, company(2)], {"sms"})
    assert [m.company_id for m in result.messages] == [2]
    (lost,) = result.unreachable
    assert lost.company_id == 1
    assert lost.why == "zalo: not configured; sms: no mobile number; email: not configured"


def test_officials_get_one_list_after_k_missed_rounds_once_the_round_is_overdue() -> None:
    board = Official(7, "kcn.vantrung", Contact("bqlkcn@bacgiang.gov.vn", None))
    states = [
        company(1, missed_before=1, officials=(board,)),  # this one is the second in a row
        company(2, missed_before=0, officials=(board,)),  # first miss: the company only
        company(3, missed_before=4, officials=(board,), filed=True),  # filed now
    ]
    on_due_day = plan_at(vn(DUE, "09:00"), states)
    assert {m.reason for m in on_due_day.messages} == {"reminder"}
    overdue = plan_at(vn(DUE + timedelta(days=1), "09:00"), states)
    (escalation,) = [m for m in overdue.messages if m.reason == "escalation"]
    assert (escalation.user_id, escalation.channel, escalation.recipient) == (
        7,
        "email",
        "bqlkcn@bacgiang.gov.vn",
    )
    assert (
        escalation.values["count"] == "1" and "Công ty 1 (MST 2400000001)" in escalation.values["companies"]
    )
    assert escalation.key == "escalation:27:u7:once"


def test_low_adoption_and_a_return_each_get_their_message() -> None:
    result = plan_at(
        vn(DUE - timedelta(days=5), "10:00"),  # before any reminder step
        [company(1, filed=True, adoption_low=True), company(2, returned=(99, "Thiếu số liệu nhà ăn"))],
    )
    by_reason = {m.reason: m for m in result.messages}
    assert set(by_reason) == {"adoption", "returned"}
    assert by_reason["returned"].values["comment"] == "Thiếu số liệu nhà ăn"
    subject, body = planner.render(LOADED, by_reason["adoption"])
    assert "Phụ lục 01" in subject or "Phụ lục 01" in body


def test_a_template_with_an_unknown_placeholder_is_refused_with_its_line() -> None:
    text = (rules.RULES_FILE.parent / "reminder_templates.yaml").read_text(encoding="utf-8")
    broken = text.replace("Hạn nộp: hết ngày {due_date}.", "Hạn nộp: hết ngày {han_nop}.", 1)
    line = next(n for n, row in enumerate(broken.splitlines(), 1) if "{han_nop}" in row)
    with pytest.raises(TemplateError) as refused:
        parse_templates(broken, "reminder_templates.yaml")
    assert (
        str(refused.value)
        == f"reminder_templates.yaml:{line}: due_soon.email.vi: unknown placeholder {{han_nop}}"
    )


def test_rules_naming_a_missing_template_or_a_bad_time_are_refused_whole() -> None:
    bad = (
        rules.shipped_rules_text()
        .replace("template: due_today", "template: no_such")
        .replace('"08:00"', '"8h"', 1)
    )
    with pytest.raises(rules.RulesError) as refused:
        rules.parse_rules(bad)
    assert any("HH:MM" in what for _, what in refused.value.problems)
    only_template = rules.shipped_rules_text().replace("template: due_today", "template: no_such")
    with pytest.raises(rules.RulesError, match="no_such"):
        rules.parse_rules(only_template)


@pytest.mark.parametrize(
    ("text", "encoding", "segments"),
    [
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),
        ("a" * 306, "GSM-7", 2),
        ("a" * 307, "GSM-7", 3),
        ("€" * 80, "GSM-7", 1),  # an extension character counts twice
        ("€" * 81, "GSM-7", 2),
        ("ệ" * 70, "UCS-2", 1),
        ("ệ" * 71, "UCS-2", 2),
        ("Nộp" + "a" * 131, "UCS-2", 2),  # one diacritic makes the whole text UCS-2
    ],
)
def test_sms_segments_as_gateways_bill_them(text: str, encoding: str, segments: int) -> None:
    length = sms_length(text)
    assert (length.encoding, length.segments) == (encoding, segments)


def test_every_shipped_sms_fits_the_rules_segments_with_long_values() -> None:
    for template in shipped_templates(LOADED.rules.max_sms_segments).values():
        for lang in ("vi", "en"):
            long_values = {k: "x" * 40 for k in ("company", "round", "link")}
            assert (
                sms_length(template.render("sms", lang, long_values)).segments
                <= LOADED.rules.max_sms_segments
            )


@given(st.datetimes(min_value=datetime(2021, 6, 1), max_value=datetime(2021, 8, 1)))
def test_a_held_message_never_waits_into_the_next_quiet_night(naive: datetime) -> None:
    moment = naive.replace(tzinfo=UTC)
    after = planner.after_quiet(LOADED.rules, "sms", moment)
    assert moment <= after <= moment + timedelta(hours=10)
    assert planner.after_quiet(LOADED.rules, "sms", after) == after  # the moment it waits for is outside them


def test_an_officials_reminder_now_speaks_of_the_vietnam_day_not_the_utc_one() -> None:
    """06:00 on 12/07 in Bắc Giang is still 11/07 in UTC: the round is already overdue there."""
    early = vn(DUE + timedelta(days=1), "06:00")
    assert early.date() == DUE  # the UTC date
    result = planner.remind_now(
        LOADED, early, ROUND, [company(1), company(2, filed=True)], {"email"}, "https://zr", "11/07/2021"
    )
    (message,) = result.messages
    assert (message.key, message.template) == ("manual:27:c1:20210712", "overdue")
    assert message.values["days_overdue"] == "1"
    before = planner.remind_now(
        LOADED, vn(DUE, "09:00"), ROUND, [company(1)], {"email"}, "https://zr", "11/07/2021"
    )
    assert [(m.template, m.values["days_overdue"]) for m in before.messages] == [("due_soon", "0")]


def test_huge_or_deeply_nested_rules_are_refused_before_parsing() -> None:
    """Refused by the size and shape checks, not by the parser: a 60 MB text took 104 s of CPU and
    deep nesting raised RecursionError."""
    import pytest

    from app.notify import rules

    huge = "# " + "x" * 60_000_000
    deep = "a: " + "[" * 5_000 + "]" * 5_000
    for hostile, said in ((huge, "too large"), (deep, "nested too deeply")):
        with pytest.raises(rules.RulesError) as refused:
            rules.parse_rules(hostile)
        assert said in str(refused.value.problems)


def test_a_long_company_name_keeps_every_sms_within_its_segments() -> None:
    from app.notify.templates import shipped_templates, sms_length

    long_names = [
        "Công ty TNHH " + "Điện tử và Thiết bị Công nghiệp Bắc Giang Việt Nam " * 4,
        "Company " + "\U0001f3ed" * 190,  # characters outside the BMP count two units each
    ]
    for template in shipped_templates(3).values():
        for lang in ("vi", "en"):
            if ("sms", lang) not in template.texts:
                continue
            for name in long_names:
                text = template.render("sms", lang, {"company": name[:199], "round": "Tuần 27/2021"})
                assert sms_length(text).segments <= 3, (template.id, lang, len(text))
                if "{company}" in template.texts[("sms", lang)]:
                    assert name[:20] in text and "…" in text
