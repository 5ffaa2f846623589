"""The official's company detail, in pieces: finding a company (by name or tax code), the latest
submission's answers and points per criterion, and the review actions."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.assessment.layout import questionnaire
from app.assessment.schema import numbering_key
from app.services.context import Actor
from app.services.errors import ServiceError
from app.services.filing import assessments, companies, credibility
from app.services.filing.assessments import AssessmentView
from app.services.scope import REVIEWERS
from app.ui.format import index
from app.ui.grid import static_table
from app.ui.questionnaire import answers_table
from app.ui.session import lang, tr
from app.ui.text import plain
from app.ui.widgets import headline_figures, level_badge, service_error
from app.vocabulary import Status


def pick_company(actor: Actor) -> int | None:
    """The company asked for in the address (`?company=ID`), with a search for another one a
    click away; else the search by name or tax code."""
    requested = st.query_params.get("company")
    if requested:
        with st.expander(tr("detail.other"), icon=":material/search:"):
            _search(actor)
        try:
            return int(requested)
        except ValueError:
            st.error(tr("error.bad_link"))
            return None
    st.info(tr("detail.pick"))
    _search(actor)
    return None


def _search(actor: Actor) -> None:
    text = st.text_input(tr("detail.search"), key="detail_search", placeholder=tr("detail.search_hint"))
    found = companies.search(actor, text) if text else []
    if text and not found:
        st.warning(tr("detail.no_match"))
    if found:
        by_id = {c.id: c for c in found}
        chosen = st.selectbox(
            tr("lists.open"),
            list(by_id),
            format_func={c.id: f"{c.tax_code} · {c.name} · {c.zone_name}" for c in found}.__getitem__,
            key="detail_pick",
        )
        if st.button(tr("lists.open_button"), icon=":material/open_in_new:", key="detail_open"):
            st.query_params["company"] = str(chosen)
            st.rerun()


def latest_figures(latest: AssessmentView) -> None:
    """The latest submission's level, index, whether the company may operate and the filing's
    status, and why it may not operate where it may not."""
    result = assessments.result_of(latest)
    level_badge(result.level, tr("result.level"))
    headline_figures(
        [
            (tr("result.index"), index(result.index, lang())),
            (tr("result.may_operate"), tr("common.yes") if result.may_operate else tr("common.no")),
            (tr("home.status"), tr(f"status.{latest.status}")),
        ]
    )
    if reason := result.floor_reason or result.may_operate_reason:
        st.error(reason.get(lang()))


def answers_and_points(latest: AssessmentView, previous: AssessmentView | None) -> None:
    """What the company answered and what each criterion scored, beside its previous submission,
    so the reviewer decides on the answers, not only on the level."""
    result = assessments.result_of(latest)
    before = assessments.result_of(previous) if previous is not None else None
    earlier = {c.id: c for c in before.criteria} if before is not None else {}
    rows = []
    for c in sorted(result.criteria, key=lambda c: numbering_key(c.id)):
        was = earlier.get(c.id)
        rows.append(
            {
                tr("result.col.criterion"): f"{c.id} · {c.title.get(lang())}",
                tr("result.col.answer"): c.fired.get(lang()),
                tr("result.col.points"): f"{c.points}/{c.max}",
                tr("detail.col.previous"): "—"
                if was is None
                else f"{was.points}/{was.max} · {was.fired.get(lang())}",
            }
        )
    st.subheader(tr("detail.answers"))
    # in HTML: an answer is a sentence, which the grid cut short at its column's width
    static_table(pd.DataFrame(rows))
    with st.expander(tr("detail.all_answers")):
        answers_table(
            result.compiled.ruleset, questionnaire(result.compiled.ruleset, latest.answers), latest.answers
        )


SEVERITY_ICONS = {"high": ":material/error:", "medium": ":material/warning:", "low": ":material/info:"}


def doubts(actor: Actor, latest: AssessmentView) -> None:
    """Reasons to doubt the self-assessment (app/credibility), for the official's eyes only: a
    prompt to look closer or to visit, not a verdict."""
    flags = credibility.flags_of(actor, latest.id, lang())
    if not flags:
        st.caption(tr("doubt.none"))
        return
    with st.container(border=True, key="doubts"):
        st.markdown(f"**{tr('doubt.title', count=len(flags))}**")
        for flag in flags:
            st.markdown(
                f"{SEVERITY_ICONS[flag.severity]} **{tr(f'doubt.{flag.severity}')}** · {plain(flag.text)}"
            )
        st.caption(tr("doubt.hint"))


def review_actions(actor: Actor, latest: AssessmentView) -> None:
    if actor.role not in REVIEWERS or not latest.is_latest or latest.status != Status.submitted:
        return
    st.markdown(f"**{tr('detail.review')}**")
    if latest.resubmission:
        st.info(tr("detail.resubmitted"))
    known = assessments.return_reasons()
    reasons = st.pills(
        tr("detail.reasons"),
        list(known),
        selection_mode="multi",
        format_func=lambda r: known[r].get(lang()),
        key="review_reasons",
    )
    comment = st.text_area(tr("detail.comment"), key="review_comment", max_chars=2000)
    left, right = st.columns(2)
    approve = left.button(tr("detail.approve"), type="primary", icon=":material/check:", key="approve")
    send_back = right.button(tr("detail.return"), icon=":material/undo:", key="return")
    if approve or send_back:
        try:
            assessments.review(actor, latest.id, "approve" if approve else "return", comment, reasons)
        except ServiceError as error:
            service_error(error)
        else:
            st.toast(tr("detail.reviewed"), icon=":material/check_circle:")
            st.rerun()
