"""The overdue-fixes escalation, planned without a database or a clock (the other planner cases
are in test_rules.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from app.notify import planner, rules


def test_overdue_fixes_one_list_per_official_a_day() -> None:
    loaded = rules.parse_rules(rules.shipped_rules_text())
    round_ = planner.Round(7, "Tuần 23/2021", date(2021, 6, 13))
    board = planner.Official(1, "bql", planner.Contact(email="bql@bacgiang.gov.vn"))
    nobody = planner.Official(2, "ldtbxh", planner.Contact())
    now = datetime(2021, 6, 14, 2, 0, tzinfo=UTC)  # 09:00 in Vietnam
    found = planner.overdue_fixes(
        loaded, now, round_, [(board, ["A: CS13", "B: CS6"]), (nobody, ["C: CS4"])], {"email"}, "https://x"
    )
    assert [(m.recipient, m.key, m.values["count"]) for m in found.messages] == [
        ("bql@bacgiang.gov.vn", "escalation:7:u1:fixes20210614", "2")
    ]
    assert [u.user_id for u in found.unreachable] == [2]
    later = planner.overdue_fixes(loaded, now + timedelta(days=1), round_, [(board, ["A"])], {"email"}, "x")
    assert later.messages[0].key.endswith("fixes20210615")
    assert planner.overdue_fixes(loaded, now, round_, [(board, [])], {"email"}, "x").messages == []
