"""The review workflow on real databases: return reasons from the short list (with or without
words), a resubmission after a return marked for another look, and bulk approval that approves
what it may and says why it skipped the rest, in one unit of work."""

from __future__ import annotations

import pytest

from app.services.errors import Forbidden, Invalid
from app.services.filing import assessments
from app.services.oversight import lists
from tests.databases import rows, scalar
from tests.services.helpers import GOOD_ANSWERS, RISKY_ANSWERS, actor, latest_period_id


def _submit(answers: dict[str, object], key: str) -> int:
    me = actor("company")
    draft = assessments.start_draft(me, latest_period_id())
    assessments.save_draft(me, draft.id, answers)
    return assessments.submit(me, draft.id, key).id


def test_return_with_reasons_then_a_resubmission_is_marked(seeded: str) -> None:
    board, me = actor("zone_board"), actor("company")
    first = _submit(RISKY_ANSWERS, "one")
    with pytest.raises(Invalid):
        assessments.review(board, first, "return", "", ["no_such_reason"])
    with pytest.raises(Invalid):  # "another reason" needs the words
        assessments.review(board, first, "return", "", ["other"])
    assert scalar(seeded, "SELECT status FROM assessment WHERE id = :a", a=first) == "submitted"
    assessments.review(board, first, "return", "", ["headcount_mismatch", "evidence_missing"])
    stored = rows(seeded, "SELECT reasons, comment FROM review WHERE assessment_id = :a", a=first)
    assert stored and stored[0][1] == ""
    view = assessments.get_assessment(me, first)
    assert view.latest_review is not None
    assert view.latest_review.text("vi") == (
        "Số lao động không khớp hồ sơ doanh nghiệp; "
        "Thiếu phương án hoặc minh chứng (xe đưa đón, ký túc xá, nhà ăn)."
    )

    again = _submit(GOOD_ANSWERS, "two")
    assert scalar(seeded, "SELECT resubmission FROM assessment WHERE id = :a", a=again) in (1, True)
    assert assessments.get_assessment(board, again).resubmission
    waiting = lists.company_rows(board, latest_period_id(), only_to_review=True)
    assert waiting[0].assessment_id == again and waiting[0].resubmission
    expected = scalar(
        seeded,
        """SELECT count(*) FROM assessment a JOIN company c ON c.id = a.company_id
           JOIN zone z ON z.id = c.zone_id WHERE a.period_id = :p AND a.is_latest
           AND a.status = 'submitted' AND z.kind = 'industrial_zone'""",
        p=latest_period_id(),
    )
    assert len(waiting) == expected


def test_bulk_approval_approves_what_it_may_and_skips_the_rest(seeded: str) -> None:
    board = actor("zone_board")
    period = latest_period_id()
    waiting = [
        r.assessment_id for r in lists.company_rows(board, period, only_to_review=True) if r.assessment_id
    ][:3]
    assert len(waiting) == 3
    outside = scalar(
        seeded,
        """SELECT a.id FROM assessment a JOIN company c ON c.id = a.company_id
           JOIN zone z ON z.id = c.zone_id
           WHERE a.period_id = :p AND a.is_latest AND z.kind = 'district' LIMIT 1""",
        p=period,
    )
    assessments.review(board, waiting[0], "approve")  # approved meanwhile, by someone else
    result = assessments.approve_many(board, [*waiting, int(outside)], "en")
    assert result.approved == waiting[1:]
    assert [i for i, _ in result.skipped] == [waiting[0], outside]
    assert "latest submission awaiting review" in result.skipped[0][1]
    statuses = [scalar(seeded, "SELECT status FROM assessment WHERE id = :a", a=a) for a in waiting]
    assert statuses == ["approved"] * 3
    assert scalar(seeded, "SELECT count(*) FROM auditevent WHERE action = 'assessment.approve'") == 3
    with pytest.raises(Forbidden):
        assessments.approve_many(actor("ict"), waiting)
