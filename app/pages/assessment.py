"""The questionnaire: section by section, saved as a draft at any time, checked in the scorer's own
words, and submitted once after the company has seen the result it will get."""

from __future__ import annotations

import uuid
from typing import Any

import streamlit as st

from app.assessment.answers import InvalidAnswers, Problem
from app.assessment.layout import questionnaire
from app.assessment.schema import Input
from app.services import assessments, portal
from app.services.assessments import ruleset_of
from app.services.errors import ServiceError
from app.ui import cache
from app.ui.format import day, index, when
from app.ui.session import lang, require_actor, tr
from app.ui.text import plain
from app.ui.widgets import level_badge, reconstructed_banner, service_error

actor = require_actor("company")
state = portal.current_round(actor)
if state.period is None:
    st.info(tr("home.no_round"))
    st.stop()
period = state.period

st.title(tr("assessment.title", name=plain(period.name)))
st.caption(tr("assessment.due", due=day(period.due_on)))

draft = state.draft
if draft is None:
    if period.closed:
        st.info(tr("assessment.closed"))
        st.stop()
    if state.submission is not None:
        st.success(tr("assessment.already_submitted", at=when(state.submission.submitted_at)))
        if state.submission.status == "returned" and state.submission.latest_review:
            st.warning(tr("assessment.returned", comment=plain(state.submission.latest_review.comment, 2000)))
        label = (
            tr("assessment.correct")
            if state.submission.status == "returned"
            else tr("assessment.new_version")
        )
    else:
        label = tr("assessment.begin")
    if not st.button(label, type="primary", key="start_draft"):
        st.stop()
    try:
        draft = assessments.start_draft(actor, period.id)  # type: ignore[arg-type]
    except ServiceError as error:
        service_error(error)
        st.stop()

loaded = ruleset_of(draft)
ruleset = loaded.ruleset
reconstructed_banner(ruleset)
layout = questionnaire(ruleset)
problems_key = f"problems_{draft.id}"
step_key = f"step_{draft.id}"
problems: dict[str, list[Problem]] = st.session_state.get(problems_key, {})
answers: dict[str, Any] = dict(draft.answers)


def section_mark(input_ids: tuple[str, ...]) -> str:
    if any(i in problems for i in input_ids):
        return "⚠"
    return "✓" if all(answers.get(i) is not None for i in input_ids) else "…"


steps = [
    f"{n + 1}. {block.section.title.get(lang())} {section_mark(block.input_ids)}"
    for n, block in enumerate(layout)
]
steps.append(f"{len(layout) + 1}. {tr('assessment.review_step')}")
st.session_state.setdefault(step_key, 0)
if f"goto_{step_key}" in st.session_state:  # set by "save and continue" on the previous run
    st.session_state[step_key] = st.session_state.pop(f"goto_{step_key}")
step = st.radio(
    tr("assessment.sections"),
    range(len(steps)),
    format_func=lambda n: steps[n],
    horizontal=True,
    key=step_key,
)
st.caption(tr("assessment.saved_at", at=when(draft.updated_at)))


def widget(item: Input, key: str) -> Any:
    """One input, as the rule set describes it; no bounds here, so the scorer's message shows."""
    label = item.label.get(lang())
    help_text = item.help.get(lang()) if item.help else None
    current = answers.get(item.id)
    if item.kind == "choice":
        options = item.option_ids()
        labels = {o.id: o.label.get(lang()) for o in item.options or []}
        return st.radio(
            label,
            options,
            index=options.index(current) if current in options else None,
            format_func=lambda o: labels[o],
            help=help_text,
            key=key,
        )
    if item.kind == "integer":
        value = int(current) if isinstance(current, (int, float)) and not isinstance(current, bool) else None
        return st.number_input(
            label, value=value, step=1, format="%d", help=help_text, key=key, placeholder="—"
        )
    value = float(current) if isinstance(current, (int, float)) and not isinstance(current, bool) else None
    return st.number_input(
        label, value=value, step=1.0, format="%.2f", help=help_text, key=key, placeholder="—"
    )


def save(values: dict[str, Any], section_ids: tuple[str, ...]) -> bool:
    merged = {**answers, **values}
    for input_id in section_ids:
        if values.get(input_id) is None:
            merged.pop(input_id, None)
    try:
        _saved, found = assessments.save_draft(actor, draft.id, merged)
    except ServiceError as error:
        service_error(error)
        return False
    grouped: dict[str, list[Problem]] = {}
    for problem in found:
        grouped.setdefault(problem.input_id, []).append(problem)
    st.session_state[problems_key] = grouped
    return not any(i in grouped for i in section_ids)


if step < len(layout):
    block = layout[step]
    with st.form(f"section_{draft.id}_{block.section.id}", enter_to_submit=False):
        values: dict[str, Any] = {}
        for criterion_block in block.blocks:
            criterion = criterion_block.criterion
            st.markdown(
                f"**{criterion.id} · {criterion.title.get(lang())}** "
                f"<span style='color:#777'>({tr('assessment.max_points', max=criterion.max)})</span>",
                unsafe_allow_html=True,
            )
            if criterion.help:
                st.caption(criterion.help.get(lang()))
            for item in criterion_block.inputs:
                values[item.id] = widget(item, f"in_{draft.id}_{item.id}")
                for problem in problems.get(item.id, []):
                    allowed = problem.allowed.get(lang())
                    st.error(f"{problem.message.get(lang())} — {tr('assessment.allowed')}: {allowed}")
        left, right = st.columns(2)
        save_only = left.form_submit_button(
            tr("assessment.save_draft"), icon=":material/save:", width="stretch"
        )
        save_next = right.form_submit_button(tr("assessment.save_next"), type="primary", width="stretch")
    if save_only or save_next:
        ok = save(values, block.input_ids)
        if ok and save_next:
            st.session_state[f"goto_{step_key}"] = step + 1
        if ok:
            st.toast(tr("assessment.saved"), icon=":material/save:")
        st.rerun()
else:
    st.subheader(tr("assessment.review_step"))
    try:
        preview = assessments.preview(actor, draft.id)
    except InvalidAnswers as invalid:
        st.warning(tr("assessment.not_ready", count=len(invalid.problems)))
        where = {i: n for n, b in enumerate(layout) for i in b.input_ids}
        for problem in invalid.problems:
            section_no = where.get(problem.input_id, 0)
            label = (
                ruleset.input(problem.input_id).label.get(lang())
                if problem.input_id in where
                else problem.input_id
            )
            st.markdown(
                f"- **{steps[section_no].rsplit(' ', 1)[0]}** · {label}: {problem.message.get(lang())}"
            )
        st.stop()
    with st.container(border=True):
        st.markdown(tr("assessment.will_get"))
        level_badge(preview.level)
        cols = st.columns(3)
        cols[0].metric(tr("result.index"), index(preview.index, lang()))
        cols[1].metric(tr("result.total"), f"{preview.total}/{preview.max_total}")
        cols[2].metric(tr("result.may_operate"), tr("common.yes") if preview.may_operate else tr("common.no"))
        if preview.may_operate_reason:
            st.error(preview.may_operate_reason.get(lang()))
        st.caption(f"{tr('result.obligation')}: {preview.obligation.get(lang())}")
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
            cache.invalidate()  # the officials' numbers change with this submission
            st.session_state["show_assessment"] = done.id
            st.session_state.pop(problems_key, None)
            st.switch_page("app/pages/result.py")
