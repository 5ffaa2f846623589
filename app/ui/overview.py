"""The officials' Overview in pieces: the export box, the headline figures, and one chart at a
time (the one the official chose: drawing every tab at once sent ~600 kB to the browser)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.assessment.schema import RuleSet, high_levels
from app.config import get_settings
from app.services.context import Actor
from app.services.documents import chairman_reports
from app.services.oversight import epidemic_levels
from app.services.oversight.filters import Filters
from app.services.oversight.monitoring import AreaRow, Overview
from app.services.periods import Round
from app.ui import cache
from app.ui.bars import STYLE, Segment, stacked_bars
from app.ui.charts import STILL, adoption_by_area, company_map, filing_and_levels_trend
from app.ui.downloads import excel_download, pdf_download, pdf_preview
from app.ui.filters import describe
from app.ui.format import index, number, percent, rn
from app.ui.grid import data_table, static_table
from app.ui.platform import platform_by_area
from app.ui.session import lang, tr
from app.ui.widgets import Figure, headline_figures
from app.vocabulary import Role

CHARTS = ("areas", "trend", "adoption", "map")


def exports(actor: Actor, period: Round, period_id: int, filters: Filters, ruleset: RuleSet) -> None:
    with st.expander(tr("overview.exports"), icon=":material/download:"):
        excel_download(actor, period_id, period.name, filters, describe(filters, ruleset))
        if actor.role in (Role.ict, Role.admin):
            language = lang()
            pdf_download(
                tr("download.chairman"),
                "bao-cao-chu-tich.pdf",
                lambda: chairman_reports.export_chairman_pdf(actor, period_id, language),
                key="chairman_pdf",
            )
            preview = chairman_reports.preview_chairman_pdf
            pdf_preview(lambda: preview(actor, period_id, language), key=f"chairman_{period_id}")


def filing_figures(view: Overview) -> None:
    filing = view.filing
    language = lang()
    headline_figures(
        [
            Figure(tr("overview.expected"), number(filing.expected, language)),
            Figure(
                tr("overview.submitted"),
                number(filing.submitted, language),
                percent(filing.share_submitted, language),
            ),
            Figure(tr("overview.on_time"), number(filing.on_time, language)),
            Figure(tr("overview.late"), number(filing.late, language)),
            Figure(tr("overview.missing"), number(filing.missing, language)),
        ]
    )


def level_figures(view: Overview, ruleset: RuleSet) -> None:
    """Companies by level, each with its share of the workers and its level's colour; who may not
    operate; and adoption."""
    st.subheader(tr("overview.levels"))
    language = lang()
    workers = view.submitted_workers
    figures = [
        Figure(
            ruleset.level(row.level).label.get(language),
            number(row.companies, language),
            tr("overview.worker_share", share=percent(row.workers / workers if workers else None, language)),
            ruleset.level(row.level).color,
        )
        for row in view.levels
    ]
    figures.append(Figure(tr("overview.may_not_operate"), number(view.may_not_operate, language)))
    headline_figures(figures)
    headline_figures(
        [
            Figure(tr("overview.bluezone"), percent(view.adoption["bluezone"], language)),
            Figure(tr("overview.health"), percent(view.adoption["health"], language)),
        ]
    )


def chart(actor: Actor, period_id: int, filters: Filters, view: Overview, ruleset: RuleSet) -> None:
    """The chart the official chose; only that one is computed and sent."""
    chosen = st.segmented_control(
        tr("overview.chart"),
        CHARTS,
        format_func={c: tr(f"overview.tab.{c}") for c in CHARTS}.__getitem__,
        default="areas",
        key="overview_chart",
        label_visibility="collapsed",
    )
    areas = [a for a in view.areas if a.expected]
    if chosen == "trend":
        _trend(actor, filters, ruleset)
    elif chosen == "adoption":
        _adoption(areas)
        platform_by_area(actor, period_id, filters, {a.zone_id: a.zone_name for a in view.areas})
    elif chosen == "map":
        _map(actor, period_id, filters, view, ruleset)
    else:
        _areas(areas, view, ruleset)


def _areas(areas: list[AreaRow], view: Overview, ruleset: RuleSet) -> None:
    segments = [Segment(level.label.get(lang()), level.color) for level in ruleset.levels]
    segments.append(Segment(tr("overview.not_filed"), "#bdbdbd"))
    rows = [
        (a.zone_name, [*(a.levels.get(level.id, 0) for level in ruleset.levels), a.expected - a.submitted])
        for a in areas
    ]
    st.markdown(STYLE + stacked_bars(tr("chart.levels_by_area"), segments, rows), unsafe_allow_html=True)
    # a short summary under the bars, in HTML: the grid's canvas was most of what a new session's
    # browser spent drawing this page (the province page has the full table, sortable)
    static_table(
        pd.DataFrame(
            [
                {
                    tr("overview.col.area"): a.zone_name,
                    tr("overview.expected"): a.expected,
                    tr("overview.submitted"): a.submitted,
                    tr("overview.col.filed_share"): a.submitted / a.expected if a.expected else None,
                    tr("overview.col.high"): sum(a.levels.get(lv, 0) for lv in high_levels(view.level_order)),
                    tr("overview.bluezone"): a.bluezone_share,
                    tr("overview.health"): a.health_share,
                }
                for a in areas
            ]
        ),
        numbers={
            tr("overview.col.filed_share"): "share",
            tr("overview.bluezone"): "share",
            tr("overview.health"): "share",
        },
    )


def _trend(actor: Actor, filters: Filters, ruleset: RuleSet) -> None:
    rounds = cache.trend(actor, filters, 12)
    if len(rounds) < 2:
        st.info(tr("overview.one_round"))
    else:
        st.plotly_chart(
            filing_and_levels_trend(
                [rn(r.period_name).split(" (")[0] for r in rounds],
                [r.levels for r in rounds],
                [r.submitted / r.expected if r.expected else None for r in rounds],
                ruleset,
                lang(),
                tr("chart.trend"),
                tr("overview.filed_share"),
            ),
            key="chart_trend",
            config=STILL,
        )


def _adoption(areas: list[AreaRow]) -> None:
    measured = [a for a in areas if a.submitted]
    st.plotly_chart(
        adoption_by_area(
            [a.zone_name for a in measured],
            [a.bluezone_share for a in measured],
            [a.health_share for a in measured],
            (tr("overview.bluezone"), tr("overview.health")),
            0.95,
            tr("chart.adoption"),
            lang(),
        ),
        key="chart_adoption",
        config=STILL,
    )


def _map(actor: Actor, period_id: int, filters: Filters, view: Overview, ruleset: RuleSet) -> None:
    located = cache.map_points(actor, period_id, filters)
    if not located:
        st.info(tr("overview.no_locations"))
    else:
        st.plotly_chart(
            company_map(
                [
                    (p.lat, p.lon, p.level, p.workers, f"{p.name} · {index(p.risk_index, lang())}")
                    for p in located
                ],
                [(a.lat, a.lon, a.zone_name) for a in view.areas if a.lat is not None and a.lon is not None],
                ruleset,
                lang(),
                tr("chart.map"),
                get_settings().map_style,
            ),
            key="chart_map",
        )
        if get_settings().map_style != "offline":  # tiles come from the internet; the points do not
            st.caption(tr("overview.map_tiles"))


def epidemic_levels_in_force(actor: Actor, period_id: int) -> None:
    """The areas whose epidemic level was set for the round (QĐ 2686), highest first: what the
    conditions of a rule set of the second kind follow. Nothing shown when no level was set."""
    areas = [a for a in epidemic_levels.areas(actor, period_id) if a.level is not None or a.from_district]
    if not areas:
        return
    areas.sort(key=lambda a: (-a.in_force, a.name))
    summary = ", ".join(f"{a.name}: {a.in_force}" for a in areas[:6]) + (" …" if len(areas) > 6 else "")
    with st.expander(f"{tr('levels.overview')} · {summary}", expanded=False):
        data_table(
            pd.DataFrame(
                [
                    {
                        tr("levels.col.area"): a.name,
                        tr("levels.col.in_force"): a.in_force,
                        tr("levels.col.source"): a.source or tr("levels.from_district"),
                    }
                    for a in areas
                ]
            ),
            hide_index=True,
        )
