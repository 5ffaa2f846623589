"""The company's result in pieces: the level box, what to fix first (the next achievable steps),
points by section and by criterion."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.scoring import ScoreResult, recommend
from app.ui.bars import STYLE, points_bars
from app.ui.format import index
from app.ui.grid import static_table
from app.ui.session import lang, tr
from app.ui.widgets import headline_figures, level_badge


def level_box(result: ScoreResult) -> None:
    with st.container(border=True):
        level_badge(result.level, tr("result.level"))
        headline_figures(
            [
                (tr("result.index"), index(result.index, lang())),
                (tr("result.total"), f"{result.total}/{result.max_total}"),
                (tr("result.may_operate"), tr("common.yes") if result.may_operate else tr("common.no")),
            ]
        )
        if result.floor_reason:
            st.error(result.floor_reason.get(lang()))
        elif result.may_operate_reason:
            st.error(result.may_operate_reason.get(lang()))
        st.markdown(f"**{tr('result.obligation')}:** {result.obligation.get(lang())}")
    conditions(result)


def conditions(result: ScoreResult) -> None:
    """The conditions that must hold, failed ones first with what to do and by when; and which
    questions were not asked, so a company knows why a criterion has no points."""
    if result.compliance is not None:
        with st.container(border=True):
            st.markdown(f"**{tr('compliance.title')}:** {tr(f'compliance.{result.compliance}')}")
            for item in sorted(result.conditions, key=lambda c: not c.failed):
                on_fail = item.condition.on_fail
                if item.failed:
                    when = (
                        tr("compliance.fix_by", days=on_fail.fix_within_days)
                        if on_fail.may_operate and on_fail.fix_within_days
                        else tr("compliance.stops")
                    )
                    st.error(
                        f"**{item.condition.title.get(lang())}** — {on_fail.action.get(lang())} ({when})",
                        icon=":material/cancel:",
                    )
                else:
                    st.markdown(
                        f"- {item.condition.title.get(lang())}: {tr(f'compliance.outcome.{item.outcome}')}"
                    )
    if result.hidden:
        asked = result.compiled.ruleset
        st.caption(
            tr(
                "compliance.not_asked",
                items="; ".join(asked.input(i).label.get(lang()) for i in result.not_asked),
            )
        )


def fix_first(result: ScoreResult, round_name: str) -> None:
    recommendations = recommend(result)
    st.subheader(f"{tr('result.fix_first')} · {round_name}")
    next_band = recommendations.next_band
    if next_band is None:
        st.success(tr("result.lowest_level"))
    elif not next_band.reachable:
        st.warning(next_band.note.get(lang()))
    else:
        st.markdown(next_band.note.get(lang()))
        for change in next_band.changes:
            saved = tr("result.points_saved", points=change.points_saved)
            st.markdown(
                f"- **{change.input_label.get(lang())}**: {change.current_label.get(lang())} → "
                f"**{change.proposed_label.get(lang())}** ({saved})"
            )
    if recommendations.priorities:
        with st.expander(tr("result.priorities"), expanded=next_band is None):
            static_table(
                pd.DataFrame(
                    [
                        {
                            tr("result.col.criterion"): f"{p.criterion_id} · {p.title.get(lang())}",
                            tr("result.col.points"): p.points,
                            tr("result.col.recoverable"): p.recoverable,
                            tr("result.col.how"): "; ".join(
                                f"{c.input_label.get(lang())} → {c.proposed_label.get(lang())}"
                                for c in p.changes
                            ),
                        }
                        for p in recommendations.priorities
                    ]
                )
            )


def points(result: ScoreResult) -> None:
    st.markdown(
        STYLE
        + points_bars(
            tr("chart.section_points"),
            tr("result.col.points"),
            tr("result.col.max"),
            [(s.title.get(lang()), s.points, s.max) for s in result.sections],
        ),
        unsafe_allow_html=True,
    )

    st.subheader(tr("result.by_criterion"))
    static_table(
        pd.DataFrame(
            [
                {
                    tr("result.col.criterion"): f"{c.id} · {c.title.get(lang())}",
                    tr("result.col.answer"): c.fired.get(lang()),
                    tr("result.col.points"): c.points,
                    tr("result.col.max"): c.max,
                    tr("result.col.provenance"): tr(f"provenance.{c.provenance}"),
                }
                for c in result.criteria
            ]
        )
    )
