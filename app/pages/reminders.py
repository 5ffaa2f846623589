"""Đôn đốc: whether the reminders worked in the chosen round, which could not be delivered, which
channels are configured; and, for admins, the rules of when to remind whom."""

from __future__ import annotations

import streamlit as st

from app.ui.filters import official_view
from app.ui.format import day, rn
from app.ui.reminders import channel_status, effect_figures, failed_sends, rules_editor
from app.ui.session import require_actor, tr
from app.ui.text import plain
from app.vocabulary import Role

actor = require_actor(Role.zone_board, Role.labour, Role.ict, Role.admin)
period, ruleset, filters = official_view(actor)
period_id = period.id

st.title(tr("reminders.title"))
st.caption(f"{plain(rn(period.name))} · {tr('home.due')} {day(period.due_on)}")
effect_figures(actor, period_id)

st.subheader(tr("reminders.failures"))
failed_sends(actor, period_id)

st.subheader(tr("reminders.channels"))
channel_status()
st.caption(tr("reminders.how_it_runs"))

if actor.role == Role.admin:
    st.subheader(tr("reminders.rules"))
    rules_editor(actor)
