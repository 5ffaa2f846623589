"""The result: level, index, obligation, may-operate and why, where the points come from, and what to
fix first. Shows the round's submission, or the one chosen in History (?assessment=ID)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.scoring import recommend
from app.services import assessments, portal, reports
from app.services.assessments import AssessmentView
from app.services.errors import ServiceError
from app.ui.charts import section_points
from app.ui.downloads import pdf_download, pdf_preview
from app.ui.format import index, rn, when
from app.ui.session import lang, require_actor, tr
from app.ui.text import plain
from app.ui.widgets import level_badge, reconstructed_banner, service_error, signed_by

actor = require_actor("company")
requested = st.query_params.get("assessment") or st.session_state.get("show_assessment")
view: AssessmentView | None
try:
    if requested:
        view = assessments.get_assessment(actor, int(requested))
    else:
        state = portal.current_round(actor)
        view = state.submission or state.last
except (ServiceError, ValueError) as error:
    if isinstance(error, ServiceError):
        service_error(error)
    else:
        st.error(tr("error.bad_link"))
    st.stop()

if view is None or view.status == "draft":
    st.info(tr("result.none_yet"))
    st.stop()

shown: AssessmentView = view
result = assessments.result_of(shown)
ruleset = result.compiled.ruleset
st.title(tr("result.title", name=plain(rn(view.period_name))))
st.caption(tr("result.submitted", at=when(view.submitted_at), status=tr(f"status.{view.status}")))
reconstructed_banner(ruleset)
if view.latest_review and view.latest_review.comment:
    st.warning(
        tr(
            "home.returned_comment",
            official=signed_by(view.latest_review),
            at=when(view.latest_review.at),
            comment=plain(view.latest_review.comment, 2000),
        )
    )

with st.container(border=True):
    level_badge(result.level, tr("result.level"))
    cols = st.columns(3)
    cols[0].metric(tr("result.index"), index(result.index, lang()))
    cols[1].metric(tr("result.total"), f"{result.total}/{result.max_total}")
    cols[2].metric(tr("result.may_operate"), tr("common.yes") if result.may_operate else tr("common.no"))
    if result.floor_reason:
        st.error(result.floor_reason.get(lang()))
    elif result.may_operate_reason:
        st.error(result.may_operate_reason.get(lang()))
    st.markdown(f"**{tr('result.obligation')}:** {result.obligation.get(lang())}")

recommendations = recommend(result)
st.subheader(tr("result.fix_first"))
next_band = recommendations.next_band
if next_band is None:
    st.success(tr("result.lowest_level"))
elif not next_band.reachable:
    st.warning(next_band.note.get(lang()))
else:
    st.markdown(next_band.note.get(lang()))
    for change in next_band.changes:
        saved = tr("result.points_saved", points=change.points_saved)
        st.markdown(
            f"- **{change.input_label.get(lang())}**: {change.current_label.get(lang())} → "
            f"**{change.proposed_label.get(lang())}** ({saved})"
        )
if recommendations.priorities:
    with st.expander(tr("result.priorities"), expanded=next_band is None):
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        tr("result.col.criterion"): f"{p.criterion_id} · {p.title.get(lang())}",
                        tr("result.col.points"): p.points,
                        tr("result.col.recoverable"): p.recoverable,
                        tr("result.col.how"): "; ".join(
                            f"{c.input_label.get(lang())} → {c.proposed_label.get(lang())}" for c in p.changes
                        ),
                    }
                    for p in recommendations.priorities
                ]
            ),
            hide_index=True,
        )

st.plotly_chart(
    section_points(
        [(s.title.get(lang()), s.points, s.max) for s in result.sections],
        tr("chart.section_points"),
        tr("result.col.points"),
        tr("result.col.max"),
    ),
    key="section_chart",
)

st.subheader(tr("result.by_criterion"))
st.dataframe(
    pd.DataFrame(
        [
            {
                tr("result.col.criterion"): f"{c.id} · {c.title.get(lang())}",
                tr("result.col.answer"): c.fired.get(lang()),
                tr("result.col.points"): c.points,
                tr("result.col.max"): c.max,
                tr("result.col.provenance"): tr(f"provenance.{c.provenance}"),
            }
            for c in result.criteria
        ]
    ),
    hide_index=True,
    width="stretch",
)
language = lang()
pdf_download(
    tr("download.company_pdf"),
    f"zonerisk-{view.company_id}-{view.id}.pdf",
    lambda: reports.export_company_pdf(actor, shown.id, language),
    key="company_pdf",
)
pdf_preview(lambda: reports.preview_company_pdf(actor, shown.id, language), key=f"company_{shown.id}")
st.caption(
    tr(
        "result.ruleset_line",
        title=ruleset.title.get(lang()),
        version=ruleset.version,
        hash=view.ruleset_hash[:12],
    )
)
