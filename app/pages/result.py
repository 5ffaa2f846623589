"""The result: level, index, obligation, may-operate and why, where the points come from, and what to
fix first. Shows the round's submission, or the one chosen in History (?assessment=ID)."""

from __future__ import annotations

import streamlit as st

from app.formatting import today_vietnam
from app.services.documents import company_reports
from app.services.errors import ServiceError
from app.services.filing import assessments, portal
from app.services.filing.assessments import AssessmentView
from app.ui.downloads import company_pdf_download, pdf_preview
from app.ui.format import rn, when
from app.ui.remediation import action_plan
from app.ui.result import fix_first, level_box, points
from app.ui.session import lang, require_actor, tr
from app.ui.text import plain
from app.ui.widgets import reconstructed_banner, signed_by, stop_on_bad_request
from app.vocabulary import Role, Status

actor = require_actor(Role.company)
requested = st.query_params.get("assessment") or st.session_state.get("show_assessment")
view: AssessmentView | None
try:
    if requested:
        view = assessments.get_assessment(actor, int(requested))
    else:
        state = portal.current_round(actor)
        view = state.submission or state.last
except (ServiceError, ValueError) as error:
    stop_on_bad_request(error)

if view is None or view.status == Status.draft:
    st.info(tr("result.none_yet"))
    st.stop()

shown: AssessmentView = view
result = assessments.result_of(shown)
ruleset = result.compiled.ruleset
st.title(tr("result.title", name=plain(rn(view.period_name))))
st.caption(tr("result.submitted", at=when(view.submitted_at), status=tr(f"status.{view.status}")))
reconstructed_banner(ruleset)
if view.latest_review and view.latest_review.text(lang()):
    st.warning(
        tr(
            "home.returned_comment",
            official=signed_by(view.latest_review),
            at=when(view.latest_review.at),
            comment=plain(view.latest_review.text(lang()), 2000),
        )
    )

round_name = plain(rn(view.period_name))
level_box(result)
fix_first(result, round_name)  # one computation: the plan below was raised from the same targets
action_plan(actor, today_vietnam(), shown.id, round_name)
points(result)
company_pdf_download(actor, shown.id, view.period_name)
language = lang()
pdf_preview(lambda: company_reports.preview_company_pdf(actor, shown.id, language), key=f"company_{shown.id}")
st.caption(
    tr(
        "result.ruleset_line",
        title=ruleset.title.get(lang()),
        version=ruleset.version,
        hash=view.ruleset_hash[:12],
    )
)
