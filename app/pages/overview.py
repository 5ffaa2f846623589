"""The officials' first screen: who has filed, who is risky, who may not operate, adoption — for the
chosen round, within the official's scope, with the filters of the sidebar."""

from __future__ import annotations

import streamlit as st

from app.ui import cache
from app.ui.filters import describe, official_view
from app.ui.format import day, rn
from app.ui.overview import chart, epidemic_levels_in_force, exports, filing_figures, level_figures
from app.ui.reminders import effect_figures
from app.ui.session import require_actor, tr
from app.ui.text import plain
from app.ui.widgets import reconstructed_banner
from app.vocabulary import Role

actor = require_actor(Role.zone_board, Role.labour, Role.ict, Role.admin)
period, ruleset, filters = official_view(actor)
period_id = period.id
view = cache.overview(actor, period_id, filters)

st.title(tr("overview.title", scope=tr(f"scope.{actor.role}")))
st.caption(
    f"{plain(rn(period.name))} · {tr('home.due')} {day(period.due_on)} · {plain(describe(filters, ruleset))}"
)
reconstructed_banner(ruleset)
epidemic_levels_in_force(actor, period_id)
exports(actor, period, period_id, filters, ruleset)
if view.filing.expected == 0:
    st.info(tr("overview.no_match"))
    st.stop()
filing_figures(view)
effect_figures(actor, period_id)
if view.filing.submitted == 0:
    st.info(tr("overview.no_submissions"))
    st.stop()
level_figures(view, ruleset)
chart(actor, period_id, filters, view, ruleset)
