"""Reporting rounds: open one with a rule-set version, a due date and who must file; close it; and
see at once who has not filed."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from app.services import monitoring, periods, rulesets
from app.services.companies import list_zones
from app.services.errors import ServiceError
from app.services.periods import Expected
from app.ui.format import day, rn, today_vietnam
from app.ui.session import require_actor, tr
from app.ui.text import plain
from app.ui.widgets import choose_many, service_error

actor = require_actor("admin")
st.title(tr("admin.rounds.title"))
rounds = periods.list_periods(actor)
if rounds:
    rows = []
    for p in rounds[:30]:
        filing = monitoring.filing(actor, p.id)  # type: ignore[arg-type]  # a stored row's id is never None
        rows.append(
            {
                tr("history.col.round"): rn(p.name),
                tr("admin.rounds.ruleset"): f"{p.ruleset_id} v{p.ruleset_version}",
                tr("home.due"): day(p.due_on),
                tr("overview.expected"): filing.expected,
                tr("overview.submitted"): filing.submitted,
                tr("overview.missing"): filing.missing,
                tr("admin.rounds.state"): tr("home.closed") if p.closed else tr("admin.rounds.open_state"),
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    by_id = {p.id: p for p in rounds}
    chosen = st.selectbox(
        tr("officials.round"), list(by_id), format_func=lambda i: by_id[i].name, key="round_pick"
    )
    missing = monitoring.company_rows(actor, chosen, filed=False)  # type: ignore[arg-type]  # a stored row's id is never None
    with st.expander(tr("admin.rounds.missing", count=len(missing))):
        st.dataframe(
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
        periods.close_period(actor, chosen)  # type: ignore[arg-type]  # a stored row's id is never None
        st.rerun()

st.subheader(tr("admin.rounds.open"))
usable = [v for v in rulesets.versions(actor) if v.complete and v.status in ("shipped", "published")]
zones = list_zones()
names = {z.id: z.name for z in zones}
with st.form("open_round"):
    name = st.text_input(tr("admin.rounds.name"), key="round_name")
    version = st.selectbox(
        tr("admin.rounds.ruleset"),
        range(len(usable)),
        format_func=lambda n: f"{usable[n].ruleset_id} v{usable[n].version} – {usable[n].title}",
        key="round_ruleset",
    )
    cols = st.columns(2)
    opens = cols[0].date_input(
        tr("admin.rounds.opens"), value=today_vietnam(), format="DD/MM/YYYY", key="round_opens"
    )
    due = cols[1].date_input(
        tr("admin.rounds.due"),
        value=today_vietnam() + timedelta(days=6),
        format="DD/MM/YYYY",
        key="round_due",
    )
    everyone = st.checkbox(tr("admin.rounds.everyone"), value=True, key="round_everyone")
    picked = choose_many(
        tr("admin.rounds.areas"), list(names), format_func=lambda z: names[z], key="round_areas"
    )
    opened = st.form_submit_button(tr("admin.rounds.open_button"), type="primary")
if opened:
    chosen_version = usable[version]
    try:
        period = periods.open_period(
            actor,
            name,
            opens,
            due,
            Expected(zone_ids=tuple(picked), all_companies=everyone),
            chosen_version.ruleset_id,
            chosen_version.version,
        )
    except ServiceError as error:
        service_error(error)
    else:
        st.toast(tr("admin.rounds.opened", name=plain(period.name)), icon=":material/check_circle:")
        st.rerun()  # the table above shows the new round at once
