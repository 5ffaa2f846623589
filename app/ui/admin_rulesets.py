"""Draft rule-set versions: the impact preview (every company's latest submission re-scored,
levels by name), then publish or discard."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
import streamlit as st

from app.i18n.messages import ruleset_problem
from app.services.admin import ruleset_impact, rulesets
from app.services.context import Actor
from app.services.errors import Invalid, ServiceError
from app.ui.format import index, rn, signed
from app.ui.grid import data_table
from app.ui.session import lang, tr
from app.ui.text import plain

if TYPE_CHECKING:
    from app.services.admin.rulesets import VersionInfo


def choose_version(label: str, versions: list[VersionInfo], key: str) -> VersionInfo:
    """A rule-set version picked by its name and number, never by a row index the admin cannot see."""
    pick = st.selectbox(
        label,
        range(len(versions)),
        format_func=lambda n: tr(
            "admin.rounds.ruleset_choice", title=versions[n].name(lang()), version=versions[n].version
        ),
        key=key,
    )
    return versions[pick]


def show_ruleset_problems(error: ServiceError) -> None:
    """Every reason a YAML file or points table was refused, in the reader's language; a refusal
    without a list (a storage conflict, say) shows its one message."""
    st.error(tr("admin.rulesets.invalid"))
    problems = error.problems if isinstance(error, Invalid) and error.problems else [("", error.text(lang()))]
    for place, problem in problems:
        text = plain(ruleset_problem(problem, lang()), 1000)
        st.markdown(f"- {plain(place)}: {text}" if place else f"- {text}")


def drafts_and_impact(actor: Actor) -> None:
    # read again, not the page's list: a draft stored earlier in this same run must show at once
    drafts = rulesets.drafts(actor)
    if not drafts:
        return
    st.subheader(tr("admin.rulesets.drafts"))
    chosen = choose_version(tr("admin.rulesets.draft"), [d.info for d in drafts], "draft_pick")
    draft = next(d for d in drafts if d.info is chosen)
    impacts = ruleset_impact.impact(actor, draft.upload_id)
    changed = [i for i in impacts if i.changed]
    level_names = {lv.id: lv.label.get(lang()) for lv in rulesets.get(draft.info.ruleset_id).ruleset.levels}

    def level_and_index(level: str | None, value: float | None) -> str:
        return "—" if value is None else f"{level_names.get(level or '', level)} ({index(value, lang())})"

    st.markdown(tr("admin.rulesets.impact", total=len(impacts), changed=len(changed)))
    if impacts:
        data_table(
            pd.DataFrame(
                [
                    {
                        tr("company.tax_code"): i.tax_code,
                        tr("lists.col.name"): i.name,
                        tr("history.col.round"): rn(i.period_name),
                        tr("admin.rulesets.old"): level_and_index(i.old_level, i.old_index),
                        tr("admin.rulesets.new"): level_and_index(i.new_level, i.new_index),
                        tr("history.col.delta"): None
                        if i.new_index is None or i.old_index is None
                        else signed(i.new_index - i.old_index, lang(), 2),
                        tr("admin.rulesets.problem"): i.problem or "",
                    }
                    for i in impacts
                ]
            ),
            hide_index=True,
            width="stretch",
        )
    cols = st.columns(2)
    if cols[0].button(tr("admin.rulesets.publish"), type="primary", key="publish"):
        rulesets.publish(actor, draft.upload_id)
        st.rerun()
    if cols[1].button(tr("admin.rulesets.discard"), key="discard"):
        rulesets.discard(actor, draft.upload_id)
        st.rerun()


def yes_no(value: bool) -> str:
    return tr("common.yes") if value else tr("common.no")


def versions_table(versions: list[rulesets.VersionInfo]) -> None:
    data_table(
        pd.DataFrame(
            [
                {
                    tr("admin.rulesets.id"): v.ruleset_id,
                    tr("admin.rulesets.version"): v.version,
                    tr("admin.rulesets.name"): v.name(lang()),
                    tr("admin.rulesets.status"): tr(f"admin.rulesets.status.{v.status}"),
                    tr("admin.rulesets.complete"): yes_no(v.complete),
                    tr("admin.rulesets.reconstructed"): tr("common.yes")
                    if v.reconstructed
                    else tr("common.no"),
                    "sha256": v.content_hash[:12],
                }
                for v in versions
            ]
        ),
        hide_index=True,
        width="stretch",
    )
