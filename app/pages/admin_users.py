"""Users: create officials and company users, deactivate, reset a password, unlock after lock-out."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.services.admin import users
from app.services.errors import ServiceError
from app.ui.admin_users import (
    create_user_form,
    reset_password,
    sessions_panel,
    sign_on_panel,
    sign_on_policy,
)
from app.ui.format import when
from app.ui.grid import data_table
from app.ui.session import require_actor, tr
from app.ui.widgets import service_error
from app.vocabulary import Role

actor = require_actor(Role.admin)
st.title(tr("admin.users.title"))
people = users.list_users(actor)
data_table(
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
asked_reset = cols[1].button(tr("admin.users.reset"), key="reset_password")
if cols[2].button(tr("admin.users.unlock"), disabled=person.throttled_until is None, key="unlock"):
    users.unlock(actor, person.id)
    st.rerun()
reset_password(actor, person, asked_reset)
sessions_panel(actor, person)
sign_on_panel(actor, person)
st.subheader(tr("admin.sign_on.policy"))
sign_on_policy(actor)

create_user_form(actor)
