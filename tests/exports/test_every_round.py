"""Every round of a generated province, closed and open, its chairman's report against SQL written
here: section I's counts and share (rounded once, half up), section IV's total row (the round's
whole population, however many areas are listed), section V's words for the state of this round
and the last, and its "share filed" before and now."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

import pytest

from app.services.documents import chairman_reports
from tests.databases import DatabaseFactory, rows, using
from tests.exports.test_figures import filing_line, text_of
from tests.services.helpers import actor

PROVINCE = (160, 6)  # companies, weekly rounds: some areas file completely, the last rounds are open

FILING_SQL = """
SELECT count(*), count(a.id),
       coalesce(sum(CASE WHEN a.first_submitted_at <= p.due_at THEN 1 ELSE 0 END), 0),
       coalesce(sum(CASE WHEN a.first_submitted_at > p.due_at THEN 1 ELSE 0 END), 0)
FROM periodcompany pc JOIN period p ON p.id = pc.period_id
LEFT JOIN assessment a ON a.company_id = pc.company_id AND a.period_id = pc.period_id AND a.is_latest = TRUE
WHERE pc.period_id = :p
"""


@pytest.fixture
def province(factory: DatabaseFactory) -> Iterator[str]:
    url = factory.copy_of(factory.template(*PROVINCE))
    with using(url):
        yield url
    factory.release(url)


def _share(part: int, whole: int) -> str:
    shown = (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{shown}".replace(".", ",") + " %"


def test_every_rounds_report_matches_sql(province: str) -> None:
    ict = actor("ict")
    periods = rows(province, "SELECT id, name, closed FROM period ORDER BY opens_on, id")
    assert {bool(closed) for _, _, closed in periods} == {True, False}, periods  # both kinds seen
    previous: tuple[str, str, bool] | None = None
    complete_areas_seen = False
    for period_id, name, closed in periods:
        text = text_of(chairman_reports.preview_chairman_pdf(ict, int(period_id))).replace("\xa0", " ")
        expected, filed, on_time, late = (int(v) for v in rows(province, FILING_SQL, p=period_id)[0])
        counts, share = filing_line(text)
        assert counts == [expected, filed, on_time, late, expected - filed], name
        assert share == _share(filed, expected), name
        section = text[text.index("IV. ") : text.index("V. Thay đổi")]
        if expected > filed:
            assert f"Tổng cộng {expected} {expected - filed}" in section.replace(".", ""), (
                name,
                section[-300:],
            )
        else:  # every company filed: said so, with no table of zeros
            assert "Tất cả doanh nghiệp đã nộp." in section and "Tổng cộng" not in section, name
        complete = rows(
            province,
            "SELECT count(*) FROM (SELECT c.zone_id FROM periodcompany pc "
            "JOIN company c ON c.id = pc.company_id "
            "LEFT JOIN assessment a ON a.company_id = pc.company_id AND a.period_id = pc.period_id "
            "AND a.is_latest = TRUE WHERE pc.period_id = :p GROUP BY c.zone_id "
            "HAVING count(a.id) = count(*)) AS filed_areas",
            p=period_id,
        )[0][0]
        if complete and expected > filed:
            complete_areas_seen = True
            assert f"Các địa bàn khác, đã nộp đủ: {complete}" in section, (name, section[-400:])
        open_note = "Lưu ý: kỳ này vẫn đang mở"
        assert (open_note in text) == (not closed), name
        if previous is None:
            assert "Đây là kỳ đầu tiên" in text
        else:
            before_name, before_share, before_closed = previous
            assert (
                f"Tỷ lệ đã nộp: {before_share} ({before_name}) → {_share(filed, expected)} (kỳ này)." in text
            )
            if not closed:
                words = "Kỳ trước đã đóng." if before_closed else "Kỳ trước cũng chưa đóng"
                assert words in text, name
        previous = (str(name), _share(filed, expected), bool(closed))
    assert complete_areas_seen  # the generated province has areas where every company filed
