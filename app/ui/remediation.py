"""The action plan on the company's Result page (edit who does what, say when it is done) and the
officials' overdue count per zone."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from app.services.context import Actor
from app.services.errors import ServiceError
from app.services.onsite import remediation
from app.ui.format import day
from app.ui.grid import data_table
from app.ui.session import lang, tr
from app.ui.widgets import service_error
from app.vocabulary import ActionStatus


def _due(action: remediation.ActionView) -> str:
    return tr("fix.stop_until") if action.due_on is None else day(action.due_on)


def action_plan(actor: Actor, today: date, shown_id: int, round_name: str) -> None:
    """An editable table: the company names the owner and ticks what is done; a re-assessment or an
    inspection confirms the fix (those rows are read-only). The plan aims at the targets of the
    newest submission: under an older one it is named, not shown beside that round's advice."""
    actions = remediation.plan(actor)
    st.subheader(f"{tr('fix.title')} · {round_name}")
    if not actions:
        st.caption(tr("fix.none"))
        return
    newest = max(actions, key=lambda a: a.assessment_id)
    if newest.assessment_id > shown_id:
        st.info(tr("fix.follows_newer", round=newest.round_name), icon=":material/info:")
        return
    counts: dict[str, int] = {}
    for a in actions:
        label = tr(f"fix.status.{a.status}") + (f" ({tr(f'fix.by.{a.closed_by}')})" if a.closed_by else "")
        counts[label] = counts.get(label, 0) + 1
    st.markdown(" · ".join(f"**{n}** {label}" for label, n in counts.items()))
    late = [a for a in actions if a.overdue(today)]
    if late:
        st.error(tr("fix.overdue", count=len(late)))
    frame = pd.DataFrame(
        [
            {
                "id": a.id,
                tr("fix.col.what"): f"{a.criterion_id} · {a.title.get(lang(), a.criterion_id)}",
                tr("fix.col.steps"): "; ".join(step.get(lang(), "") for step in a.steps),
                tr("fix.col.due"): _due(a),
                tr("fix.col.owner"): a.owner,
                tr("fix.col.done"): a.status in (ActionStatus.done, ActionStatus.fixed),
                tr("fix.col.status"): tr(f"fix.status.{a.status}")
                + (f" ({tr(f'fix.by.{a.closed_by}')})" if a.closed_by else ""),
            }
            for a in actions
        ]
    ).set_index("id")
    fixed = [a.id for a in actions if a.status == ActionStatus.fixed]
    edited = st.data_editor(
        frame,
        key="fix_editor",
        hide_index=True,
        width="stretch",
        disabled=[c for c in frame.columns if c not in (tr("fix.col.owner"), tr("fix.col.done"))],
        column_config={tr("fix.col.owner"): st.column_config.TextColumn(max_chars=remediation.MAX_OWNER)},
    )
    if st.button(tr("fix.save"), icon=":material/save:", key="fix_save"):
        changed = 0
        for action in actions:
            if action.id in fixed:
                continue
            owner, done = (
                edited.loc[action.id, tr("fix.col.owner")],
                bool(edited.loc[action.id, tr("fix.col.done")]),
            )
            if owner != action.owner or done != (action.status == ActionStatus.done):
                try:
                    remediation.update(actor, action.id, owner=str(owner or ""), done=done)
                except ServiceError as error:
                    service_error(error)
                    return
                changed += 1
        st.toast(tr("fix.saved", count=changed), icon=":material/check_circle:")
        st.rerun()


def overdue_by_zone(actor: Actor, today: date) -> None:
    rows = remediation.overdue_by_zone(actor, today)
    if not rows:
        st.caption(tr("fix.no_open"))
        return
    data_table(
        pd.DataFrame(rows).rename(
            columns={
                "zone": tr("inspect.col.zone"),
                "open": tr("fix.col.open"),
                "overdue": tr("fix.col.overdue"),
                "companies": tr("fix.col.companies"),
            }
        ),
        hide_index=True,
    )
