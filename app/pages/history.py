"""Every submission, the trend, and why any two differ."""

from __future__ import annotations

from datetime import date

import streamlit as st

from app.services.filing import assessments
from app.services.filing.assessments import ruleset_of
from app.ui.charts import STILL, index_trend
from app.ui.format import rn
from app.ui.session import lang, require_actor, tr
from app.ui.tables import comparison_picker, submission_labels, submissions_table
from app.vocabulary import Role

actor = require_actor(Role.company)
submissions = assessments.history(actor, actor.company_id or 0)  # a company account has one
st.title(tr("history.title"))
if not submissions:
    st.info(tr("history.empty"))
    st.stop()

ruleset = ruleset_of(submissions[0]).ruleset
submissions_table(submissions, ruleset, with_operate=True)

# one point per round, rounds in calendar order (a late Tuần 40 filed after Tuần 41 stays before it)
counting = sorted(
    (s for s in submissions if s.is_latest), key=lambda s: (s.period_opens_on or date.min, s.period_id)
)
if len(counting) > 1:
    st.plotly_chart(
        index_trend(
            [rn(s.period_name).split(" (")[0] for s in counting],
            [s.risk_index or 0 for s in counting],
            [s.level or "" for s in counting],
            ruleset,
            lang(),
            tr("chart.index_trend"),
        ),
        key="history_trend",
        config=STILL,
    )

options = list(range(len(submissions)))
if len(submissions) > 1:
    comparison_picker(submissions, ruleset, "cmp")


st.divider()
chosen = st.selectbox(tr("history.open"), options, format_func=submission_labels(submissions), key="open_one")
if st.button(tr("history.open_button"), key="open_result"):
    st.session_state["show_assessment"] = submissions[chosen].id
    # in the address too, so that a reload or a copied link shows the same submission
    st.switch_page("app/pages/result.py", query_params={"assessment": str(submissions[chosen].id)})
