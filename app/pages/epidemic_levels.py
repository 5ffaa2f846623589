"""The epidemic level of each area in a round (QĐ 2686/QĐ-BCĐQG, levels 1–4), set by the officials
in scope with the document that set it. A rule set may ask questions or hold conditions by it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import area_structure
from app.services.errors import ServiceError
from app.services.oversight import epidemic_levels
from app.services.oversight.epidemic_levels import LevelChange
from app.ui.filters import choose_period
from app.ui.format import rn, when
from app.ui.session import lang, require_actor, tr
from app.ui.text import plain
from app.ui.widgets import service_error
from app.vocabulary import Role

actor = require_actor(Role.zone_board, Role.labour, Role.ict, Role.admin)
period = choose_period(actor)
if period is None:
    st.stop()
st.title(tr("levels.title"))
st.caption(plain(rn(period.name)) + " · " + tr("levels.caption"))
areas = epidemic_levels.areas(actor, period.id)
if not areas:
    st.info(tr("levels.no_areas"))
    st.stop()
AREA, KIND, IN_FORCE, LEVEL, SOURCE, SET_BY = (
    tr("levels.col.area"),
    tr("levels.col.kind"),
    tr("levels.col.in_force"),
    tr("levels.col.level"),
    tr("levels.col.source"),
    tr("levels.col.set_by"),
)
kinds = {
    area_structure.INDUSTRIAL_ZONE: tr("levels.kind.industrial_zone"),
    area_structure.local_kind(): area_structure.structure().local_label.get(lang()),
}
frame = pd.DataFrame(
    [
        {
            "id": a.zone_id,
            AREA: f"{a.name} ({a.code})" if a.code else a.name,
            KIND: kinds.get(a.kind, a.kind),
            IN_FORCE: a.in_force if not a.from_district else f"{a.in_force} ({tr('levels.from_district')})",
            LEVEL: a.level,
            SOURCE: a.source,
            SET_BY: f"{a.set_by} · {when(a.set_at)}" if a.set_at else "",
        }
        for a in areas
    ]
).set_index("id")
edited = st.data_editor(
    frame,
    key=f"levels_editor_{period.id}",
    hide_index=True,
    width="stretch",
    disabled=[AREA, KIND, IN_FORCE, SET_BY],
    column_config={
        LEVEL: st.column_config.SelectboxColumn(options=list(epidemic_levels.LEVELS)),
        SOURCE: st.column_config.TextColumn(max_chars=epidemic_levels.SOURCE_MAX),
    },
)
st.caption(tr("levels.help"))
if st.button(tr("levels.save"), type="primary", icon=":material/save:", key="levels_save"):
    changes = []
    for area in areas:
        level, source = edited.loc[area.zone_id, LEVEL], edited.loc[area.zone_id, SOURCE]
        if pd.isna(level):
            continue
        if int(level) != area.level or str(source or "") != area.source:
            changes.append(LevelChange(area.zone_id, int(level), str(source or "")))
    try:
        saved = epidemic_levels.set_levels(actor, period.id, changes)
    except ServiceError as error:
        service_error(error)
        st.stop()
    st.toast(tr("levels.saved", count=saved), icon=":material/check_circle:")
    st.rerun()
