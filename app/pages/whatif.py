"""What if: change any answer and see the projected level at once. Nothing is saved."""

from __future__ import annotations

from typing import Any

import streamlit as st

from app.assessment.answers import InvalidAnswers
from app.assessment.layout import questionnaire
from app.services.errors import ServiceError
from app.services.filing import portal
from app.ui.format import index, rn, signed
from app.ui.questionnaire import answer_input
from app.ui.session import lang, require_actor, tr
from app.ui.text import plain
from app.ui.widgets import level_badge, reconstructed_banner, service_error
from app.vocabulary import Role, Status

actor = require_actor(Role.company)
try:
    requested = st.query_params.get("assessment")
    start = portal.what_if_start(actor, int(requested) if requested else None)
except (ServiceError, ValueError) as error:
    if isinstance(error, ServiceError):
        service_error(error)
    else:
        st.error(tr("error.bad_link"))
    st.stop()
loaded, base, current, ruleset = start.loaded, start.answers, start.current, start.loaded.ruleset

st.title(tr("whatif.title"))
st.caption(tr("whatif.caption"))
if start.base is not None:  # which round and which paper the projection starts from
    st.markdown(
        tr(
            f"whatif.from_{'draft' if start.base.status == Status.draft else 'submission'}",
            round=plain(rn(start.base.period_name)),
        )
    )
reconstructed_banner(ruleset)
if st.button(tr("whatif.reset"), icon=":material/restart_alt:", key="whatif_reset"):
    for key in [k for k in st.session_state if str(k).startswith("wi_")]:
        del st.session_state[key]
    st.rerun()

# what the system fills in (the area's epidemic level) is kept from the base, never a widget;
# the questions follow the answers as they stand in the widgets now
answers: dict[str, Any] = {i.id: base[i.id] for i in ruleset.inputs if i.provided_by and i.id in base}
typed = {i.id: st.session_state.get(f"wi_{i.id}", base.get(i.id)) for i in ruleset.inputs}
left, right = st.columns([3, 2])
with left:
    for block in questionnaire(ruleset, {**typed, **answers}):
        with st.expander(block.title.get(lang()), expanded=False):
            for criterion_block in block.blocks:
                for item in criterion_block.inputs:
                    answers[item.id] = answer_input(item, f"wi_{item.id}", base.get(item.id), widget="select")

with right:
    st.subheader(tr("whatif.projected"))
    try:
        projected = portal.project(loaded, answers)
    except InvalidAnswers as invalid:
        st.warning(tr("whatif.incomplete"))
        labels = {i.id: i.label.get(lang()) for i in ruleset.inputs}
        for problem in invalid.problems[:8]:
            st.caption(f"{labels.get(problem.input_id, '?')}: {problem.message.get(lang())}")
    else:
        level_badge(projected.level)
        delta = None if current is None else round(projected.index - current.index, 2)
        st.metric(
            tr("result.index"),
            index(projected.index, lang()),
            delta=None if not delta else signed(delta, lang(), 2),  # no red arrow for "no change"
            delta_color="inverse",
        )
        st.metric(tr("result.may_operate"), tr("common.yes") if projected.may_operate else tr("common.no"))
        if current is not None:
            st.caption(
                tr(
                    "whatif.current",
                    level=current.level.label.get(lang()),
                    index=index(current.index, lang()),
                )
            )
        if projected.may_operate_reason:
            st.error(projected.may_operate_reason.get(lang()))
