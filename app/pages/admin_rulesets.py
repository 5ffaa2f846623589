"""Rule sets: upload a new version (YAML, or the Excel points table over a base version), check it with
the scorer's loader, preview its impact on every company's latest submission, then publish it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app.i18n.messages import ruleset_problem
from app.services import rulesets
from app.services.errors import ServiceError
from app.ui.downloads import XLSX
from app.ui.format import index, rn, signed
from app.ui.session import lang, require_actor, tr
from app.ui.text import plain

actor = require_actor("admin")
st.title(tr("admin.rulesets.title"))
versions = rulesets.versions(actor)
st.dataframe(
    pd.DataFrame(
        [
            {
                tr("admin.rulesets.id"): v.ruleset_id,
                tr("admin.rulesets.version"): v.version,
                tr("admin.rulesets.name"): v.title,
                tr("admin.rulesets.status"): tr(f"admin.rulesets.status.{v.status}"),
                tr("admin.rulesets.complete"): tr("common.yes") if v.complete else tr("common.no"),
                tr("admin.rulesets.reconstructed"): tr("common.yes") if v.reconstructed else tr("common.no"),
                "sha256": v.content_hash[:12],
            }
            for v in versions
        ]
    ),
    hide_index=True,
    width="stretch",
)

yaml_tab, excel_tab = st.tabs([tr("admin.rulesets.upload_yaml"), tr("admin.rulesets.upload_excel")])
with yaml_tab:
    uploaded = st.file_uploader(tr("admin.rulesets.yaml_file"), type=["yaml", "yml"], key="ruleset_yaml")
    if uploaded is not None and st.button(tr("admin.rulesets.check_store"), key="store_yaml"):
        try:
            row = rulesets.upload(actor, uploaded.getvalue().decode("utf-8"), uploaded.name)
        except (ServiceError, UnicodeDecodeError) as error:
            if isinstance(error, ServiceError):
                st.error(tr("admin.rulesets.invalid"))
                for _, problem in error.problems or [("", error.text(lang()))]:  # type: ignore[attr-defined]  # only Invalid carries problems; others fall back to the text
                    st.markdown(f"- {plain(ruleset_problem(problem, lang()), 1000)}")
            else:
                st.error(str(error))
        else:
            st.success(tr("admin.rulesets.stored", id=row.ruleset_id, version=row.version))
with excel_tab:
    bases = [v for v in versions if v.status != "draft"]
    base = st.selectbox(
        tr("admin.rulesets.base"),
        range(len(bases)),
        format_func=lambda n: f"{bases[n].ruleset_id} v{bases[n].version}",
        key="ruleset_base",
    )
    chosen = bases[base]
    st.download_button(
        tr("admin.rulesets.template"),
        lambda: rulesets.points_template(chosen.ruleset_id, chosen.version),
        f"{chosen.ruleset_id}-v{chosen.version}-points.xlsx",
        mime=XLSX,
        on_click="ignore",  # no rerun: a second quick download still works
        key="points_template",
    )
    table = st.file_uploader(tr("admin.rulesets.points_file"), type=["xlsx"], key="points_upload")
    if table is not None and st.button(tr("admin.rulesets.check_store"), key="store_points"):
        try:
            row = rulesets.from_points_table(actor, chosen.ruleset_id, chosen.version, table.getvalue())
        except ServiceError as error:
            st.error(tr("admin.rulesets.invalid"))
            for where, problem in error.problems or [("", error.text(lang()))]:  # type: ignore[attr-defined]  # only Invalid carries problems; others fall back to the text
                st.markdown(f"- {plain(where)}: {plain(ruleset_problem(problem, lang()), 1000)}")
        else:
            st.success(tr("admin.rulesets.stored", id=row.ruleset_id, version=row.version))

drafts = [v for v in rulesets.versions(actor) if v.status == "draft"]
if drafts:
    st.subheader(tr("admin.rulesets.drafts"))
    pick = st.selectbox(
        tr("admin.rulesets.draft"),
        range(len(drafts)),
        format_func=lambda n: f"{drafts[n].ruleset_id} v{drafts[n].version}",
        key="draft_pick",
    )
    draft = drafts[pick]
    impacts = rulesets.impact(actor, draft.upload_id)  # type: ignore[arg-type]  # a stored row's id is never None
    changed = [i for i in impacts if i.changed]
    level_names = {lv.id: lv.label.get(lang()) for lv in rulesets.get(draft.ruleset_id).ruleset.levels}

    def level_and_index(level: str | None, value: float | None) -> str:
        return "—" if value is None else f"{level_names.get(level or '', level)} ({index(value, lang())})"

    st.markdown(tr("admin.rulesets.impact", total=len(impacts), changed=len(changed)))
    if impacts:
        st.dataframe(
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
        rulesets.publish(actor, draft.upload_id)  # type: ignore[arg-type]  # a stored row's id is never None
        st.rerun()
    if cols[1].button(tr("admin.rulesets.discard"), key="discard"):
        rulesets.discard(actor, draft.upload_id)  # type: ignore[arg-type]  # a stored row's id is never None
        st.rerun()
