"""API clients: the other systems of the province that read ZoneRisk (and companies' own systems
that file). Issue one with its scope, rights and expiry (its token is shown once), or revoke it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.services.errors import ServiceError
from app.services.filing.companies import list_zones
from app.services.integration import clients
from app.ui.format import day, when
from app.ui.grid import data_table
from app.ui.session import require_actor, tr
from app.ui.widgets import service_error
from app.vocabulary import Role

actor = require_actor(Role.admin)
st.title(tr("admin.clients.title"))
st.caption(tr("admin.clients.caption"))
found = clients.list_clients(actor)
if found:
    data_table(
        pd.DataFrame(
            [
                {
                    tr("admin.clients.name"): c.name,
                    tr("admin.clients.scope"): tr(f"admin.clients.scope.{c.scope}"),
                    tr("admin.clients.where"): ", ".join(c.zone_ids) or c.company_tax_code or "—",
                    tr("admin.clients.rights"): tr(
                        "admin.clients.write" if c.can_write else "admin.clients.read"
                    ),
                    tr("admin.clients.expires"): day(c.expires_at.date()),
                    tr("admin.clients.state"): tr("admin.clients.revoked") if c.revoked_at else "",
                    tr("admin.clients.last_call"): when(c.last_used_at) if c.last_used_at else "—",
                }
                for c in found
            ]
        ),
        hide_index=True,
        width="stretch",
    )

st.subheader(tr("admin.clients.issue"))
scopes = [str(s) for s in clients.ClientScope]
scope = st.selectbox(tr("admin.clients.scope"), scopes, format_func=lambda s: tr(f"admin.clients.scope.{s}"))
with st.form("issue_client", clear_on_submit=True):
    name = st.text_input(tr("admin.clients.name"), max_chars=80)
    kind = clients.scope_zone_kind(clients.ClientScope(scope))
    areas = {z.id: z.name for z in list_zones(actor) if z.kind == kind} if kind else {}
    chosen = (
        st.multiselect(tr("admin.clients.areas"), list(areas), format_func=areas.__getitem__) if kind else []
    )
    tax_code = st.text_input(tr("company.tax_code"), max_chars=14) if scope == "company" else None
    write = st.checkbox(tr("admin.clients.may_file"), disabled=scope != "company")
    days = st.number_input(tr("admin.clients.days"), min_value=1, max_value=3650, value=365, step=1)
    if st.form_submit_button(tr("admin.clients.do_issue"), type="primary"):
        try:
            client, token = clients.issue(
                actor, name, scope, areas=tuple(chosen), tax_code=tax_code, write=write, days=int(days)
            )
        except ServiceError as error:
            service_error(error)
        else:
            st.success(tr("admin.clients.issued", name=client.name))
            st.code(token, language=None)
            st.warning(tr("admin.clients.once"))

active = [c.name for c in found if c.revoked_at is None]
if active:
    st.subheader(tr("admin.clients.revoke"))
    target = st.selectbox(tr("admin.clients.name"), active, key="revoke_pick")
    sure = st.checkbox(tr("admin.clients.sure", name=target), key="revoke_sure")
    if st.button(tr("admin.clients.do_revoke"), disabled=not sure, key="revoke_client"):
        clients.revoke(actor, target)
        st.rerun()
