"""The officials' round and filters, shared by the overview, the lists and the exports."""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from app.assessment.schema import RuleSet
from app.services import monitoring, periods
from app.services.companies import list_zones
from app.services.context import Actor
from app.services.monitoring import Filters
from app.ui.format import day, rn
from app.ui.session import lang, tr
from app.ui.widgets import choose_many

if TYPE_CHECKING:
    from db.models import Period


def choose_period(actor: Actor) -> Period | None:
    """The round selector in the sidebar; the newest round by default."""
    rounds = periods.list_periods(actor)
    if not rounds:
        st.info(tr("officials.no_rounds"))
        return None
    due = tr("home.due")
    by_id = {p.id: p for p in rounds}
    if st.session_state.get("f_period") not in by_id:
        st.session_state["f_period"] = rounds[0].id
    chosen = st.sidebar.selectbox(
        tr("officials.round"),
        list(by_id),
        format_func={pid: f"{rn(p.name)} · {due} {day(p.due_on)}" for pid, p in by_id.items()}.__getitem__,
        key="f_period",
    )
    return by_id[chosen]


def choose_filters(actor: Actor, ruleset: RuleSet) -> Filters:
    zone_ids = set(monitoring.scoped_zone_ids(actor))
    zones = [z for z in list_zones() if z.id in zone_ids]
    names = {z.id: z.name for z in zones}
    with st.sidebar.expander(tr("officials.filters"), expanded=False):
        picked_zones = choose_many(
            tr("officials.zones"), list(names), format_func=lambda z: names[z], key="f_zones"
        )
        picked_sectors = choose_many(tr("officials.sectors"), monitoring.sectors(actor), key="f_sectors")
        labels = {lv.id: lv.label.get(lang()) for lv in ruleset.levels}
        picked_levels = choose_many(
            tr("officials.levels"), list(labels), format_func=lambda lv: labels.get(lv, lv), key="f_levels"
        )
        search = st.text_input(
            tr("officials.search"), key="f_search", placeholder=tr("officials.search_hint")
        )
    return Filters(
        zone_ids=tuple(picked_zones),
        sectors=tuple(picked_sectors),
        levels=tuple(picked_levels),
        search=search.strip(),
    )


def describe(filters: Filters, ruleset: RuleSet) -> str:
    """The filters in words, for titles of exports and empty states."""
    if not filters.as_dict():
        return tr("officials.no_filter")
    parts = []
    if filters.zone_ids:
        parts.append(tr("officials.zones") + ": " + ", ".join(filters.zone_ids))
    if filters.sectors:
        parts.append(tr("officials.sectors") + ": " + ", ".join(filters.sectors))
    if filters.levels:
        labels = {lv.id: lv.label.get(lang()) for lv in ruleset.levels}
        parts.append(tr("officials.levels") + ": " + ", ".join(labels.get(lv, lv) for lv in filters.levels))
    if filters.search:
        parts.append(f"“{filters.search}”")
    return "; ".join(parts)
