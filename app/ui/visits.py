"""The inspection planner's widgets: the request (how many, where), the ranked proposal with every
term of its priority, keeping or dropping companies, saving, and the saved plans' files."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.services.context import Actor
from app.services.errors import ServiceError
from app.services.filing import companies
from app.services.filing.companies import list_zones
from app.services.onsite import visits
from app.services.onsite.visits import Proposal, VisitRow
from app.services.oversight import monitoring
from app.ui.downloads import XLSX, pdf_download
from app.ui.format import day, number, rn
from app.ui.grid import data_table
from app.ui.session import lang, tr
from app.ui.widgets import choose_many, service_error

TERMS = ("risk", "exposure", "doubt", "staleness", "missed")


def request(actor: Actor) -> tuple[int, str | None, str]:
    """How many visits, in which zone or district (all of the scope by default), the plan's name."""
    zone_ids = set(monitoring.scoped_zone_ids(actor))
    names = {z.id: z.name for z in list_zones() if z.id in zone_ids}
    left, middle, right = st.columns([1, 2, 2])
    count = left.number_input(
        tr("visits.count"), min_value=1, max_value=visits.MAX_VISITS, value=10, key="v_count"
    )
    zone = middle.selectbox(
        tr("visits.zone"),
        [None, *names],
        format_func=lambda z: tr("visits.all_zones") if z is None else names[z],
        key="v_zone",
    )
    title = right.text_input(tr("visits.title_field"), key="v_title", max_chars=200)
    return int(count), zone, title


def _table(rows: list[VisitRow], levels: dict[str, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                tr("visits.col.rank"): r.rank,
                tr("visits.col.company"): f"{r.tax_code} · {r.name}",
                tr("visits.col.zone"): r.zone_name,
                tr("visits.col.level"): levels.get(r.level or "", tr("visits.not_filed")),
                tr("visits.col.workers"): number(r.workers, lang()),
                tr("visits.col.flags"): r.flags,
                tr("visits.col.priority"): r.priority,
                **{tr(f"visits.term.{t}"): r.terms.get(t) for t in TERMS},
                tr("visits.col.address"): r.address or tr("visits.no_address"),
                tr("visits.col.pinned"): "📌" if r.pinned else "",
            }
            for r in rows
        ]
    )


def proposal_view(actor: Actor, proposal: Proposal, levels: dict[str, str]) -> None:
    st.markdown(tr("visits.summary", chosen=len(proposal.chosen), in_scope=number(proposal.in_scope, lang())))
    st.caption(tr("visits.formula"))
    if proposal.already_planned:
        st.caption(tr("visits.already_planned", count=proposal.already_planned))
    data_table(_table(proposal.chosen, levels), hide_index=True, width="stretch", key="v_chosen")
    if missing := [r for r in proposal.chosen if not r.has_address]:
        st.warning(tr("visits.missing_address", count=len(missing)))
    if proposal.others:
        with st.expander(tr("visits.next", count=len(proposal.others))):
            data_table(_table(proposal.others, levels), hide_index=True, width="stretch", key="v_others")


def adjustments(actor: Actor, proposal: Proposal, zone: str | None) -> None:
    """Companies the official keeps whatever their rank, and ones to leave out this time (per zone
    chosen: another zone starts afresh). Any company of the zone or scope can be kept: a search by
    name or tax code adds it to the choices (they once held the top 40 only). Read by the page on
    the next run."""
    shown = [*proposal.chosen, *proposal.others, *proposal.dropped]
    names: dict[int, str] = {r.company_id: f"{r.tax_code} · {r.name}" for r in shown}
    found_before: dict[int, str] = st.session_state.setdefault(f"v_found_{zone}", {})
    left, right = st.columns(2)
    with left:
        text = st.text_input(tr("visits.find"), key=f"v_find_{zone}", placeholder=tr("detail.search_hint"))
        hits = [c for c in companies.search(actor, text) if zone is None or c.zone_id == zone] if text else []
        found_before.update({c.id: f"{c.tax_code} · {c.name}" for c in hits})
        if text and not hits:
            st.caption(tr("detail.no_match"))
        names.update(found_before)
        choose_many(tr("visits.pin"), list(names), format_func=names.__getitem__, key=f"v_pinned_{zone}")
    with right:
        choose_many(tr("visits.drop"), list(names), format_func=names.__getitem__, key=f"v_dropped_{zone}")


def save_button(actor: Actor, proposal: Proposal, title: str) -> None:
    if st.button(tr("visits.save"), type="primary", icon=":material/save:", key="v_save"):
        try:
            plan_id = visits.save_plan(actor, proposal, title)
        except ServiceError as error:
            service_error(error)
        else:
            st.session_state["v_saved"] = plan_id
            st.toast(tr("visits.saved", count=len(proposal.chosen)), icon=":material/check_circle:")


def saved_plans(actor: Actor) -> None:
    plans = visits.list_plans(actor)
    if not plans:
        st.caption(tr("visits.no_plans"))
        return
    labels = {
        pid: f"{rn(title)} · {author} · {tr('visits.n_visits', count=n)} · {day(at.date())}"
        for pid, title, author, n, at in plans
    }
    default = st.session_state.get("v_saved")
    options = list(labels)
    chosen = st.selectbox(
        tr("visits.saved_plans"),
        options,
        index=options.index(default) if default in options else 0,
        format_func=labels.__getitem__,
        key="v_plan",
    )
    language = lang()
    left, right = st.columns(2)
    with left:
        st.download_button(
            tr("visits.download_xlsx"),
            lambda: visits.export_plan(actor, chosen, "xlsx", language),
            file_name=f"zonerisk-ke-hoach-kiem-tra-{chosen}.xlsx",
            mime=XLSX,
            icon=":material/table_view:",
            key="v_xlsx",
            on_click="ignore",
        )
    with right:
        pdf_download(
            tr("visits.download_pdf"),
            f"zonerisk-ke-hoach-kiem-tra-{chosen}.pdf",
            lambda: visits.export_plan(actor, chosen, "pdf", language),
            key="v_pdf",
        )
