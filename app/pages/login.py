"""Log in: username and password; one message for every failure, so the form tells nobody which
accounts exist."""

from __future__ import annotations

import streamlit as st

from app.services.accounts import auth
from app.ui.session import client_address, log_in, tr

st.title("ZoneRisk")
st.caption(tr("login.tagline"))
if st.session_state.pop("session_expired", False):
    st.info(tr("login.expired"))

with st.form("login", border=True, enter_to_submit=True):
    username = st.text_input(tr("login.username"), key="login_username", autocomplete="username")
    password = st.text_input(
        tr("login.password"), type="password", key="login_password", autocomplete="current-password"
    )
    submitted = st.form_submit_button(tr("login.submit"), type="primary", width="stretch")

if submitted:
    if not username.strip() or not password:
        st.error(tr("login.missing"))
    else:
        try:
            actor, _must_change = auth.authenticate(username, password, client_address())
        except auth.LoginFailed as failure:
            st.error(failure.text(st.session_state.get("lang", "vi")))
        else:
            log_in(actor)
            st.rerun()
