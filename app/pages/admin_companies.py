"""The company registry: download the template or the registry, upload it back, see every problem
by cell, and import all or nothing."""

from __future__ import annotations

import streamlit as st

from app.services.admin import company_import
from app.services.errors import ServiceError
from app.ui.downloads import XLSX
from app.ui.session import require_actor, tr
from app.ui.widgets import service_error, stop_on_problems
from app.vocabulary import Role

actor = require_actor(Role.admin)
st.title(tr("admin.companies.title"))
cols = st.columns(2)
cols[0].download_button(
    tr("admin.companies.template"),
    company_import.template(),
    "zonerisk-companies-template.xlsx",
    mime=XLSX,
    icon=":material/download:",
    on_click="ignore",  # no rerun: a second quick download still works
    key="template",
)
cols[1].download_button(
    tr("admin.companies.registry"),
    lambda: company_import.export_registry(actor),
    "zonerisk-companies.xlsx",
    mime=XLSX,
    icon=":material/download:",
    on_click="ignore",  # no rerun: a second quick download still works
    key="registry",
)

upload = st.file_uploader(tr("admin.companies.upload"), type=["xlsx"], key="registry_upload")
if upload is not None:
    data = upload.getvalue()
    try:
        report = company_import.preview(actor, data)
    except ServiceError as error:
        service_error(error)
        st.stop()
    stop_on_problems(report.problems)
    st.success(
        tr(
            "admin.companies.ready",
            rows=report.rows,
            created=len(report.created),
            updated=len(report.updated),
        )
    )
    if st.button(tr("admin.companies.import"), type="primary", key="do_import"):
        try:
            done = company_import.apply(actor, data)
        except ServiceError as error:
            service_error(error)
        else:
            st.success(
                tr(
                    "admin.companies.done",
                    created=len(done.created),
                    updated=len(done.updated),
                    unchanged=done.unchanged,
                )
            )
