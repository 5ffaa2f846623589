"""The admin's form for a new reporting round: rule-set version, dates, who must file."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from app.services import periods
from app.services.admin import rulesets
from app.services.context import Actor
from app.services.errors import ServiceError
from app.services.filing.companies import list_zones
from app.services.periods import Expected
from app.ui.format import today_vietnam
from app.ui.session import lang, tr
from app.ui.text import plain
from app.ui.widgets import choose_many, service_error
from app.vocabulary import RulesetStatus


def open_round_form(actor: Actor) -> None:
    st.subheader(tr("admin.rounds.open"))
    usable = [
        v
        for v in rulesets.versions(actor)
        if v.complete and v.status in (RulesetStatus.shipped, RulesetStatus.published)
    ]
    zones = list_zones()
    names = {z.id: z.name for z in zones}
    # a rule set by its title and version, as an admin knows it (not "bg-kcn-2021 v1")
    choices = [tr("admin.rounds.ruleset_choice", title=v.name(lang()), version=v.version) for v in usable]
    with st.form("open_round"):
        name = st.text_input(tr("admin.rounds.name"), key="round_name")
        version = st.selectbox(
            tr("admin.rounds.ruleset"),
            range(len(usable)),
            format_func=choices.__getitem__,
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
