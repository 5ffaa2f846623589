"""The epidemic levels' editor: the areas in scope, each with its level for the round, the level in
force and the document; saved in one service call, all or nothing."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app import area_structure
from app.services.context import Actor
from app.services.errors import ServiceError
from app.services.oversight import epidemic_levels
from app.services.oversight.epidemic_levels import LevelChange
from app.services.periods import Round
from app.ui.format import when
from app.ui.session import lang, tr
from app.ui.widgets import service_error


def levels_editor(actor: Actor, period: Round) -> None:
    areas = epidemic_levels.areas(actor, period.id)
    if not areas:
        st.info(tr("levels.no_areas"))
        return
    area_col, kind_col, in_force_col, level_col, source_col, set_by_col = (
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
                area_col: f"{a.name} ({a.code})" if a.code else a.name,
                kind_col: kinds.get(a.kind, a.kind),
                in_force_col: a.in_force
                if not a.from_district
                else f"{a.in_force} ({tr('levels.from_district')})",
                level_col: a.level,
                source_col: a.source,
                set_by_col: f"{a.set_by} · {when(a.set_at)}" if a.set_at else "",
            }
            for a in areas
        ]
    ).set_index("id")
    edited = st.data_editor(
        frame,
        key=f"levels_editor_{period.id}",
        hide_index=True,
        width="stretch",
        disabled=[area_col, kind_col, in_force_col, set_by_col],
        column_config={
            level_col: st.column_config.SelectboxColumn(options=list(epidemic_levels.LEVELS)),
            source_col: st.column_config.TextColumn(max_chars=epidemic_levels.SOURCE_MAX),
        },
    )
    st.caption(tr("levels.help"))
    if st.button(tr("levels.save"), type="primary", icon=":material/save:", key="levels_save"):
        changes = []
        for area in areas:
            level, source = edited.loc[area.zone_id, level_col], edited.loc[area.zone_id, source_col]
            if pd.isna(level):
                continue
            if int(level) != area.level or str(source or "") != area.source:
                changes.append(LevelChange(area.zone_id, int(level), str(source or "")))
        try:
            saved = epidemic_levels.set_levels(actor, period.id, changes)
        except ServiceError as error:
            service_error(error)
            return
        st.toast(tr("levels.saved", count=saved), icon=":material/check_circle:")
        st.rerun()
