"""The officials' first screen: who has filed, who is risky, who may not operate, adoption — for the
chosen round, within the official's scope, with the filters of the sidebar."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.config import get_settings
from app.services import reports
from app.services.assessments import ruleset_of
from app.ui import cache
from app.ui.charts import adoption_by_area, company_map, filing_and_levels_trend, levels_by_area
from app.ui.downloads import excel_download, pdf_download, pdf_preview
from app.ui.filters import choose_filters, choose_period, describe
from app.ui.format import day, index, number, percent, rn
from app.ui.session import lang, require_actor, tr
from app.ui.text import plain
from app.ui.widgets import reconstructed_banner

actor = require_actor("zone_board", "labour", "ict", "admin")
period = choose_period(actor)
if period is None:
    st.stop()
ruleset = ruleset_of(period).ruleset
filters = choose_filters(actor, ruleset)
period_id = period.id or 0  # a listed round always has one
view = cache.overview(actor, period_id, filters)

st.title(tr("overview.title", scope=tr(f"scope.{actor.role}")))
st.caption(
    f"{plain(rn(period.name))} · {tr('home.due')} {day(period.due_on)} · {plain(describe(filters, ruleset))}"
)
reconstructed_banner(ruleset)
with st.expander(tr("overview.exports"), icon=":material/download:"):
    excel_download(actor, period.id, period.name, filters, describe(filters, ruleset))  # type: ignore[arg-type]  # a stored row's id is never None
    if actor.role in ("ict", "admin"):
        language = lang()
        pdf_download(
            tr("download.chairman"),
            "bao-cao-chu-tich.pdf",
            lambda: reports.export_chairman_pdf(actor, period_id, language),
            key="chairman_pdf",
        )
        pdf_preview(
            lambda: reports.preview_chairman_pdf(actor, period_id, language), key=f"chairman_{period_id}"
        )

filing = view.filing
if filing.expected == 0:
    st.info(tr("overview.no_match"))
    st.stop()

cols = st.columns(5)
cols[0].metric(tr("overview.expected"), number(filing.expected, lang()))
cols[1].metric(
    tr("overview.submitted"),
    number(filing.submitted, lang()),
    percent(filing.share_submitted, lang()),
    delta_color="off",
    delta_arrow="off",
)
cols[2].metric(tr("overview.on_time"), number(filing.on_time, lang()))
cols[3].metric(tr("overview.late"), number(filing.late, lang()))
cols[4].metric(tr("overview.missing"), number(filing.missing, lang()))

if filing.submitted == 0:
    st.info(tr("overview.no_submissions"))
    st.stop()

st.subheader(tr("overview.levels"))
workers = view.submitted_workers
level_cols = st.columns(len(view.levels) + 1)
for col, level in zip(level_cols, view.levels, strict=False):
    col.metric(
        ruleset.level(level.level).label.get(lang()),
        number(level.companies, lang()),
        tr("overview.worker_share", share=percent(level.workers / workers if workers else None, lang())),
        delta_color="off",
        delta_arrow="off",
    )
level_cols[-1].metric(tr("overview.may_not_operate"), number(view.may_not_operate, lang()))
bluezone_col, health_col = st.columns(2)
bluezone_col.metric(tr("overview.bluezone"), percent(view.adoption["bluezone"], lang()))
health_col.metric(tr("overview.health"), percent(view.adoption["health"], lang()))

by_area, over_time, adoption, where = st.tabs(
    [tr("overview.tab.areas"), tr("overview.tab.trend"), tr("overview.tab.adoption"), tr("overview.tab.map")]
)
areas = [a for a in view.areas if a.expected]
with by_area:
    st.plotly_chart(
        levels_by_area(
            [(a.zone_name, a.levels, a.expected - a.submitted) for a in areas],
            ruleset,
            lang(),
            tr("chart.levels_by_area"),
            tr("overview.not_filed"),
        ),
        key="chart_areas",
    )
    st.dataframe(
        pd.DataFrame(
            [
                {
                    tr("overview.col.area"): a.zone_name,
                    tr("overview.expected"): a.expected,
                    tr("overview.submitted"): a.submitted,
                    tr("overview.col.filed_share"): a.submitted / a.expected * 100 if a.expected else None,
                    tr("overview.col.high"): sum(a.levels.get(lv, 0) for lv in view.level_order[-2:]),
                    tr("overview.bluezone"): None if a.bluezone_share is None else a.bluezone_share * 100,
                    tr("overview.health"): None if a.health_share is None else a.health_share * 100,
                }
                for a in areas
            ]
        ),
        hide_index=True,
        width="stretch",
        column_config={
            tr("overview.col.filed_share"): st.column_config.ProgressColumn(
                format="%.0f%%", min_value=0, max_value=100
            ),
            tr("overview.bluezone"): st.column_config.NumberColumn(format="%.1f%%"),
            tr("overview.health"): st.column_config.NumberColumn(format="%.1f%%"),
        },
    )
with over_time:
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
        )
with adoption:
    measured = [a for a in areas if a.submitted]
    st.plotly_chart(
        adoption_by_area(
            [a.zone_name for a in measured],
            [a.bluezone_share for a in measured],
            [a.health_share for a in measured],
            (tr("overview.bluezone"), tr("overview.health")),
            0.95,
            tr("chart.adoption"),
        ),
        key="chart_adoption",
    )
with where:
    rows = cache.company_rows(actor, period.id, filters, filed=True)  # type: ignore[arg-type]  # a stored row's id is never None
    located = [r for r in rows if r.lat is not None and r.lon is not None and r.level]
    if not located:
        st.info(tr("overview.no_locations"))
    else:
        st.plotly_chart(
            company_map(
                [
                    (
                        r.lat,
                        r.lon,
                        r.level,
                        r.workers or r.company_workers or 0,
                        f"{r.name} · {index(r.risk_index, lang())}",
                    )
                    for r in located
                    if r.lat is not None and r.lon is not None and r.level is not None
                ],
                [(a.lat, a.lon, a.zone_name) for a in view.areas if a.lat is not None and a.lon is not None],
                ruleset,
                lang(),
                tr("chart.map"),
                get_settings().map_style,
            ),
            key="chart_map",
        )
