"""A new password, asked for after an admin reset (and available to anyone who wants one)."""

from __future__ import annotations

import streamlit as st

from app.services.accounts import auth
from app.services.errors import ServiceError
from app.ui.session import current_token, require_actor, tr
from app.ui.widgets import service_error

actor = require_actor()
st.title(tr("password.title"))
if auth.must_change_password(actor.account_id):
    st.warning(tr("password.must"))
with st.form("change_password"):
    current = st.text_input(tr("password.current"), type="password", key="pw_current")
    new = st.text_input(tr("password.new"), type="password", key="pw_new")
    again = st.text_input(tr("password.again"), type="password", key="pw_again")
    st.caption(tr("admin.users.password_rules"))
    changed = st.form_submit_button(tr("password.save"), type="primary")
if changed:
    if new != again:
        st.error(tr("password.mismatch"))
    else:
        try:
            auth.change_password(actor, current, new, keep_token=current_token())
        except ServiceError as error:
            service_error(error)
        else:
            st.session_state["password_changed"] = True  # the router opens the role's first page
            st.rerun()
