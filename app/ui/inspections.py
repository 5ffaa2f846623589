"""The inspector's widgets: the visit to do, the questionnaire section by section (the company's own
form, saved as a draft), closing the visit with its decisions, the side-by-side view and the
calibration tables."""

from __future__ import annotations

import base64
import html
from datetime import date
from functools import partial
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from app.assessment.answers import InvalidAnswers, Problem
from app.assessment.layout import questionnaire
from app.assessment.progress import after_save, progress
from app.inspection import evidence
from app.services.context import Actor
from app.services.errors import ServiceError
from app.services.onsite import calibration, inspection_evidence, inspections
from app.services.onsite.inspections import InspectionView
from app.ui.charts import SEPARATORS, STILL
from app.ui.format import day, index
from app.ui.grid import data_table
from app.ui.questionnaire import merged, navigation, section_form
from app.ui.session import lang, tr
from app.ui.text import plain
from app.ui.widgets import headline_figures, level_badge, service_error
from app.vocabulary import Role


def choose_visit(actor: Actor) -> dict[str, Any] | None:
    todo = inspections.my_visits(actor)
    if not todo:
        st.info(tr("inspect.nothing_to_do"))
        return None
    labels = {v["visit_id"]: f"{v['plan']} · #{v['rank']} · {v['tax_code']} · {v['name']}" for v in todo}
    chosen = st.selectbox(tr("inspect.visit"), list(labels), format_func=labels.__getitem__, key="i_visit")
    return next(v for v in todo if v["visit_id"] == chosen)


def form(actor: Actor, draft: InspectionView, today: date) -> None:
    """The round's questionnaire, one section at a time, then the visit's notes and decisions."""
    loaded = inspections.ruleset_of(draft)
    layout = questionnaire(loaded.ruleset, draft.answers)
    refused: dict[str, list[Problem]] = {}
    for problem in inspections.problems(draft):
        refused.setdefault(problem.input_id, []).append(problem)
    step_key = f"i_step_{draft.id}"
    now = progress([b.input_ids for b in layout], draft.answers, refused, st.session_state.get(step_key))
    titles = [b.title.get(lang()) for b in layout]
    chosen = navigation(now, titles, f"i_nav_{draft.id}", tr("inspect.finish_step"))
    if chosen != now.step:
        st.session_state[step_key] = chosen
        st.rerun()
    if now.on_review:
        _finish(actor, draft, today)
        return
    block = layout[now.step]
    values, save_only, save_next = section_form(block, draft.answers, refused, f"i{draft.id}")
    if save_only or save_next:
        try:
            answers = merged(draft.answers, values, block.input_ids)
            _, found = inspections.save(actor, draft.id, answers, draft.notes)
        except ServiceError as error:
            service_error(error)
            return
        clean = not any(p.input_id in block.input_ids for p in found)
        st.session_state[step_key] = after_save(now, clean, advance=bool(save_next))
        st.rerun()


def evidence_upload(actor: Actor, draft: InspectionView) -> None:
    """Photos or PDFs taken on site; each checked by its content, refused files said one by one."""
    shown = inspection_evidence.evidence_of(actor, draft.id)
    if shown:
        st.caption(tr("inspect.evidence_list", files=", ".join(plain(e.file_name) for e in shown)))
    files = st.file_uploader(
        tr("inspect.evidence"),
        type=["jpg", "jpeg", "png", "webp", "pdf"],
        accept_multiple_files=True,
        max_upload_size=evidence.MAX_BYTES // 2**20,  # the drop zone says the limit the check applies
        key=f"i_files_{draft.id}",
    )
    if files and st.button(tr("inspect.evidence_add"), icon=":material/upload:", key="i_upload"):
        added = 0
        for item in files:
            try:
                inspection_evidence.add_evidence(actor, draft.id, item.name, item.getvalue())
                added += 1
            except ServiceError as error:
                st.error(f"{plain(item.name)}: {error.text(lang())}")
        if added:
            st.toast(tr("inspect.evidence_added", count=added), icon=":material/attach_file:")


@st.cache_data(max_entries=64, show_spinner=False)
def _preview(evidence_id: int, _actor: Actor) -> bytes | None:
    """Made once per photo and replica: the id comes from the caller's scoped list of evidence."""
    return inspection_evidence.evidence_preview(_actor, evidence_id)


def evidence_view(actor: Actor, inspection_id: int) -> None:
    """On the company detail: photos shown as small previews written into the page itself (no
    /media/ address that would open without a session), PDFs offered as downloads made only when
    clicked, never as pages."""
    items = inspection_evidence.evidence_of(actor, inspection_id)
    if not items:
        return
    st.markdown(f"**{tr('inspect.evidence')}**")
    columns = st.columns(min(len(items), 4))
    for n, item in enumerate(items):
        with columns[n % len(columns)]:
            if item.media_type.startswith("image/"):
                photo = _preview(item.id, actor)
                if photo is None:
                    st.warning(tr("inspect.evidence_unreadable", name=plain(item.file_name)))
                    continue
                encoded = base64.b64encode(photo).decode("ascii")
                st.markdown(
                    f'<img src="data:image/jpeg;base64,{encoded}" alt="{html.escape(item.file_name)}" '
                    'style="max-width:100%">',
                    unsafe_allow_html=True,
                )
                st.caption(plain(item.file_name))
            else:
                st.download_button(
                    plain(item.file_name),
                    partial(_file_bytes, actor, item.id),
                    file_name=item.file_name,
                    mime=item.media_type,
                    icon=":material/picture_as_pdf:",
                    key=f"evidence_{item.id}",
                    on_click="ignore",
                )


def _file_bytes(actor: Actor, evidence_id: int) -> bytes:
    return inspection_evidence.evidence_file(actor, evidence_id)[1]


def _finish(actor: Actor, draft: InspectionView, today: date) -> None:
    evidence_upload(actor, draft)
    with st.form(f"i_finish_{draft.id}", enter_to_submit=False):
        notes = st.text_area(
            tr("inspect.notes"), value=draft.notes, max_chars=inspections.MAX_NOTES, key="i_notes"
        )
        visited = st.date_input(
            tr("inspect.visited_on"), value=today, max_value=today, format="DD/MM/YYYY", key="i_on"
        )
        official = st.checkbox(tr("inspect.official_level"), key="i_official")
        stop = st.checkbox(tr("inspect.stop_operation"), key="i_stop")
        done = st.form_submit_button(tr("inspect.complete"), type="primary", icon=":material/task_alt:")
    if not done:
        return
    try:
        inspections.save(actor, draft.id, draft.answers, notes)  # the notes, kept even if scoring refuses
        result = inspections.complete(
            actor, draft.id, visited, official_level=official, stop_operation=stop, today=today
        )
    except InvalidAnswers as refused:
        st.error(tr("inspect.incomplete", count=len(refused.problems)))
        inputs = {i.id: i for i in inspections.ruleset_of(draft).ruleset.inputs}
        for problem in refused.problems:
            item = inputs.get(problem.input_id)
            where = item.label.get(lang()) if item else problem.input_id
            st.caption(f"{plain(where)}: {problem.message.get(lang())}")
        return
    except ServiceError as error:
        service_error(error)
        return
    st.session_state.pop("i_visit", None)
    st.toast(tr("inspect.completed", index=index(result.risk_index, lang())), icon=":material/task_alt:")
    st.rerun()


def side_by_side(actor: Actor, company_id: int) -> None:
    """For the company detail: the latest inspection beside the company's own answers."""
    done = inspections.of_company(actor, company_id)
    if not done:
        return
    latest = done[0]
    told, found, pairs = calibration.side_by_side(actor, latest.id, lang())
    st.subheader(tr("inspect.side_by_side", on=day(latest.visited_on), by=inspector_of(latest)))
    headline_figures(
        [
            (tr("inspect.self_index"), index(told.index if told else None, lang())),
            (tr("inspect.inspector_index"), index(found.index, lang())),
            (tr("inspect.inspector_level"), found.level.label.get(lang())),
        ]
    )
    if latest.official_level:
        st.warning(tr("inspect.is_official"))
    if latest.stop_operation:
        st.error(tr("inspect.stopped"))
    table = pd.DataFrame(
        [
            {
                tr("inspect.col.criterion"): f"{p.criterion_id} · {p.title}",
                tr(
                    "inspect.col.self"
                ): f"{'—' if p.self_points is None else p.self_points}/{p.max} · {p.self_answer}",
                tr("inspect.col.found"): f"{p.inspector_points}/{p.max} · {p.inspector_answer}",
                tr("inspect.col.gap"): p.gap,
            }
            for p in pairs
        ]
    )
    data_table(table, hide_index=True, width="stretch")
    evidence_view(actor, latest.id)


def inspector_of(view: InspectionView) -> str:
    """Who came, as a person and an agency: never a login name."""
    agency = tr(f"role.{view.inspector_agency}") if view.inspector_agency else ""
    return plain(view.signed(agency))


def company_inspections(actor: Actor) -> None:
    """The company's own inspections: the newest shown, an older one chosen (one inspection scored
    and its files read per run, not every one the company ever had): when, who, the level the team
    found and what it decided, its notes, the criteria it found worse than declared, the files."""
    done = inspections.mine(actor)
    if not done:
        st.info(tr("myinspect.none"))
        return
    headings = {v.id: tr("myinspect.heading", on=day(v.visited_on), by=inspector_of(v)) for v in done}
    chosen = done[0].id
    if len(done) > 1:
        chosen = st.selectbox(
            tr("myinspect.pick"), list(headings), format_func=headings.__getitem__, key="mi_pick"
        )
    view = next(v for v in done if v.id == chosen)
    told, found, pairs = calibration.side_by_side(actor, view.id, lang())
    with st.container(border=True):
        st.subheader(headings[view.id])
        level_badge(found.level, tr("inspect.inspector_level"))
        headline_figures(
            [
                (tr("inspect.inspector_index"), index(found.index, lang())),
                (tr("inspect.self_index"), index(told.index if told else None, lang())),
            ]
        )
        if view.official_level:
            st.warning(tr("inspect.is_official"))
        if view.stop_operation:
            st.error(tr("inspect.stopped"))
        if view.notes:
            st.markdown(f"**{tr('inspect.notes')}:** {plain(view.notes, 5000)}")
        worse = [p for p in pairs if p.gap is not None and p.gap > 0]
        if worse:
            st.markdown(f"**{tr('myinspect.worse', count=len(worse))}**")
            col_self, col_found = tr("inspect.col.self"), tr("inspect.col.found")
            rows = [
                {
                    tr("inspect.col.criterion"): f"{p.criterion_id} · {p.title}",
                    col_self: f"{p.self_points}/{p.max} · {p.self_answer}",
                    col_found: f"{p.inspector_points}/{p.max} · {p.inspector_answer}",
                }
                for p in worse
            ]
            data_table(pd.DataFrame(rows), hide_index=True, width="stretch")
        else:
            st.success(tr("myinspect.none_worse"))
        evidence_view(actor, view.id)


def calibration_section(actor: Actor) -> None:
    result = calibration.calibration(actor)
    if not result.companies:
        st.caption(tr("inspect.no_calibration"))
        return
    st.caption(tr("inspect.calibration_hint", count=len(result.companies)))
    criteria = pd.DataFrame(result.criteria)
    fig = go.Figure(go.Bar(x=criteria["criterion"], y=criteria["mean_gap"], marker_color="#d73027"))
    fig.update_layout(
        height=300,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        title=tr("inspect.by_criterion"),
        separators=SEPARATORS.get(lang(), ".,"),
    )
    st.plotly_chart(fig, key="i_criteria_chart", config=STILL)
    left, right = st.columns(2)
    with left:
        data_table(
            pd.DataFrame(result.zones).rename(
                columns={
                    "zone": tr("inspect.col.zone"),
                    "mean_gap": tr("inspect.col.mean_gap"),
                    "inspections": tr("inspect.col.count"),
                }
            ),
            hide_index=True,
        )
    companies = (
        pd.DataFrame(result.companies)
        .drop(columns=["company_id"])
        .rename(
            columns={
                "tax_code": tr("company.tax_code"),
                "name": tr("lists.col.name"),
                "zone": tr("inspect.col.zone"),
                "round": tr("history.col.round"),
                "self_index": tr("inspect.self_index"),
                "inspector_index": tr("inspect.inspector_index"),
                "gap": tr("inspect.col.index_gap"),
            }
        )
    )
    with right:
        indices = (tr("inspect.self_index"), tr("inspect.inspector_index"))
        data_table(companies.head(50), hide_index=True, numbers=dict.fromkeys(indices, "index"))


def can_inspect(actor: Actor) -> bool:
    return actor.role in (Role.zone_board, Role.labour)
