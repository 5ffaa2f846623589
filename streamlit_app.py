"""ZoneRisk: the router. Logs the user in, then shows only the pages of the user's role."""

from __future__ import annotations

from functools import partial

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from app.bootstrap import prepare_database
from app.config import UnsafeSettings, get_settings
from app.i18n import LANGUAGES
from app.navigation import LANDING_PATH, PAGES, PASSWORD_PAGE, ROLE_PATHS, VERIFY_PATH
from app.services.accounts.auth import must_change_password
from app.services.context import page_run
from app.ui.login import login_form
from app.ui.notices import land, not_yours, show_notice, take_notice
from app.ui.session import current_actor, forget_run, language_changed, log_out, settle_language, tr
from app.ui.style import close_sidebar_after_navigation, localize_streamlit_defaults
from app.ui.widgets import database_failure

st.set_page_config(page_title="ZoneRisk", page_icon="🛡️", layout="wide")


@st.cache_resource(show_spinner=False)
def _prepare(database_url: str) -> bool:
    """Once per process and database: migrate, and seed the demo into an empty database."""
    return prepare_database()


try:
    get_settings().check_safe()
    with st.spinner("Đang chuẩn bị cơ sở dữ liệu… / Preparing the database…"):
        _prepare(get_settings().resolved_database_url())
except UnsafeSettings as problem:
    st.error(str(problem))  # the operator's mistake, shown instead of serving unsafely
    st.stop()

# The run is one unit of work: every read it makes shares one read-only transaction (see
# app.services.context.page_run); an action's write is a unit of its own.
with page_run():
    forget_run()
    actor = current_actor()  # before the language: a new tab opens in the account's
    settle_language()
    with st.sidebar:
        st.radio(
            "Ngôn ngữ / Language",
            LANGUAGES,
            format_func=lambda code: {"vi": "Tiếng Việt", "en": "English"}[code],
            horizontal=True,
            key="lang_switch",
            on_change=language_changed,
        )
    localize_streamlit_defaults()
    take_notice()
    # anyone may open a verification link from a printed report, logged in or not
    verify_page = st.Page(
        "app/pages/verify.py", title=tr("nav.verify"), url_path=VERIFY_PATH, visibility="hidden"
    )
    if actor is None:
        login = st.Page("app/pages/login.py", title=tr("nav.login"), icon=":material/login:", default=True)
        # every page's address shows the login too, and after it that page: a shared link, a
        # bookmark or a reload never meets Streamlit's "Page not found"
        asked = [
            st.Page(login_form, title=tr("nav.login"), url_path=path, visibility="hidden")
            for path in sorted(ROLE_PATHS)
        ]
        page = st.navigation([login, *asked, verify_page], position="hidden")
    else:
        password_page = st.Page(
            PASSWORD_PAGE.script, title=tr(PASSWORD_PAGE.title_key), icon=PASSWORD_PAGE.icon
        )
        if must_change_password(actor.account_id):
            pages = [password_page]  # after an admin reset, nothing else until the password is changed
        else:
            pages = [st.Page(e.script, title=tr(e.title_key), icon=e.icon) for e in PAGES.get(actor.role, [])]
            pages.append(password_page)
        # another role's page (a link from a colleague in another agency) lands on this role's home
        mine = {p.url_path for p in pages} | {PASSWORD_PAGE.url_path}
        elsewhere = [
            st.Page(partial(not_yours, pages[0]), title="ZoneRisk", url_path=path, visibility="hidden")
            for path in sorted(ROLE_PATHS - mine)
        ]
        # `/` lands on the home at its own address (Streamlit gives the default page none)
        landing = st.Page(
            partial(land, pages[0]),
            title="ZoneRisk",
            url_path=LANDING_PATH,
            default=True,
            visibility="hidden",
        )
        # every page listed: past ten, Streamlit folds the rest under "View more", where an admin
        # (twelve pages) would not find the audit log or the API clients
        page = st.navigation([landing, *pages, *elsewhere, verify_page], expanded=True)
        if st.session_state.pop("password_changed", False):
            st.toast(tr("password.done"), icon=":material/check_circle:")
            st.switch_page(pages[0])
        with st.sidebar:
            st.caption(tr("session.signed_in_as", username=actor.username, role=tr(f"role.{actor.role}")))
            if st.button(tr("session.log_out"), icon=":material/logout:", key="logout"):
                log_out()
                st.stop()  # not a rerun: that would drop the browser's way to forget its cookie
    if actor is None or page.url_path:  # `/` of a logged-in user only passes on to the home: shown there
        show_notice()
    close_sidebar_after_navigation(page.url_path)
    try:
        page.run()
    except SQLAlchemyError as failure:
        database_failure(failure)
