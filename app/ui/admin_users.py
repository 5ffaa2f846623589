"""The admin's form for a new account: role and scope, a one-time password that must be changed."""

from __future__ import annotations

import streamlit as st

from app.services.admin import users
from app.services.admin.users import ROLES
from app.services.context import Actor
from app.services.errors import ServiceError
from app.services.filing import companies
from app.services.filing.companies import list_zones
from app.ui.session import tr
from app.ui.widgets import choose_many, service_error


def create_user_form(actor: Actor) -> None:
    st.subheader(tr("admin.users.create"))
    zones = list_zones()
    zone_names = {z.id: z.name for z in zones}
    with st.form("create_user", clear_on_submit=False):
        pair = st.columns(2)
        username = pair[0].text_input(tr("login.username"), key="nu_username")
        full_name = pair[1].text_input(tr("admin.users.full_name"), key="nu_full_name")
        role = pair[0].selectbox(
            tr("admin.users.role"),
            ["company", "zone_board", "labour", "ict", "admin"],
            format_func={r: tr(f"role.{r}") for r in ROLES}.__getitem__,
            key="nu_role",
        )
        password = pair[1].text_input(tr("login.password"), type="password", key="nu_password")
        tax_code = st.text_input(tr("admin.users.company_tax_code"), key="nu_tax_code")
        picked = choose_many(
            tr("admin.users.zones"), list(zone_names), format_func=lambda z: zone_names[z], key="nu_zones"
        )
        st.caption(tr("admin.users.password_rules"))
        created = st.form_submit_button(tr("admin.users.create_button"), type="primary")
    if created:
        try:
            company_id = (
                companies.find_by_tax_code(actor, tax_code).id if role == "company" and tax_code else None
            )
            users.create_user(
                actor,
                username=username,
                password=password,
                role=role,
                full_name=full_name,
                company_id=company_id,
                zone_ids=tuple(picked) if role in ("zone_board", "labour") else (),
                must_change_password=True,
            )
        except ServiceError as error:
            service_error(error)
        else:
            st.toast(tr("admin.users.created", username=username), icon=":material/check_circle:")
            st.rerun()  # the table above shows the new user at once
