"""The epidemic level of each area in a round (QĐ 2686/QĐ-BCĐQG, levels 1–4), set by the officials
in scope with the document that set it. A rule set may ask questions or hold conditions by it."""

from __future__ import annotations

import streamlit as st

from app.ui.filters import choose_period
from app.ui.format import rn
from app.ui.levels import levels_editor
from app.ui.session import require_actor, tr
from app.ui.text import plain
from app.vocabulary import Role

actor = require_actor(Role.zone_board, Role.labour, Role.ict, Role.admin)
period = choose_period(actor)
if period is None:
    st.stop()
st.title(tr("levels.title"))
st.caption(plain(rn(period.name)) + " · " + tr("levels.caption"))
levels_editor(actor, period)
