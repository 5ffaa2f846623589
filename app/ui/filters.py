"""The officials' round and filters, shared by the overview, the lists and the exports."""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

import streamlit as st

from app.assessment.schema import RuleSet
from app.sectors import sector_name
from app.services import periods
from app.services.context import Actor
from app.services.filing.assessments import ruleset_of
from app.services.filing.companies import list_zones
from app.services.oversight import monitoring
from app.services.oversight.filters import Filters
from app.ui.format import day, rn, today_vietnam
from app.ui.session import lang, tr
from app.ui.widgets import choose_many

if TYPE_CHECKING:
    from app.services.periods import Round


class OfficialView(NamedTuple):
    period: Round
    ruleset: RuleSet
    filters: Filters


def official_view(actor: Actor) -> OfficialView:
    """The round, its rule set and the filters that every officials' page starts from; stops the
    page (after the round selector has said why) when there is no round to show."""
    period = choose_period(actor)
    if period is None:
        st.stop()
    ruleset = ruleset_of(period).ruleset
    return OfficialView(period, ruleset, choose_filters(actor, ruleset))


def choose_period(actor: Actor) -> Round | None:
    """The round selector in the sidebar, kept in the address (`?round=ID`), so the chosen round
    carries across Overview, Lists and Province and survives a reload; by default the round that
    is running, not a round that has just opened with nothing filed yet."""
    rounds = periods.list_periods(actor)
    if not rounds:
        st.info(tr("officials.no_rounds"))
        return None
    due = tr("home.due")
    by_id = {p.id: p for p in rounds}
    default = periods.current_round(rounds, today_vietnam()) or rounds[0]
    options = list(by_id)
    asked = _round_in_address(by_id)
    if asked is not None:  # opened from a link, a bookmark or a reload: the address says which
        st.session_state["round"] = asked
    elif st.session_state.get("round") not in by_id:
        st.session_state["round"] = default.id
    chosen = st.sidebar.selectbox(
        tr("officials.round"),
        options,
        format_func={pid: f"{rn(p.name)} · {due} {day(p.due_on)}" for pid, p in by_id.items()}.__getitem__,
        key="round",
        persist_state="session",  # also across a page switch within the session
    )
    # the round's id in the address, not its words: a link an English user shares opens the same
    # round for a Vietnamese colleague; the running round, the default, needs none
    written = None if chosen == default.id else str(chosen)
    if written is None:
        st.query_params.pop("round", None)
    else:
        st.query_params["round"] = written
    st.session_state["round_written"] = written
    return by_id.get(chosen, default)


def _round_in_address(by_id: dict[int, Round]) -> int | None:
    """The round the address names, when it names one this user may see and the page did not put
    it there itself (after a change in the chooser the address still holds the old one)."""
    raw = st.query_params.get("round")
    if raw is None or raw == st.session_state.get("round_written"):
        return None
    try:
        asked = int(raw)
    except ValueError:
        return None
    return asked if asked in by_id else None


def choose_filters(actor: Actor, ruleset: RuleSet) -> Filters:
    zone_ids = set(monitoring.scoped_zone_ids(actor))
    zones = [z for z in list_zones() if z.id in zone_ids]
    names = {z.id: z.name for z in zones}
    with st.sidebar.expander(tr("officials.filters"), expanded=False):
        picked_zones = choose_many(
            tr("officials.zones"), list(names), format_func=lambda z: names[z], key="f_zones"
        )
        language = lang()
        picked_sectors = choose_many(
            tr("officials.sectors"),
            monitoring.sectors(actor),
            format_func=lambda s: sector_name(s, language),
            key="f_sectors",
        )
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
        names = {z.id: z.name for z in list_zones()}
        parts.append(tr("officials.zones") + ": " + ", ".join(names.get(z, z) for z in filters.zone_ids))
    if filters.sectors:
        parts.append(
            tr("officials.sectors") + ": " + ", ".join(sector_name(s, lang()) for s in filters.sectors)
        )
    if filters.levels:
        labels = {lv.id: lv.label.get(lang()) for lv in ruleset.levels}
        parts.append(tr("officials.levels") + ": " + ", ".join(labels.get(lv, lv) for lv in filters.levels))
    if filters.search:
        parts.append(f"“{filters.search}”")
    return "; ".join(parts)
