"""What if in pieces: where the projection starts (which round, which paper), and the projected
level beside the one the company has now."""

from __future__ import annotations

from typing import Any

import streamlit as st

from app.assessment.answers import InvalidAnswers
from app.assessment.loader import LoadedRuleSet
from app.scoring import ScoreResult
from app.scoring.compare import index_change
from app.services.context import Actor
from app.services.errors import ServiceError
from app.services.filing import portal
from app.services.filing.portal import WhatIfStart
from app.ui.format import index, rn, signed
from app.ui.session import lang, tr
from app.ui.text import plain
from app.ui.widgets import level_badge, stop_on_bad_request
from app.vocabulary import Status


def starting_point(actor: Actor) -> WhatIfStart:
    """The filing or draft the company touched last, or the one History sent (?assessment=),
    named on the page; the widgets start afresh when the starting point changes."""
    try:
        requested = st.query_params.get("assessment")
        start = portal.what_if_start(actor, int(requested) if requested else None)
    except (ServiceError, ValueError) as error:
        stop_on_bad_request(error)
    base_id = start.base.id if start.base else None
    if st.session_state.get("wi__base") != base_id:
        for key in [k for k in st.session_state if str(k).startswith("wi_")]:
            del st.session_state[key]
        st.session_state["wi__base"] = base_id
    st.title(tr("whatif.title"))
    st.caption(tr("whatif.caption"))
    if start.base is not None:
        kind = "draft" if start.base.status == Status.draft else "submission"
        st.markdown(tr(f"whatif.from_{kind}", round=plain(rn(start.base.period_name))))
    return start


def projection(loaded: LoadedRuleSet, answers: dict[str, Any], current: ScoreResult | None) -> None:
    st.subheader(tr("whatif.projected"))
    try:
        projected = portal.project(loaded, answers)
    except InvalidAnswers as invalid:
        st.warning(tr("whatif.incomplete"))
        labels = {i.id: i.label.get(lang()) for i in loaded.ruleset.inputs}
        for problem in invalid.problems[:8]:
            st.caption(f"{labels.get(problem.input_id, '?')}: {problem.message.get(lang())}")
        return
    level_badge(projected.level)
    # exact from the totals, rounded once where it is shown
    delta = None if current is None else signed(index_change(current, projected), lang(), 2)
    st.metric(
        tr("result.index"),
        index(projected.index, lang()),
        delta=None if delta is None or delta.startswith("±") else delta,  # no arrow for "no change"
        delta_color="inverse",
    )
    st.metric(tr("result.may_operate"), tr("common.yes") if projected.may_operate else tr("common.no"))
    if current is not None:
        st.caption(
            tr("whatif.current", level=current.level.label.get(lang()), index=index(current.index, lang()))
        )
    if projected.may_operate_reason:
        st.error(projected.may_operate_reason.get(lang()))
