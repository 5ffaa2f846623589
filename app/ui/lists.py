"""The officials' lists: the table for each list (non-filers with their contacts; the others with
levels), whose rows open the company."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.sectors import sector_name
from app.services.context import Actor
from app.services.filing import assessments
from app.services.oversight.lists import CompanyRow
from app.ui.format import when
from app.ui.grid import data_table
from app.ui.session import lang, tr
from app.ui.widgets import choose_many


def late_mark(row: CompanyRow) -> str:
    return "" if row.on_time else f" ({tr('lists.late')})"


def rows_table(rows: list[CompanyRow], choice: str, labels: dict[str, str]) -> list[dict[str, object]]:
    table: list[dict[str, object]]
    if choice == "missing":
        table = [
            {
                tr("company.tax_code"): r.tax_code,
                tr("lists.col.name"): r.name,
                tr("overview.col.area"): r.zone_name,
                tr("profile.sector"): sector_name(r.sector, lang()),
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
                tr("profile.sector"): sector_name(r.sector, lang()),
                tr("profile.workers"): r.workers,
                tr("result.index"): r.risk_index,
                tr("table.level"): labels.get(r.level or "", r.level),
                tr("lists.col.previous"): labels.get(r.previous_level or "", "—"),
                tr("result.may_operate"): tr("common.yes") if r.may_operate else tr("common.no"),
                tr("lists.col.submitted"): when(r.submitted_at) + late_mark(r),
                **(
                    {tr("lists.col.resubmitted"): tr("common.yes") if r.resubmission else ""}
                    if choice == "to_review"
                    else {}
                ),
            }
            for r in rows
        ]
    return table


def bulk_approve(actor: Actor, rows: list[CompanyRow]) -> None:
    """Approve several awaiting submissions at once; the ones that cannot be (reviewed meanwhile,
    replaced) are listed, the others approved."""
    by_id = {r.assessment_id: r for r in rows if r.assessment_id is not None}
    with st.form("bulk_approve", enter_to_submit=False, border=True):
        picked = choose_many(
            tr("lists.bulk_pick"),
            list(by_id),
            format_func=lambda a: (
                f"{by_id[a].tax_code} · {by_id[a].name}"
                + (f" · {tr('lists.col.resubmitted')}" if by_id[a].resubmission else "")
            ),
            key="bulk_pick",
        )
        go = st.form_submit_button(tr("lists.bulk_approve"), type="primary", icon=":material/done_all:")
    if not go:
        return
    if not picked:
        st.warning(tr("lists.bulk_none"))
        return
    result = assessments.approve_many(actor, picked, lang())
    # the list and its count are read again: the approved ones leave it at once
    st.session_state["lists_flash"] = (
        len(result.approved),
        [(by_id[a].tax_code if a in by_id else str(a), why) for a, why in result.skipped],
    )
    st.rerun()


def approval_flash() -> None:
    """What the last bulk approval did, said once above the list it changed."""
    flash = st.session_state.pop("lists_flash", None)
    if flash is None:
        return
    approved, skipped = flash
    if approved:
        st.success(tr("lists.bulk_done", count=approved))
    for tax_code, why in skipped:
        st.warning(f"{tax_code}: {why}")


def open_on_click(rows: list[CompanyRow], table: list[dict[str, object]], clickable: bool = True) -> None:
    """The list; a click on a row opens the company. Where rows are picked for approval (the
    review list) a row has no tick box: a tick that opened the company instead of picking it
    surprised every reviewer; the company opens from the chooser below."""
    key_columns = {
        tr("company.tax_code"): st.column_config.TextColumn(pinned=True),
        tr("lists.col.name"): st.column_config.TextColumn(pinned=True, width="medium"),
    }
    picked = data_table(
        pd.DataFrame(table),
        hide_index=True,
        width="stretch",
        column_config=key_columns,
        numbers={tr("result.index"): "index"},
        on_select="rerun" if clickable else "ignore",
        selection_mode="single-row",
        key="list_table",
    )
    if clickable:
        st.caption(tr("lists.click_row"))
    if clickable and picked.selection.rows:  # a click on a row opens the company
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
