"""Users: create officials and company users, deactivate, reset a password, unlock after lock-out."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.services import companies, users
from app.services.companies import list_zones
from app.services.errors import ServiceError
from app.services.users import ROLES
from app.ui.format import when
from app.ui.session import require_actor, tr
from app.ui.widgets import choose_many, service_error

actor = require_actor("admin")
st.title(tr("admin.users.title"))
people = users.list_users(actor)
st.dataframe(
    pd.DataFrame(
        [
            {
                tr("login.username"): u.username,
                tr("admin.users.full_name"): u.full_name,
                tr("admin.users.role"): tr(f"role.{u.role}"),
                tr("admin.users.scope"): u.company or ", ".join(u.zones) or "—",
                tr("admin.users.active"): tr("common.yes") if u.active else tr("common.no"),
                tr("admin.users.throttled_until"): when(u.throttled_until) if u.throttled_until else "",
                tr("admin.users.last_login"): when(u.last_login_at),
            }
            for u in people
        ]
    ),
    hide_index=True,
    width="stretch",
)

by_id = {u.id: u for u in people}
st.subheader(tr("admin.users.manage"))
chosen = st.selectbox(
    tr("admin.users.pick"), list(by_id), format_func=lambda i: by_id[i].username, key="user_pick"
)
person = by_id[chosen]
cols = st.columns(3)
if cols[0].button(
    tr("admin.users.deactivate") if person.active else tr("admin.users.activate"), key="toggle_active"
):
    try:
        users.set_active(actor, person.id, not person.active)
    except ServiceError as error:
        service_error(error)
    else:
        st.rerun()
if cols[1].button(tr("admin.users.reset"), key="reset_password"):
    temporary = users.reset_password(actor, person.id)
    st.success(tr("admin.users.temporary", username=person.username, password=temporary))
if cols[2].button(tr("admin.users.unlock"), disabled=person.throttled_until is None, key="unlock"):
    users.unlock(actor, person.id)
    st.rerun()

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
