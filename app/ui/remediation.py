"""The action plan on the company's Result page (edit who does what, say when it is done) and the
officials' overdue count per zone."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from app.services.context import Actor
from app.services.errors import ServiceError
from app.services.onsite import remediation
from app.ui.format import day, rn
from app.ui.grid import data_table
from app.ui.session import lang, tr
from app.ui.text import plain
from app.ui.widgets import service_error
from app.vocabulary import ActionStatus


def _due(action: remediation.ActionView) -> str:
    return tr("fix.stop_until") if action.due_on is None else day(action.due_on)


def _status(action: remediation.ActionView) -> str:
    by = f" ({tr(f'fix.by.{action.closed_by}')})" if action.closed_by else ""
    return tr(f"fix.status.{action.status}") + by


def _card(action: remediation.ActionView, today: date) -> None:
    """What the action is about, what to do, by when and where it stands; overdue marked on it."""
    overdue = f" :red-badge[{tr('fix.col.overdue')}]" if action.overdue(today) else ""
    title = plain(action.title.get(lang(), action.criterion_id))
    st.markdown(f"**{plain(action.criterion_id)} · {title}**{overdue}")
    st.markdown("; ".join(plain(step.get(lang(), "")) for step in action.steps))
    owner = f" · {tr('fix.col.owner')}: {plain(action.owner)}" if action.owner else ""
    st.caption(f"{tr('fix.col.due')}: {_due(action)} · {tr('fix.col.status')}: {_status(action)}{owner}")


def action_plan(actor: Actor, today: date, shown_id: int, round_name: str) -> None:
    """One card per action: the company names the owner and ticks what is done; a re-assessment or
    an inspection confirms the fix (those are listed apart, read-only). The plan aims at the targets of the
    newest submission: under an older one it is named, not shown beside that round's advice."""
    actions = remediation.plan(actor)
    st.subheader(f"{tr('fix.title')} · {round_name}")
    if not actions:
        st.caption(tr("fix.none"))
        return
    newest = max(actions, key=lambda a: a.assessment_id)
    if newest.assessment_id > shown_id:
        st.info(tr("fix.follows_newer", round=rn(newest.round_name)), icon=":material/info:")
        return
    counts: dict[str, int] = {}
    for a in actions:
        counts[_status(a)] = counts.get(_status(a), 0) + 1
    st.markdown(" · ".join(f"**{n}** {label}" for label, n in counts.items()))
    late = [a for a in actions if a.overdue(today)]
    if late:
        st.error(tr("fix.overdue", count=len(late)))
    # one card per action, not a wide table: at 1366 px or on a phone every card shows what it is
    # about beside who does it and whether it is done (a table hid those columns off-screen)
    working = [a for a in actions if a.status != ActionStatus.fixed]
    changes: dict[int, tuple[str, bool]] = {}
    if working:
        with st.form("fix_plan", border=False, enter_to_submit=False):
            for a in working:
                with st.container(border=True):
                    _card(a, today)
                    left, right = st.columns([3, 1], vertical_alignment="bottom")
                    owner = left.text_input(
                        tr("fix.col.owner"), a.owner, max_chars=remediation.MAX_OWNER, key=f"fix_owner_{a.id}"
                    )
                    done = right.checkbox(
                        tr("fix.col.done"), a.status == ActionStatus.done, key=f"fix_done_{a.id}"
                    )
                    changes[a.id] = (owner, done)
            saved = st.form_submit_button(tr("fix.save"), icon=":material/save:")
    else:
        saved = False
    fixed = [a for a in actions if a.status == ActionStatus.fixed]
    if fixed:
        with st.expander(tr("fix.fixed_list", count=len(fixed))):
            for a in fixed:
                _card(a, today)
    if saved:
        try:
            changed = remediation.update_many(actor, changes)  # one unit of work for the whole plan
        except ServiceError as error:
            service_error(error)
            return
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
