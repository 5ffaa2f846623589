"""The ICT department's province view: industrial zones and districts side by side."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.services.assessments import ruleset_of
from app.services.monitoring import AreaRow
from app.ui import cache
from app.ui.filters import choose_filters, choose_period
from app.ui.format import number, percent, rn
from app.ui.session import lang, require_actor, tr
from app.ui.text import plain

actor = require_actor("ict", "admin")
period = choose_period(actor)
if period is None:
    st.stop()
ruleset = ruleset_of(period).ruleset
filters = choose_filters(actor, ruleset)
view = cache.overview(actor, period.id, filters)  # type: ignore[arg-type]  # a stored row's id is never None
st.title(tr("province.title"))
st.caption(plain(rn(period.name)))
high_levels = view.level_order[-2:]


def summary(areas: list[AreaRow]) -> dict[str, str]:
    expected = sum(a.expected for a in areas)
    submitted = sum(a.submitted for a in areas)
    phones = sum(a.smartphone_owners for a in areas)
    workers = sum(a.workers for a in areas)
    return {
        tr("overview.expected"): number(expected, lang()),
        tr(
            "overview.submitted"
        ): f"{number(submitted, lang())} ({percent(submitted / expected if expected else None, lang())})",
        tr("overview.col.high"): number(
            sum(a.levels.get(lv, 0) for a in areas for lv in high_levels), lang()
        ),
        tr("overview.bluezone"): percent(
            sum(a.bluezone_installed for a in areas) / phones if phones else None, lang()
        ),
        tr("overview.health"): percent(
            sum(a.health_declared for a in areas) / workers if workers else None, lang()
        ),
    }


def table(areas: list[AreaRow]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                tr("overview.col.area"): a.zone_name,
                tr("overview.expected"): a.expected,
                tr("overview.submitted"): a.submitted,
                tr("overview.missing"): a.expected - a.submitted,
                tr("overview.col.high"): sum(a.levels.get(lv, 0) for lv in high_levels),
                tr("overview.bluezone"): percent(a.bluezone_share, lang()),
                tr("overview.health"): percent(a.health_share, lang()),
            }
            for a in areas
        ]
    )


for kind, title in (("industrial_zone", tr("province.zones")), ("district", tr("province.districts"))):
    areas = [a for a in view.areas if a.kind == kind]
    st.subheader(title)
    if not any(a.expected for a in areas):
        st.info(tr("overview.no_match"))
        continue
    for column, (label, value) in zip(st.columns(5), summary(areas).items(), strict=True):
        column.metric(label, value)
    # full width, every row shown: side by side, half-width tables cut columns off at 1366 px
    st.dataframe(
        table(areas),
        hide_index=True,
        width="stretch",
        height=38 + 35 * len(areas),
        column_config={tr("overview.col.area"): st.column_config.TextColumn(pinned=True)},
    )
