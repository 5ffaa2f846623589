"""Kiểm tra thực tế: the inspector fills in the round's questionnaire on site for a planned visit,
scored by the same scorer as the company's own; below, how self-assessments compare with what the
inspections found (calibration)."""

from __future__ import annotations

import streamlit as st

from app.formatting import today_vietnam
from app.services.errors import ServiceError
from app.services.onsite import inspections
from app.ui.inspections import calibration_section, can_inspect, choose_visit, form
from app.ui.remediation import overdue_by_zone
from app.ui.session import require_actor, tr
from app.ui.widgets import service_error
from app.vocabulary import Role

actor = require_actor(Role.zone_board, Role.labour, Role.ict)
st.title(tr("inspect.title"))
if can_inspect(actor) and (visit := choose_visit(actor)) is not None:
    try:  # a glance at a visit starts nothing; the inspector starts it on site
        draft = inspections.draft_of(actor, visit["company_id"], visit["period_id"])
        if draft is None and st.button(tr("inspect.start"), type="primary", icon=":material/play_arrow:"):
            draft = inspections.start(
                actor, visit["company_id"], visit["period_id"], planned_visit_id=visit["visit_id"]
            )
    except ServiceError as error:
        service_error(error)
        st.stop()
    if draft is not None:
        form(actor, draft, today_vietnam())

st.subheader(tr("inspect.calibration"))
calibration_section(actor)
st.subheader(tr("fix.by_zone"))
overdue_by_zone(actor, today_vietnam())
