"""What if: change any answer and see the projected level at once. Nothing is saved."""

from __future__ import annotations

from typing import Any

import streamlit as st

from app.assessment.layout import questionnaire
from app.ui.questionnaire import answer_input
from app.ui.session import lang, require_actor, tr
from app.ui.whatif import projection, starting_point
from app.ui.widgets import reconstructed_banner
from app.vocabulary import Role

actor = require_actor(Role.company)
start = starting_point(actor)
loaded, base, current, ruleset = start.loaded, start.answers, start.current, start.loaded.ruleset
reconstructed_banner(ruleset)
if st.button(tr("whatif.reset"), icon=":material/restart_alt:", key="whatif_reset"):
    for key in [k for k in st.session_state if str(k).startswith("wi_") and k != "wi__base"]:
        del st.session_state[key]
    st.rerun()

# what the system fills in (the area's epidemic level) is kept from the base, never a widget;
# the questions follow the answers as they stand in the widgets now
answers: dict[str, Any] = {i.id: base[i.id] for i in ruleset.inputs if i.provided_by and i.id in base}
typed = {i.id: st.session_state.get(f"wi_{i.id}", base.get(i.id)) for i in ruleset.inputs}
left, right = st.columns([3, 2])
with left:
    for block in questionnaire(ruleset, {**typed, **answers}):
        with st.expander(block.title.get(lang()), expanded=False):
            for criterion_block in block.blocks:
                for item in criterion_block.inputs:
                    answers[item.id] = answer_input(item, f"wi_{item.id}", base.get(item.id), widget="select")

with right:
    projection(loaded, answers, current)
