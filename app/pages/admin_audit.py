"""The audit log: who did what, to which company, when; filtered, and exported to Excel."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.services.admin import audit_log
from app.services.admin.audit_log import AuditFilters
from app.ui.audit import action_name, changes
from app.ui.downloads import XLSX
from app.ui.grid import data_table
from app.ui.session import require_actor, tr
from app.vocabulary import Role

actor = require_actor(Role.admin)
st.title(tr("admin.audit.title"))
cols = st.columns(5)
who = cols[0].text_input(tr("admin.audit.actor"), key="audit_actor")
action = cols[1].text_input(tr("admin.audit.action"), key="audit_action", placeholder="assessment.")
tax_code = cols[2].text_input(tr("company.tax_code"), key="audit_tax_code")
since = cols[3].date_input(tr("admin.audit.since"), value=None, format="DD/MM/YYYY", key="audit_since")
until = cols[4].date_input(tr("admin.audit.until"), value=None, format="DD/MM/YYYY", key="audit_until")
filters = AuditFilters(who, action, tax_code, since, until)
rows = audit_log.events(actor, filters)
if not rows:
    st.info(tr("admin.audit.empty"))
else:
    st.caption(tr("admin.audit.count", count=len(rows)))
    data_table(
        pd.DataFrame(
            [
                {
                    tr("admin.audit.at"): r.at,
                    tr("admin.audit.actor"): r.actor,
                    tr("admin.audit.action"): action_name(r.action),
                    tr("admin.audit.object"): r.object,
                    tr("company.tax_code"): r.company,
                    tr("admin.audit.before"): changes(r.before),
                    tr("admin.audit.after"): changes(r.after),
                }
                for r in rows
            ]
        ),
        hide_index=True,
        width="stretch",
        column_config={tr("admin.audit.at"): st.column_config.DatetimeColumn(format="HH:mm DD/MM/YYYY")},
    )
    st.download_button(
        tr("admin.audit.export"),
        lambda: audit_log.export(actor, filters),
        "zonerisk-audit.xlsx",
        mime=XLSX,
        icon=":material/download:",
        on_click="ignore",  # no rerun: a second quick download still works
        key="audit_export",
    )
