"""Starting a round's draft, and the review step: the answers as filed, then the result they will
get, then one confirmed submit."""

from __future__ import annotations

import uuid
from typing import NoReturn

import streamlit as st

from app.assessment.answers import InvalidAnswers
from app.assessment.layout import SectionBlock
from app.assessment.schema import RuleSet
from app.services.context import Actor
from app.services.errors import ServiceError
from app.services.filing import assessments
from app.services.filing.assessments import AssessmentView
from app.services.filing.portal import CompanyRound
from app.ui.format import when
from app.ui.questionnaire import answers_table
from app.ui.result import level_box
from app.ui.session import lang, tr
from app.ui.text import plain
from app.ui.widgets import service_error
from app.vocabulary import Status


def start_or_stop(actor: Actor, state: CompanyRound) -> NoReturn:
    """No draft yet: say where the round stands and offer to start (or correct); a click makes
    the draft and reruns, so the form shows at once and the button does not linger above it."""
    period = state.period
    if period is None or period.closed:
        st.info(tr("assessment.closed"))
        st.stop()
    label = tr("assessment.begin")
    if state.submission is not None:
        st.success(tr("assessment.already_submitted", at=when(state.submission.submitted_at)))
        review = state.submission.latest_review
        if state.submission.status == Status.returned and review is not None:
            st.warning(tr("assessment.returned", comment=plain(review.text(lang()), 2000)))
        label = tr(
            "assessment.correct" if state.submission.status == Status.returned else "assessment.new_version"
        )
    if st.button(label, type="primary", key="start_draft") and period.id is not None:
        try:
            assessments.start_draft(actor, period.id)
        except ServiceError as error:
            service_error(error)
            st.stop()
        st.rerun()
    st.stop()


def review_and_submit(
    actor: Actor, draft: AssessmentView, ruleset: RuleSet, layout: list[SectionBlock]
) -> None:
    st.subheader(tr("assessment.review_step"))
    answers_table(ruleset, layout, draft.answers)
    try:
        preview = assessments.preview(actor, draft.id)
    except InvalidAnswers as invalid:
        st.warning(tr("assessment.not_ready", count=len(invalid.problems)))
        where = {i: n for n, b in enumerate(layout) for i in b.input_ids}
        for problem in invalid.problems:
            section = where.get(problem.input_id)
            label = (
                ruleset.input(problem.input_id).label.get(lang()) if section is not None else problem.input_id
            )
            title = layout[section].title.get(lang()) if section is not None else ""
            st.markdown(
                f"- **{section + 1 if section is not None else '?'}. {title}** · {label}: "
                f"{problem.message.get(lang())}"
            )
        return
    st.markdown(tr("assessment.will_get"))
    level_box(preview)
    key_name = f"submit_key_{draft.id}"
    st.session_state.setdefault(key_name, uuid.uuid4().hex)
    confirmed = st.checkbox(tr("assessment.confirm"), key=f"confirm_{draft.id}")
    if st.button(
        tr("assessment.submit"), type="primary", disabled=not confirmed, icon=":material/send:", key="submit"
    ):
        try:
            done = assessments.submit(actor, draft.id, st.session_state[key_name])
        except InvalidAnswers as invalid:
            st.error(str(invalid))
        except ServiceError as error:
            service_error(error)
        else:
            st.session_state["show_assessment"] = done.id
            st.switch_page("app/pages/result.py", query_params={"assessment": str(done.id)})
