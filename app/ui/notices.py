"""One sentence where the user expected something else: an address that is no page, another role's
page, a sign-on link that expired or a person the province's provider vouches for but nobody has
registered. The web layer passes them as `?notice=` (app/web), the router shows them once."""

from __future__ import annotations

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from app.ui.session import tr

NOTICES = ("unknown_page", "not_yours", "link_expired", "sso_unknown", "sso_failed", "sso_off")
_PENDING = "notice"


def take_notice() -> None:
    """A notice in the address moves into the session (and out of the address, so that a reload
    or a copied link does not repeat it)."""
    if _PENDING in st.query_params:
        st.session_state[_PENDING] = st.query_params.get(_PENDING)
        del st.query_params[_PENDING]


def show_notice() -> None:
    """The pending notice, once, on the page the user ends up on."""
    notice = st.session_state.pop(_PENDING, None)
    if notice in NOTICES:
        (st.warning if notice.startswith("sso") else st.info)(tr(f"notice.{notice}"), icon=":material/info:")


def not_yours(home: StreamlitPage) -> None:
    """Another role's page: this role's home, with a sentence saying why."""
    st.session_state[_PENDING] = "not_yours"
    st.switch_page(home)


def land(home: StreamlitPage) -> None:
    """`/`: the role's home, at its own address, so that every page has one to share and reload."""
    st.switch_page(home)
