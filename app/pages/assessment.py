"""The questionnaire: section by section, saved as a draft at any time, checked in the scorer's own
words, and submitted once after the company has reviewed its answers and the result it will get."""

from __future__ import annotations

import streamlit as st

from app.assessment.answers import Problem
from app.assessment.layout import questionnaire
from app.assessment.progress import after_save, progress
from app.services.errors import ServiceError
from app.services.filing import assessments, portal
from app.services.filing.assessments import ruleset_of
from app.ui.format import day, rn, when
from app.ui.questionnaire import merged, navigation, section_form
from app.ui.review import review_and_submit, start_or_stop
from app.ui.session import lang, require_actor, round_in_address, tr
from app.ui.style import ask_for_top, scroll_to_top
from app.ui.text import plain
from app.ui.widgets import reconstructed_banner, service_error
from app.vocabulary import Role, Status

actor = require_actor(Role.company)
state = portal.current_round(actor, round_in_address())
if state.period is None:
    st.info(tr("home.no_round"))
    st.stop()
period = state.period
st.title(tr("assessment.title", name=plain(rn(period.name))))
st.caption(tr("assessment.due", due=day(period.due_on)))
draft = state.draft or start_or_stop(actor, state)
returned = state.submission if state.submission and state.submission.status == Status.returned else None
if returned is not None and returned.latest_review and returned.latest_review.text(lang()):
    # correcting a returned submission: why it came back stays in sight while fixing it
    st.warning(tr("assessment.returned", comment=plain(returned.latest_review.text(lang()), 2000)))

ruleset = ruleset_of(draft).ruleset
reconstructed_banner(ruleset)
layout = questionnaire(ruleset, draft.answers)  # what the saved answers make applicable
for provided in (
    i for i in ruleset.inputs if i.provided_by == "area_epidemic_level" and i.id in draft.answers
):
    shown = next(
        (o.label.get(lang()) for o in provided.options or [] if o.id == draft.answers[provided.id]), ""
    )
    st.info(tr("assessment.area_level", level=plain(shown)), icon=":material/coronavirus:")
refused: dict[str, list[Problem]] = {}
for problem in assessments.draft_problems(draft):  # from the saved draft, on every run
    refused.setdefault(problem.input_id, []).append(problem)
step_key = f"step_{draft.id}"
now = progress([b.input_ids for b in layout], draft.answers, refused, st.session_state.get(step_key))
if draft.untouched_prefill:
    st.info(tr("assessment.prefilled"))
chosen = navigation(now, [b.title.get(lang()) for b in layout], f"nav_{draft.id}")
if chosen != now.step:
    st.session_state[step_key] = chosen
    st.rerun()
st.caption(tr("assessment.saved_at", at=when(draft.updated_at)))

scroll_to_top()
if now.on_review:
    review_and_submit(actor, draft, ruleset, layout)
    st.stop()
block = layout[now.step]
values, save_only, save_next = section_form(block, draft.answers, refused, f"{draft.id}")
if save_only or save_next:
    try:
        _saved, found = assessments.save_draft(
            actor, draft.id, merged(draft.answers, values, block.input_ids)
        )
    except ServiceError as error:
        service_error(error)
        st.stop()
    clean = not any(p.input_id in block.input_ids for p in found)
    st.session_state[step_key] = after_save(now, clean, advance=bool(save_next))
    if clean:
        st.toast(tr("assessment.saved"), icon=":material/save:")
        if save_next:  # the next section is read from its top
            ask_for_top()
    st.rerun()
