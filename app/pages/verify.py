"""Public verification of a printed company report: the QR code on the report opens this page."""

from __future__ import annotations

import streamlit as st

from app.services import rulesets, verification
from app.ui.format import when
from app.ui.session import tr
from app.ui.widgets import level_badge

st.title(tr("verify.title"))
found = verification.verify(st.query_params.get("a", ""), st.query_params.get("t", ""))
if found is None:
    st.error(tr("verify.invalid"))
    st.stop()
st.success(tr("verify.valid"))
try:
    level = rulesets.get(found.ruleset_id, found.ruleset_version).ruleset.level(found.level)
    level_badge(level, tr("result.level"))
except (LookupError, KeyError):
    st.write(found.level)
st.markdown(
    f"**{found.company_name}** ({tr('company.tax_code')} {found.tax_code})  \n"
    f"{found.period_name} · {when(found.submitted_at)} · {tr(f'status.{found.status}')}  \n"
    f"{tr('result.total')}: {found.total}/{found.max_total} · "
    f"{tr('result.index')}: {found.risk_index:.2f}% · "
    f"{tr('result.may_operate')}: {tr('common.yes') if found.may_operate else tr('common.no')}"
)
