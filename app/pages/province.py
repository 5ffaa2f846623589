"""The ICT department's province view: industrial zones and districts side by side."""

from __future__ import annotations

import streamlit as st

from app import area_structure
from app.assessment.schema import high_levels
from app.ui import cache
from app.ui.filters import official_view
from app.ui.format import rn
from app.ui.grid import data_table
from app.ui.province import summary, table
from app.ui.session import lang, require_actor, tr
from app.ui.text import plain
from app.ui.widgets import headline_figures
from app.vocabulary import Role

actor = require_actor(Role.ict, Role.admin)
period, ruleset, filters = official_view(actor)
view = cache.overview(actor, period.id, filters)
st.title(tr("province.title"))
st.caption(plain(rn(period.name)))
high = high_levels(view.level_order)


for kind, title in (
    (area_structure.INDUSTRIAL_ZONE, tr("province.zones")),
    (area_structure.local_kind(), area_structure.structure().local_label.get(lang())),
):
    areas = [a for a in view.areas if a.kind == kind]
    st.subheader(title)
    if not any(a.expected for a in areas):
        st.info(tr("overview.no_match"))
        continue
    headline_figures(summary(areas, high))
    # full width, every row shown: side by side, half-width tables cut columns off at 1366 px
    data_table(
        table(areas, high),
        hide_index=True,
        width="stretch",
        height=38 + 35 * len(areas),
        column_config={tr("overview.col.area"): st.column_config.TextColumn(pinned=True)},
    )
