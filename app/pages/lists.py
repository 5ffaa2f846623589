"""The lists officials work from: high risk, may not operate, non-filers (with their contacts, and a
reminder to send them now), and companies whose level rose since the previous round."""

from __future__ import annotations

import streamlit as st

from app.services.oversight.lists import CompanyRow
from app.ui import cache
from app.ui.downloads import excel_download
from app.ui.filters import describe, official_view
from app.ui.format import rn
from app.ui.lists import approval_flash, bulk_approve, open_on_click, rows_table
from app.ui.reminders import remind_now
from app.ui.session import lang, require_actor, tr
from app.ui.text import plain
from app.vocabulary import REVIEWERS, Role

actor = require_actor(Role.zone_board, Role.labour, Role.ict, Role.admin)
period, ruleset, filters = official_view(actor)
labels = {lv.id: lv.label.get(lang()) for lv in ruleset.levels}

st.title(tr("lists.title"))
st.caption(f"{plain(rn(period.name))} · {plain(describe(filters, ruleset))}")
with st.expander(tr("overview.exports"), icon=":material/download:"):
    excel_download(actor, period.id, period.name, filters, describe(filters, ruleset))

LISTS: dict[str, dict[str, bool]] = {
    "high": {"only_high": True},
    "not_operating": {"only_not_operating": True},
    "missing": {"filed": False},
    "rising": {"only_rising": True},
}
if actor.role in REVIEWERS:
    LISTS["to_review"] = {"only_to_review": True}
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
rows: list[CompanyRow] = cache.company_rows(actor, period.id, filters, **LISTS[choice])
approval_flash()

if not rows:
    st.info(tr(f"lists.empty.{choice}"))
    st.stop()

st.caption(tr("lists.count", count=len(rows)))
if choice == "missing":
    remind_now(actor, period.id, rows)
if choice == "to_review":
    bulk_approve(actor, rows)
open_on_click(rows, rows_table(rows, choice, labels), clickable=choice != "to_review")
