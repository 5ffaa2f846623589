"""Kiểm tra thực tế: which companies to visit first this round, and why, every term shown; the
official keeps or drops companies, saves the plan and takes it away as a workbook or a PDF list."""

from __future__ import annotations

import streamlit as st

from app.services.errors import ServiceError
from app.services.filing.assessments import ruleset_of
from app.ui import cache
from app.ui.filters import choose_period
from app.ui.format import rn
from app.ui.session import lang, require_actor, tr
from app.ui.text import plain
from app.ui.visits import adjustments, proposal_view, request, save_button, saved_plans
from app.ui.widgets import service_error
from app.vocabulary import Role

actor = require_actor(Role.zone_board, Role.labour, Role.ict)
period = choose_period(actor)
if period is None or period.id is None:
    st.stop()
st.title(tr("visits.page_title"))
st.caption(plain(rn(period.name)))

count, zone, title = request(actor)
pinned, dropped = (st.session_state.get(f"v_{kind}_{zone}", []) for kind in ("pinned", "dropped"))
try:
    proposal = cache.proposal(actor, period.id, count, zone, pinned, dropped)
except ServiceError as error:
    service_error(error)
    st.stop()
levels = {lv.id: lv.label.get(lang()) for lv in ruleset_of(period).ruleset.levels}
proposal_view(actor, proposal, levels)
adjustments(actor, proposal, zone)
save_button(actor, proposal, title)

st.subheader(tr("visits.saved_plans"))
saved_plans(actor)
