"""The company's other rounds on Home: every open round and every returned submission, each one
click from its questionnaire, so a new round opening never hides last week's return."""

from __future__ import annotations

from typing import NoReturn

import streamlit as st

from app.services.context import Actor
from app.services.errors import ServiceError
from app.services.filing import assessments
from app.services.filing.assessments import ReviewView, ruleset_of
from app.services.filing.portal import CompanyRound
from app.ui.format import day, index, rn, when
from app.ui.session import lang, tr
from app.ui.text import plain
from app.ui.widgets import level_badge, service_error, signed_by
from app.vocabulary import Status
from db.models import Period


def go_to_round(actor: Actor, period: Period, start: bool) -> NoReturn:
    """Open the questionnaire of `period`, its draft made first (one click, not two)."""
    if start and period.id is not None:
        try:
            assessments.start_draft(actor, period.id)
        except ServiceError as error:
            service_error(error)
            st.stop()
    st.switch_page("app/pages/assessment.py", query_params={"round": str(period.id)})


def other_rounds(actor: Actor, state: CompanyRound) -> None:
    others = [c for c in state.rounds if state.period is None or c.period.id != state.period.id]
    acting = [c for c in others if c.needs_action]
    if not acting:
        return
    with st.container(border=True):
        st.subheader(tr("home.other_rounds"))
        for choice in acting:
            left, right = st.columns([3, 1])
            left.markdown(
                f"**{plain(rn(choice.period.name))}** · {tr('home.due')} {day(choice.period.due_on)} · "
                f"{tr(f'status.{choice.status}')}"
            )
            label = {"returned": "assessment.correct", "draft": "home.continue"}.get(
                choice.status, "home.start"
            )
            if right.button(tr(label), key=f"round_{choice.period.id}", width="stretch"):
                go_to_round(actor, choice.period, start=choice.status != Status.draft)
            if choice.returned_by is not None:  # each returned round with its own reason
                with left:
                    returned_warning(choice.returned_by)


def returned_warning(review: ReviewView) -> None:
    """Why a submission came back, who sent it back and when."""
    if review.text(lang()):
        st.warning(
            tr(
                "home.returned_comment",
                official=signed_by(review),
                at=when(review.at),
                comment=plain(review.text(lang()), 2000),
            )
        )


def latest_level(state: CompanyRound) -> None:
    """The level of the company's newest submission, whatever its round."""
    if state.last is not None and state.last.level:
        with st.container(border=True):
            st.subheader(tr("home.latest_level"))
            last_ruleset = ruleset_of(state.last).ruleset
            level_badge(last_ruleset.level(state.last.level))
            st.write(
                tr(
                    "home.latest_detail",
                    period=plain(rn(state.last.period_name)),
                    index=index(state.last.risk_index, lang()),
                    total=state.last.total,
                    max=state.last.max_total,
                )
            )
            if state.last.may_operate is False:
                st.error(tr("result.may_not_operate"))
            obligation = last_ruleset.level(state.last.level).obligation.get(lang())
            st.caption(f"{tr('result.obligation')}: {obligation}")
