"""The company's inspections: what the team that came found, in the company's own words' place."""

from __future__ import annotations

import streamlit as st

from app.ui.inspections import company_inspections
from app.ui.session import require_actor, tr
from app.vocabulary import Role

actor = require_actor(Role.company)
st.title(tr("myinspect.title"))
st.caption(tr("myinspect.caption"))
company_inspections(actor)
