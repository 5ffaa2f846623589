"""The login form: username and password, and the province's sign-on where one is configured; one
message for every failed password, so the form tells nobody which accounts exist. Drawn at `/` and
at any page's address opened while logged out, so that after the login the browser is sent back to
that very address (a link an official pasted, a bookmark, a reload after an expiry)."""

from __future__ import annotations

from urllib.parse import urlencode

import streamlit as st

from app.config import get_settings
from app.services.accounts import auth
from app.ui.session import client_address, here, lang, language_changed, log_in, send_browser_to, tr


def _switch_to(language: str) -> None:
    st.session_state["lang_switch"] = language
    language_changed()


def login_form() -> None:
    st.title("ZoneRisk")
    st.caption(tr("login.tagline"))
    if st.session_state.pop("session_expired", False):
        st.info(tr("login.expired"))
    if here().split("?")[0].strip("/"):
        st.info(tr("login.then_page"))
    settings = get_settings()
    if settings.sso_enabled:
        label = settings.oidc_label.split(" / ")
        words = label[0] if lang() == "vi" or len(label) == 1 else label[1]
        # a button, not st.link_button (which opens a new tab): the page itself goes to the provider
        if st.button(
            tr("login.sso", provider=words), type="primary", icon=":material/badge:", width="stretch"
        ):
            send_browser_to("/auth/oidc/login?" + urlencode({"next": here()}))
        st.caption(tr("login.or_password"))
    with st.form("login", border=True, enter_to_submit=True):
        username = st.text_input(tr("login.username"), key="login_username", autocomplete="username")
        password = st.text_input(
            tr("login.password"), type="password", key="login_password", autocomplete="current-password"
        )
        submitted = st.form_submit_button(
            tr("login.submit"), type="secondary" if settings.sso_enabled else "primary", width="stretch"
        )
    # the language, under the form itself: on a phone the sidebar's switch sat behind a "»"
    other = "en" if lang() == "vi" else "vi"
    st.button(
        tr("login.other_language"),
        icon=":material/translate:",
        key="login_lang",
        on_click=_switch_to,
        args=(other,),
    )
    if not submitted:
        return
    if not username.strip() or not password:
        st.error(tr("login.missing"))
        return
    try:
        actor, _must_change = auth.authenticate(username, password, client_address())
    except (auth.LoginFailed, auth.SignOnRequired) as failure:
        st.error(failure.text(lang()))
        return
    log_in(actor)
    # no rerun: a rerun would drop the message that sends the browser for its cookie before it
    # leaves (Streamlit clears the outgoing queue when a run restarts); the browser now reloads
    # the page it asked for, logged in
    st.success(tr("login.opening"), icon=":material/check_circle:")
    st.stop()
