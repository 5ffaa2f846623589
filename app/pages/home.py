"""The company's home: this round, its due date and status, and the latest level."""

from __future__ import annotations

import streamlit as st

from app.sectors import sector_name
from app.services.filing import portal
from app.services.filing.assessments import ruleset_of
from app.ui.format import day, number, rn, today_vietnam, when
from app.ui.home import go_to_round, latest_level, other_rounds, returned_warning
from app.ui.reminders import company_notices
from app.ui.session import lang, require_actor, round_in_address, tr
from app.ui.text import plain
from app.ui.widgets import headline_figures, reconstructed_banner
from app.vocabulary import Role, Status

actor = require_actor(Role.company)
state = portal.current_round(actor, round_in_address())

st.title(plain(state.company.name))
company_notices(actor)
st.caption(
    f"{tr('company.tax_code')}: {state.company.tax_code} · {plain(state.company.zone_name)} · "
    f"{plain(sector_name(state.company.sector, lang()))}"
)

if state.period is None:
    st.info(tr("home.no_round"))
    st.stop()

period = state.period
ruleset = ruleset_of(period).ruleset
reconstructed_banner(ruleset)
days_left = (period.due_on - today_vietnam()).days

with st.container(border=True):
    st.subheader(tr("home.current_round", name=plain(rn(period.name))))
    if period.closed:
        time_left = tr("home.closed")
    elif days_left >= 0:
        time_left = number(days_left, lang())
    else:
        time_left = tr("home.overdue", days=-days_left)
    headline_figures(
        [
            (tr("home.due"), day(period.due_on)),
            (tr("home.days_left"), time_left),
            (tr("home.status"), tr(f"status.{state.status}")),
        ]
    )

    if state.status == Status.returned and state.submission and state.submission.latest_review:
        returned_warning(state.submission.latest_review)
    if state.status in ("not_started", Status.draft, Status.returned) and not period.closed:
        label = {"draft": "home.continue", "returned": "assessment.correct"}.get(state.status, "home.start")
        if st.button(tr(label), type="primary", icon=":material/edit_note:", key="go_assessment"):
            go_to_round(actor, period, start=True)
    elif state.submission is not None:
        st.success(tr("home.submitted_at", at=when(state.submission.submitted_at)))
        if st.button(tr("home.see_result"), icon=":material/fact_check:", key="go_result"):
            st.switch_page("app/pages/result.py")

other_rounds(actor, state)

latest_level(state)
