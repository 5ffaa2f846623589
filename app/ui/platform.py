"""The platforms' figures beside what companies claimed: the table on the platform page and the
lines on the company detail."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.services.admin import platform_import
from app.services.admin.platform_import import Comparison
from app.services.context import Actor
from app.services.filing.assessments import AssessmentView
from app.services.oversight.filters import Filters
from app.ui.format import day, number
from app.ui.grid import data_table
from app.ui.session import lang, tr


def comparison_table(rows: list[Comparison]) -> None:
    language = lang()

    def shown(value: int | None) -> str:
        return "—" if value is None else number(value, language)

    frame = pd.DataFrame(
        [
            {
                tr("platform.col.company"): f"{r.name} ({r.tax_code})",
                tr("platform.col.bluezone_claimed"): shown(r.claimed_bluezone),
                tr("platform.col.bluezone_platform"): shown(r.platform_bluezone),
                tr("platform.col.declared_claimed"): shown(r.claimed_declared),
                tr("platform.col.declared_platform"): shown(r.platform_declared),
                tr("platform.col.registered"): shown(r.workers_registered),
                tr("platform.col.flag"): tr("platform.flagged") if r.over_reported else "",
            }
            for r in rows
        ]
    )
    data_table(frame, hide_index=True, width="stretch")


def platform_lines(actor: Actor, latest: AssessmentView) -> None:
    """On the company detail: the platforms' counts beside the company's own, when imported."""
    figures = platform_import.figures_of(actor, latest.company_id, latest.period_id)
    claimed_bluezone = figures_in(latest.answers, "bluezone_installed")
    claimed_declared = figures_in(latest.answers, "health_declared")
    if figures is None:
        st.caption(tr("platform.detail.none"))
        return
    language = lang()

    def shown(value: int | None) -> str:
        return "—" if value is None else number(value, language)

    st.markdown(
        tr(
            "platform.detail.lines",
            day=day(figures.as_of),
            bluezone=shown(figures.bluezone_installed),
            bluezone_claimed=shown(claimed_bluezone),
            declared=shown(figures.health_declared),
            declared_claimed=shown(claimed_declared),
            registered=shown(figures.workers_registered),
        )
    )


def figures_in(answers: dict[str, object], name: str) -> int | None:
    value = answers.get(name)
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def platform_by_area(actor: Actor, period_id: int, filters: Filters, names: dict[str, str]) -> None:
    """Under the Overview's adoption chart: the platforms' counts beside what the same companies
    declared, per area, once the ICT department has imported them for the round."""
    rows = platform_import.by_area(actor, period_id, filters)
    if not rows:
        st.caption(tr("platform.overview.none"))
        return
    language = lang()
    st.markdown(f"**{tr('platform.overview.title')}**")
    data_table(
        pd.DataFrame(
            [
                {
                    tr("overview.col.area"): names.get(r.zone_id, r.zone_id),
                    tr("platform.overview.companies"): number(r.companies, language),
                    tr("platform.col.bluezone_claimed"): number(r.claimed_bluezone, language),
                    tr("platform.col.bluezone_platform"): number(r.platform_bluezone, language),
                    tr("platform.col.declared_claimed"): number(r.claimed_declared, language),
                    tr("platform.col.declared_platform"): number(r.platform_declared, language),
                }
                for r in rows
            ]
        ),
        hide_index=True,
        width="stretch",
    )
