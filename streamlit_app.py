"""ZoneRisk: the router. Logs the user in, then shows only the pages of the user's role."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from app.bootstrap import prepare_database
from app.config import UnsafeSettings, get_settings
from app.i18n import LANGUAGES
from app.services.accounts.auth import must_change_password
from app.services.context import page_run
from app.ui.session import current_actor, log_out, tr
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

with st.sidebar:
    st.radio(
        "Ngôn ngữ / Language",
        LANGUAGES,
        format_func=lambda code: {"vi": "Tiếng Việt", "en": "English"}[code],
        horizontal=True,
        key="lang",
    )

localize_streamlit_defaults()

OFFICIAL_PAGES = [
    ("app/pages/overview.py", "nav.overview", ":material/dashboard:"),
    ("app/pages/lists.py", "nav.lists", ":material/list_alt:"),
    ("app/pages/company_detail.py", "nav.company_detail", ":material/factory:"),
    ("app/pages/reminders.py", "nav.reminders", ":material/campaign:"),
]
PLANNER_PAGE = ("app/pages/visits.py", "nav.visits", ":material/directions_car:")
INSPECTION_PAGE = ("app/pages/inspections.py", "nav.inspections", ":material/fact_check:")
PAGES = {
    "zone_board": [*OFFICIAL_PAGES, PLANNER_PAGE, INSPECTION_PAGE],
    "labour": [*OFFICIAL_PAGES, PLANNER_PAGE, INSPECTION_PAGE],
    "ict": [
        *OFFICIAL_PAGES,
        PLANNER_PAGE,
        INSPECTION_PAGE,
        ("app/pages/province.py", "nav.province", ":material/map:"),
    ],
    "admin": [
        *OFFICIAL_PAGES,
        ("app/pages/province.py", "nav.province", ":material/map:"),
        ("app/pages/admin_users.py", "nav.admin_users", ":material/group:"),
        ("app/pages/admin_companies.py", "nav.admin_companies", ":material/domain_add:"),
        ("app/pages/admin_rounds.py", "nav.admin_rounds", ":material/event:"),
        ("app/pages/admin_rulesets.py", "nav.admin_rulesets", ":material/rule:"),
        ("app/pages/admin_audit.py", "nav.admin_audit", ":material/policy:"),
    ],
    "company": [
        ("app/pages/home.py", "nav.home", ":material/home:"),
        ("app/pages/assessment.py", "nav.assessment", ":material/edit_note:"),
        ("app/pages/result.py", "nav.result", ":material/fact_check:"),
        ("app/pages/whatif.py", "nav.whatif", ":material/science:"),
        ("app/pages/history.py", "nav.history", ":material/history:"),
        ("app/pages/profile.py", "nav.profile", ":material/business:"),
    ],
}

# The run is one unit of work: every read it makes shares one read-only transaction (see
# app.services.context.page_run); an action's write is a unit of its own.
with page_run():
    # anyone may open a verification link from a printed report, logged in or not
    verify_page = st.Page(
        "app/pages/verify.py", title=tr("nav.verify"), url_path="verify", visibility="hidden"
    )
    actor = current_actor()
    if actor is None:
        login = st.Page("app/pages/login.py", title=tr("nav.login"), icon=":material/login:", default=True)
        page = st.navigation([login, verify_page], position="hidden")
    else:
        password_page = st.Page(
            "app/pages/change_password.py", title=tr("nav.password"), icon=":material/key:"
        )
        if must_change_password(actor.account_id):
            pages = [password_page]  # after an admin reset, nothing else until the password is changed
        else:
            pages = [st.Page(path, title=tr(key), icon=icon) for path, key, icon in PAGES.get(actor.role, [])]
            pages.append(password_page)
        page = st.navigation([*pages, verify_page])
        if st.session_state.pop("password_changed", False):
            st.toast(tr("password.done"), icon=":material/check_circle:")
            st.switch_page(pages[0])
        with st.sidebar:
            st.caption(tr("session.signed_in_as", username=actor.username, role=tr(f"role.{actor.role}")))
            if st.button(tr("session.log_out"), icon=":material/logout:", key="logout"):
                log_out()
                st.rerun()
    close_sidebar_after_navigation(page.url_path)
    try:
        page.run()
    except SQLAlchemyError as failure:
        database_failure(failure)
