"""The national platforms' adoption figures: the ICT department loads a round's export (Bluezone
installs, health declarations per workplace) and sees who claimed more than the platforms counted."""

from __future__ import annotations

import streamlit as st

from app.services.admin import platform_import
from app.services.errors import ServiceError
from app.ui.downloads import XLSX
from app.ui.filters import choose_period
from app.ui.format import rn
from app.ui.platform import comparison_table
from app.ui.session import require_actor, tr
from app.ui.text import plain
from app.ui.widgets import headline_figures, service_error, stop_on_problems
from app.vocabulary import Role

actor = require_actor(Role.ict, Role.admin)
period = choose_period(actor)
if period is None:
    st.stop()
st.title(tr("platform.title"))
st.caption(plain(rn(period.name)) + " · " + tr("platform.caption"))
st.download_button(
    tr("platform.template"),
    platform_import.template(),
    "zonerisk-nen-tang-mau.xlsx",
    mime=XLSX,
    icon=":material/download:",
    on_click="ignore",
    key="platform_template",
)
upload = st.file_uploader(tr("platform.upload"), type=["xlsx", "csv"], key=f"platform_upload_{period.id}")
if upload is not None:
    data = upload.getvalue()
    try:
        report = platform_import.preview(actor, period.id, data)
    except ServiceError as error:
        service_error(error)
        st.stop()
    stop_on_problems(report.problems)
    st.success(tr("platform.ready", rows=report.companies, name=rn(period.name)))
    if st.button(tr("platform.import"), type="primary", key="platform_do_import"):
        try:
            with st.spinner(tr("platform.importing")):
                done = platform_import.apply(actor, period.id, data, upload.name)
        except ServiceError as error:
            service_error(error)
        else:
            st.success(
                tr("platform.done", companies=done.companies, replaced=done.replaced, flagged=done.flagged)
            )

compared = platform_import.comparison(actor, period.id)
st.subheader(tr("platform.compared"))
if not compared:
    st.info(tr("platform.none"))
else:
    over = sum(c.over_reported for c in compared)
    headline_figures([(tr("platform.over"), f"{over} / {len(compared)}")])
    comparison_table(compared)
