"""Every submission, the trend, and why any two differ."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.scoring.compare import compare
from app.services import assessments
from app.services.assessments import ruleset_of
from app.ui.charts import index_trend
from app.ui.format import when
from app.ui.session import lang, require_actor, tr
from app.ui.widgets import level_html

actor = require_actor("company")
assert actor.company_id is not None
submissions = assessments.history(actor, actor.company_id)
st.title(tr("history.title"))
if not submissions:
    st.info(tr("history.empty"))
    st.stop()

ruleset = ruleset_of(submissions[0]).ruleset
labels = {lv.id: lv.label.get(lang()) for lv in ruleset.levels}
st.dataframe(
    pd.DataFrame(
        [
            {
                tr("history.col.round"): s.period_name,
                tr("history.col.submitted"): when(s.submitted_at),
                tr("history.col.status"): tr(f"status.{s.status}")
                + ("" if s.is_latest else f" ({tr('history.replaced')})"),
                tr("result.index"): s.risk_index,
                tr("result.level"): labels.get(s.level or "", s.level),
                tr("result.may_operate"): tr("common.yes") if s.may_operate else tr("common.no"),
            }
            for s in submissions
        ]
    ),
    hide_index=True,
    width="stretch",
    column_config={tr("result.index"): st.column_config.NumberColumn(format="%.2f%%")},
)

counting = [s for s in reversed(submissions) if s.is_latest]
if len(counting) > 1:
    st.plotly_chart(
        index_trend(
            [s.period_name.split(" (")[0] for s in counting],
            [s.risk_index or 0 for s in counting],
            [s.level or "" for s in counting],
            ruleset,
            lang(),
            tr("chart.index_trend"),
        ),
        key="history_trend",
    )

st.subheader(tr("history.compare"))
options = list(range(len(submissions)))


def describe(n: int) -> str:
    s = submissions[n]
    return f"{s.period_name} · {when(s.submitted_at)} · {s.risk_index:.2f}%"


cols = st.columns(2)
older = cols[0].selectbox(
    tr("history.before"), options, index=min(1, len(options) - 1), format_func=describe, key="cmp_a"
)
newer = cols[1].selectbox(tr("history.after"), options, index=0, format_func=describe, key="cmp_b")
before, after = submissions[older], submissions[newer]
comparison = compare(assessments.result_of(before), assessments.result_of(after))
st.markdown(
    tr(
        "history.summary",
        before=f"{before.risk_index:.2f}",
        after=f"{after.risk_index:.2f}",
        delta=f"{comparison.index_delta:+.2f}",
        points=f"{comparison.delta:+d}",
    )
    + f" {level_html(comparison.before.level)} → {level_html(comparison.after.level)}",
    unsafe_allow_html=True,
)
if not comparison.changes:
    st.info(tr("history.no_change"))
else:
    inputs = {i.id: i for i in ruleset.inputs}
    st.dataframe(
        pd.DataFrame(
            [
                {
                    tr("result.col.criterion"): f"{c.criterion_id} · {c.title.get(lang())}",
                    tr("history.col.before"): c.points_before,
                    tr("history.col.after"): c.points_after,
                    tr("history.col.delta"): c.delta,
                    tr("history.col.answers"): "; ".join(
                        f"{inputs[i].label.get(lang()) if i in inputs else i}: "
                        f"{before.answers.get(i, '—')} → {after.answers.get(i, '—')}"
                        for i in c.changed_inputs
                    ),
                }
                for c in comparison.changes
            ]
        ),
        hide_index=True,
        width="stretch",
    )

st.divider()
chosen = st.selectbox(tr("history.open"), options, format_func=describe, key="open_one")
if st.button(tr("history.open_button"), key="open_result"):
    st.session_state["show_assessment"] = submissions[chosen].id
    st.switch_page("app/pages/result.py")
