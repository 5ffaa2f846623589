"""Rule sets: upload a new version (YAML, or the Excel points table over a base version), check it with
the scorer's loader, preview its impact on every company's latest submission, then publish it."""

from __future__ import annotations

import streamlit as st

from app.services.admin import ruleset_points, rulesets
from app.services.errors import ServiceError
from app.ui.admin_rulesets import choose_version, drafts_and_impact, show_ruleset_problems, versions_table
from app.ui.downloads import XLSX
from app.ui.session import require_actor, tr
from app.vocabulary import Role, RulesetStatus

actor = require_actor(Role.admin)
st.title(tr("admin.rulesets.title"))
versions = rulesets.versions(actor)
versions_table(versions)

yaml_tab, excel_tab = st.tabs([tr("admin.rulesets.upload_yaml"), tr("admin.rulesets.upload_excel")])
with yaml_tab:
    uploaded = st.file_uploader(tr("admin.rulesets.yaml_file"), type=["yaml", "yml"], key="ruleset_yaml")
    if uploaded is not None and st.button(tr("admin.rulesets.check_store"), key="store_yaml"):
        try:
            row = rulesets.upload(actor, uploaded.getvalue().decode("utf-8"), uploaded.name)
        except ServiceError as error:
            show_ruleset_problems(error)
        except UnicodeDecodeError:
            st.error(tr("admin.rulesets.not_utf8"))
        else:
            st.success(tr("admin.rulesets.stored", id=row.ruleset_id, version=row.version))
with excel_tab:
    chosen = choose_version(
        tr("admin.rulesets.base"), [v for v in versions if v.status != RulesetStatus.draft], "ruleset_base"
    )
    st.download_button(
        tr("admin.rulesets.template"),
        lambda: ruleset_points.points_template(chosen.ruleset_id, chosen.version),
        f"{chosen.ruleset_id}-v{chosen.version}-points.xlsx",
        mime=XLSX,
        on_click="ignore",  # no rerun: a second quick download still works
        key="points_template",
    )
    table = st.file_uploader(tr("admin.rulesets.points_file"), type=["xlsx"], key="points_upload")
    if table is not None and st.button(tr("admin.rulesets.check_store"), key="store_points"):
        try:
            row = ruleset_points.from_points_table(actor, chosen.ruleset_id, chosen.version, table.getvalue())
        except ServiceError as error:
            show_ruleset_problems(error)
        else:
            st.success(tr("admin.rulesets.stored", id=row.ruleset_id, version=row.version))

drafts_and_impact(actor)
