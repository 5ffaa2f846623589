"""The company profile: editable with validation; the figures the questionnaire starts from."""

from __future__ import annotations

import streamlit as st

from app.services.errors import Invalid, ServiceError
from app.services.filing import companies, portal
from app.ui.names import pending_name_note
from app.ui.profile import last_figures
from app.ui.session import lang, require_actor, tr
from app.ui.text import plain
from app.ui.widgets import service_error
from app.vocabulary import Role

actor = require_actor(Role.company)
state = portal.current_round(actor)
company = state.company
st.title(tr("profile.title"))
st.caption(
    f"{tr('company.tax_code')}: {company.tax_code} · {plain(company.zone_name)} · {plain(company.district)}"
)

pending_name_note(company)
errors: dict[str, str] = st.session_state.get("profile_errors", {})
with st.form("profile"):
    name = st.text_input(
        tr("profile.name"), value=company.pending_name or company.name, max_chars=200, key="pf_name"
    )
    sector = st.text_input(tr("profile.sector"), value=company.sector, max_chars=80, key="pf_sector")
    address = st.text_input(tr("profile.address"), value=company.address, max_chars=300, key="pf_address")
    workers = st.number_input(
        tr("profile.workers"), value=company.workers, step=1, format="%d", key="pf_workers"
    )
    cols = st.columns(3)
    contact_name = cols[0].text_input(
        tr("profile.contact_name"), value=company.contact_name, key="pf_contact"
    )
    contact_phone = cols[1].text_input(
        tr("profile.contact_phone"), value=company.contact_phone, key="pf_phone"
    )
    contact_email = cols[2].text_input(
        tr("profile.contact_email"), value=company.contact_email, key="pf_email"
    )
    for message in errors.values():
        st.error(message)
    saved = st.form_submit_button(tr("profile.save"), type="primary")

if saved:
    try:
        companies.update_profile(
            actor,
            company.id,
            {
                "name": name,
                "sector": sector,
                "address": address,
                "workers": workers,
                "contact_name": contact_name,
                "contact_phone": contact_phone,
                "contact_email": contact_email,
                "lat": company.lat,
                "lon": company.lon,
            },
        )
    except Invalid as invalid:
        st.session_state["profile_errors"] = {
            field: f"{tr(f'profile.{field}')}: {message}" for field, message in invalid.problems_in(lang())
        } or {"form": invalid.text(lang())}
        st.rerun()
    except ServiceError as error:
        service_error(error)
    else:
        st.session_state.pop("profile_errors", None)
        st.toast(tr("profile.saved"), icon=":material/check_circle:")
        st.rerun()

last_figures(state)
