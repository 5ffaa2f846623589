"""Reporting rounds: open one with a rule-set version, a due date and who must file; close it; and
see at once who has not filed."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.services import periods
from app.services.oversight import lists, trends
from app.ui.admin_rounds import open_round_form
from app.ui.format import day, rn
from app.ui.grid import data_table
from app.ui.session import require_actor, tr
from app.vocabulary import Role

actor = require_actor(Role.admin)
st.title(tr("admin.rounds.title"))
rounds = periods.list_periods(actor)
if rounds:
    filed = {r.period_id: r for r in trends.trend(actor, limit=30)}  # two queries, not one per round
    rows = []
    for p in rounds[:30]:
        figures = filed.get(p.id or 0)
        expected, submitted = (figures.expected, figures.submitted) if figures else (0, 0)
        rows.append(
            {
                tr("history.col.round"): rn(p.name),
                tr("admin.rounds.ruleset"): f"{p.ruleset_id} v{p.ruleset_version}",
                tr("home.due"): day(p.due_on),
                tr("overview.expected"): expected,
                tr("overview.submitted"): submitted,
                tr("overview.missing"): expected - submitted,
                tr("admin.rounds.state"): tr("home.closed") if p.closed else tr("admin.rounds.open_state"),
            }
        )
    data_table(pd.DataFrame(rows), hide_index=True, width="stretch")
    by_id = {p.id: p for p in rounds}
    chosen = st.selectbox(
        tr("officials.round"), list(by_id), format_func=lambda i: by_id[i].name, key="round_pick"
    )
    missing = lists.company_rows(actor, chosen, filed=False)
    with st.expander(tr("admin.rounds.missing", count=len(missing))):
        data_table(
            pd.DataFrame(
                [
                    {
                        tr("company.tax_code"): r.tax_code,
                        tr("lists.col.name"): r.name,
                        tr("overview.col.area"): r.zone_name,
                        tr("profile.contact_phone"): r.contact_phone,
                        tr("profile.contact_email"): r.contact_email,
                    }
                    for r in missing
                ]
            ),
            hide_index=True,
            width="stretch",
        )
    if not by_id[chosen].closed and st.button(tr("admin.rounds.close"), key="close_round"):
        periods.close_period(actor, chosen)
        st.rerun()

open_round_form(actor)
