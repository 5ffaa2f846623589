"""The lists officials work from: high risk, may not operate, non-filers (with contacts, for the SMS
or Zalo reminders), and companies whose level rose since the previous round."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.services.assessments import ruleset_of
from app.services.monitoring import CompanyRow
from app.ui import cache
from app.ui.downloads import excel_download
from app.ui.filters import choose_filters, choose_period, describe
from app.ui.format import rn, when
from app.ui.session import lang, require_actor, tr
from app.ui.text import plain

actor = require_actor("zone_board", "labour", "ict", "admin")
period = choose_period(actor)
if period is None:
    st.stop()
ruleset = ruleset_of(period).ruleset
filters = choose_filters(actor, ruleset)
labels = {lv.id: lv.label.get(lang()) for lv in ruleset.levels}

st.title(tr("lists.title"))
st.caption(f"{plain(rn(period.name))} · {plain(describe(filters, ruleset))}")
with st.expander(tr("overview.exports"), icon=":material/download:"):
    excel_download(actor, period.id, period.name, filters, describe(filters, ruleset))  # type: ignore[arg-type]  # a stored row's id is never None

LISTS = {
    "high": {"only_high": True},
    "not_operating": {"only_not_operating": True},
    "missing": {"filed": False},
    "rising": {"only_rising": True},
}
choice = (
    st.segmented_control(
        tr("lists.which"),
        list(LISTS),
        format_func={k: tr(f"lists.{k}") for k in LISTS}.__getitem__,
        default="high",
        key="list_kind",
    )
    or "high"
)
rows: list[CompanyRow] = cache.company_rows(actor, period.id, filters, **LISTS[choice])  # type: ignore[arg-type]  # a stored row's id is never None

if not rows:
    st.info(tr(f"lists.empty.{choice}"))
    st.stop()

st.caption(tr("lists.count", count=len(rows)))
table: list[dict[str, object]]
if choice == "missing":
    table = [
        {
            tr("company.tax_code"): r.tax_code,
            tr("lists.col.name"): r.name,
            tr("overview.col.area"): r.zone_name,
            tr("profile.sector"): r.sector,
            tr("profile.workers"): r.company_workers,
            tr("profile.contact_name"): r.contact_name,
            tr("profile.contact_phone"): r.contact_phone,
            tr("profile.contact_email"): r.contact_email,
        }
        for r in rows
    ]
else:
    table = [
        {
            tr("company.tax_code"): r.tax_code,
            tr("lists.col.name"): r.name,
            tr("overview.col.area"): r.zone_name,
            tr("profile.sector"): r.sector,
            tr("profile.workers"): r.workers,
            tr("result.index"): r.risk_index,
            tr("table.level"): labels.get(r.level or "", r.level),
            tr("lists.col.previous"): labels.get(r.previous_level or "", "—"),
            tr("result.may_operate"): tr("common.yes") if r.may_operate else tr("common.no"),
            tr("lists.col.submitted"): when(r.submitted_at) + ("" if r.on_time else f" ({tr('lists.late')})"),
        }
        for r in rows
    ]
key_columns = {
    tr("company.tax_code"): st.column_config.TextColumn(pinned=True),
    tr("lists.col.name"): st.column_config.TextColumn(pinned=True, width="medium"),
}
picked = st.dataframe(
    pd.DataFrame(table),
    hide_index=True,
    width="stretch",
    column_config={**key_columns, tr("result.index"): st.column_config.NumberColumn(format="%.2f%%")},
    on_select="rerun",
    selection_mode="single-row",
    key="list_table",
)
st.caption(tr("lists.click_row"))
if picked.selection.rows:  # a click on a row opens the company
    st.switch_page(
        "app/pages/company_detail.py",
        query_params={"company": str(rows[picked.selection.rows[0]].company_id)},
    )
by_id = {r.company_id: r for r in rows}
chosen = st.selectbox(
    tr("lists.open"),
    list(by_id),
    format_func={cid: f"{r.tax_code} · {r.name}" for cid, r in by_id.items()}.__getitem__,
    key="list_open",
)
if st.button(tr("lists.open_button"), icon=":material/open_in_new:", key="open_company"):
    st.switch_page("app/pages/company_detail.py", query_params={"company": str(chosen)})
