"""The admin's forms: a new account (role and scope, a one-time password that must be changed), a
person's open sessions, and their registration with the province's sign-on."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.config import get_settings
from app.services.accounts import sessions
from app.services.admin import users
from app.services.admin.users import ROLES, UserRow
from app.services.context import Actor
from app.services.errors import ServiceError
from app.services.filing import companies
from app.services.filing.companies import list_zones
from app.ui.format import when
from app.ui.grid import data_table
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


def sessions_panel(actor: Actor, person: UserRow) -> None:
    """Where this person is logged in now, and the admin's way to end it (a lost phone, a leaver)."""
    st.markdown(f"**{tr('admin.sessions.title')}**")
    open_sessions = sessions.active_for(actor, person.id)
    if not open_sessions:
        st.caption(tr("admin.sessions.none"))
        return
    data_table(
        pd.DataFrame(
            [
                {
                    tr("admin.sessions.method"): tr(f"admin.sessions.method_{s.method}"),
                    tr("admin.sessions.since"): when(s.created_at),
                    tr("admin.sessions.last_seen"): when(s.last_seen_at),
                    tr("admin.sessions.client"): s.client,
                    tr("admin.sessions.device"): s.user_agent[:80],
                }
                for s in open_sessions
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    if st.button(
        tr("admin.sessions.end_all", count=len(open_sessions)), key="end_sessions", icon=":material/logout:"
    ):
        ended = sessions.end_for_admin(actor, person.id)
        st.toast(tr("admin.sessions.ended", count=ended), icon=":material/check_circle:")
        st.rerun()


def sign_on_panel(actor: Actor, person: UserRow) -> None:
    """Who this person is at the province's identity provider; role and scope stay the account's."""
    with st.form(f"sign_on_{person.id}"):
        st.markdown(f"**{tr('admin.sign_on.title')}**")
        if not get_settings().sso_enabled:
            st.caption(tr("admin.sign_on.off"))
        pair = st.columns(2)
        subject = pair[0].text_input(
            tr("admin.sign_on.subject"), value=person.sso_subject or "", key=f"sso_subject_{person.id}"
        )
        email = pair[1].text_input(
            tr("admin.sign_on.email"), value=person.sso_email or "", key=f"sso_email_{person.id}"
        )
        required = st.checkbox(
            tr("admin.sign_on.required"), value=person.sso_required, key=f"sso_required_{person.id}"
        )
        saved = st.form_submit_button(tr("admin.sign_on.save"))
    if saved:
        try:
            users.register_sign_on(actor, person.id, subject=subject, email=email, required=required)
        except ServiceError as error:
            service_error(error)
        else:
            st.toast(tr("admin.sign_on.saved", username=person.username), icon=":material/check_circle:")
            st.rerun()


def sign_on_policy(actor: Actor) -> None:
    """The province's rule for officials: sign-on only, once each is registered."""
    cols = st.columns(2)
    if cols[0].button(tr("admin.sign_on.require_officials"), key="sso_require_all"):
        changed = users.require_sign_on_for_officials(actor, True)
        st.toast(tr("admin.sign_on.policy_done", count=changed), icon=":material/check_circle:")
        st.rerun()
    if cols[1].button(tr("admin.sign_on.allow_passwords"), key="sso_allow_all"):
        changed = users.require_sign_on_for_officials(actor, False)
        st.toast(tr("admin.sign_on.policy_done", count=changed), icon=":material/check_circle:")
        st.rerun()


def reset_password(actor: Actor, person: UserRow, asked: bool) -> None:
    """A reset ends the person's sessions and their password at once: asked for, then confirmed,
    naming whose it is (one click on the wrong row once locked a colleague out)."""
    key = "confirm_reset"
    if asked:
        st.session_state[key] = person.id
    if st.session_state.get(key) != person.id:
        return
    with st.container(border=True):
        st.warning(tr("admin.users.reset_confirm", username=person.username, name=person.full_name or "—"))
        left, right = st.columns(2)
        if left.button(tr("admin.users.reset_yes"), type="primary", key="reset_yes"):
            del st.session_state[key]
            temporary = users.reset_password(actor, person.id)
            st.success(tr("admin.users.temporary", username=person.username, password=temporary))
        elif right.button(tr("common.cancel"), key="reset_no"):
            del st.session_state[key]
            st.rerun()
