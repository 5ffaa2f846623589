"""/verify tells the truth about a genuine report: current, superseded by a later filing,
returned, or of a closed round; and signatures name their key, so keys can be rotated."""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime, timedelta

import pytest

from app.config import get_settings
from app.services import periods
from app.services.documents import company_reports, verification
from app.services.documents.verification import Standing
from app.services.filing import assessments
from tests.services.helpers import GOOD_ANSWERS, RISKY_ANSWERS, actor, latest_period_id


def _file(answers: dict[str, object], key: str) -> int:
    me = actor("company")
    draft = assessments.start_draft(me, latest_period_id())
    assessments.save_draft(me, draft.id, answers)
    return assessments.submit(me, draft.id, key).id


def _link(assessment_id: int) -> tuple[str, str]:
    url = company_reports.company_report(actor("company"), assessment_id).verify_url
    match = re.search(r"verify\?a=(\d+)&t=([A-Za-z0-9_.\-]+)", url)
    assert match is not None, url
    return match.group(1), match.group(2)


def test_a_superseded_report_says_so_and_shows_the_level_that_counts(seeded: str) -> None:
    first = _file(GOOD_ANSWERS, "calm")
    a, t = _link(first)
    assert verification.verify(a, t).standing is Standing.current  # type: ignore[union-attr]
    second = _file(RISKY_ANSWERS, "storm")
    found = verification.verify(a, t)
    assert found is not None and found.standing is Standing.superseded
    latest = assessments.get_assessment(actor("company"), second)
    assert found.current_level == latest.level != found.level
    assert found.superseded_at == latest.submitted_at


def test_a_returned_report_says_so(seeded: str) -> None:
    filed = _file(GOOD_ANSWERS, "to-return")
    a, t = _link(filed)
    assessments.review(actor("zone_board"), filed, "return", "Thiếu phương án ký túc xá.")
    assert verification.verify(a, t).standing is Standing.returned  # type: ignore[union-attr]


def test_a_report_of_a_closed_round_says_so(seeded: str) -> None:
    filed = _file(GOOD_ANSWERS, "closing")
    a, t = _link(filed)
    periods.close_period(actor("admin"), latest_period_id())
    found = verification.verify(a, t)
    assert found is not None and found.period_closed


def test_a_forged_or_foreign_key_does_not_verify(seeded: str) -> None:
    a, t = _link(_file(GOOD_ANSWERS, "forge"))
    key_id, signature = t.split(".")
    assert verification.verify(a, f"deadbeef.{signature}") is None
    assert verification.verify(a, f"{key_id}.{signature[::-1]}") is None
    assert verification.verify(a, t + "." + t) is None
    assert verification.verify(a, "x" * 5000) is None


def _with_keys(**values: str) -> None:
    for name, value in values.items():
        os.environ[name] = value
    get_settings.cache_clear()


def test_a_rotated_key_still_verifies_until_its_grace_period_ends(
    seeded: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_key = "old-key-" + "q8Zr3vT1pLk9mN2xW4sY6uH0" * 2
    new_key = "new-key-" + "A7dF2gJ5kL8zX1cV4bN6mQ9w" * 2
    monkeypatch.setenv("ZONERISK_SECRET_KEY", old_key)
    get_settings.cache_clear()
    a, t = _link(_file(GOOD_ANSWERS, "rotate"))
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    monkeypatch.setenv("ZONERISK_SECRET_KEY", new_key)
    monkeypatch.setenv("ZONERISK_PREVIOUS_SECRET_KEY", old_key)
    monkeypatch.setenv("ZONERISK_PREVIOUS_KEY_UNTIL", tomorrow)
    get_settings.cache_clear()
    assert verification.verify(a, t) is not None
    assert _link(int(a))[1].split(".")[0] != t.split(".")[0]  # new reports carry the new key's id
    yesterday = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    monkeypatch.setenv("ZONERISK_PREVIOUS_KEY_UNTIL", yesterday)
    get_settings.cache_clear()
    assert verification.verify(a, t) is None
    get_settings.cache_clear()


def test_a_forger_guessing_links_is_slowed_and_others_are_not(seeded: str) -> None:
    a, t = _link(_file(GOOD_ANSWERS, "guessing"))
    at = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)  # the clock the count reads: no test races it
    forger = "203.0.113.9"
    answers = [verification.verify(a, f"{t[:-4]}{n:04d}", forger, now=at) for n in range(20)]
    assert answers == [None] * 20  # twenty invalid links: each checked, none genuine
    with pytest.raises(verification.TooManyInvalidLinks) as waiting:
        verification.verify(a, t, forger, now=at)  # even a genuine one waits now
    assert "QR" in waiting.value.vi and "QR" in waiting.value.en
    # an inspector elsewhere scanning the same report is not held up
    assert verification.verify(a, t, "198.51.100.20", now=at) is not None
    # and the forger's wait passes: one more check a second later
    assert verification.verify(a, t, forger, now=at + timedelta(seconds=1)) is not None


def test_the_page_of_a_superseded_report_says_whether_the_company_may_operate_now(seeded: str) -> None:
    from streamlit.testing.v1 import AppTest

    from tests.pages.apptest import app, texts

    a, t = _link(_file(GOOD_ANSWERS, "calm"))
    worst = {
        **RISKY_ANSWERS,
        "bluezone_installed": 100,
        "health_declared": 100,
        "handwash_rate_pct": 10,
        "mask_rate_pct": 10,
        "workers_from_outbreak_areas": 500,
        "cs10": "none",
        "cs11": "not_done",
        "qr_checkin": "none",
    }
    now = assessments.get_assessment(actor("company"), _file(worst, "storm"))
    assert verification.verify(a, t).may_operate and not now.may_operate  # type: ignore[union-attr]
    at: AppTest = app()
    at.query_params["a"], at.query_params["t"] = a, t
    at.run()
    at.switch_page("app/pages/verify.py").run()
    assert not at.exception
    page = texts(at)
    assert "Được hoạt động (theo lần nộp hiện hành): Không" in page
    assert "Được hoạt động: Có" not in page
