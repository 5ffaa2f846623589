"""Public verification of a printed company report: the QR code on the report opens this page. It
says whether the report is genuine and whether it still holds (a later filing, a return, a closed
round), and shows only what an outsider holding the report needs."""

from __future__ import annotations

import streamlit as st

from app.services.admin import rulesets
from app.services.documents import verification
from app.services.documents.verification import Standing
from app.ui.format import index, rn, when
from app.ui.session import client_address, lang, tr
from app.ui.text import plain
from app.ui.widgets import level_badge


def _level_name(ruleset_id: str, version: int, level_id: str | None) -> str:
    try:
        return rulesets.get(ruleset_id, version).ruleset.level(level_id or "").label.get(lang())
    except (LookupError, KeyError):
        return level_id or "—"


st.title(tr("verify.title"))
try:
    found = verification.verify(st.query_params.get("a", ""), st.query_params.get("t", ""), client_address())
except verification.TooManyInvalidLinks as waiting:
    st.error(waiting.text(lang()))
    st.stop()
if found is None:
    st.error(tr("verify.invalid"))
    st.stop()
if found.standing is Standing.current:
    st.success(tr("verify.valid"))
elif found.standing is Standing.superseded:
    st.warning(
        tr(
            "verify.superseded",
            at=when(found.superseded_at),
            level=_level_name(found.ruleset_id, found.ruleset_version, found.current_level),
        )
    )
else:
    st.warning(tr("verify.returned"))
if found.period_closed:
    st.info(tr("verify.closed_round", name=plain(rn(found.period_name))))
try:
    level = rulesets.get(found.ruleset_id, found.ruleset_version).ruleset.level(found.level)
    level_badge(level, tr("verify.report_level"))
except (LookupError, KeyError):
    st.text(found.level)
operate = found.may_operate
if found.standing is Standing.superseded and found.current_may_operate is not None:
    operate = found.current_may_operate  # what the filing that counts now says, not the old report
yes_no = tr("common.yes") if operate else tr("common.no")
operate_label = (
    tr("verify.may_operate_now") if found.standing is Standing.superseded else tr("result.may_operate")
)
st.markdown(
    f"**{plain(found.company_name)}** ({tr('company.tax_code')} {plain(found.tax_code)})  \n"
    f"{plain(rn(found.period_name))} · {when(found.submitted_at)} · {tr(f'status.{found.status}')}  \n"
    f"{tr('result.total')}: {found.total}/{found.max_total} · "
    f"{tr('result.index')}: {index(found.risk_index, lang())} · {operate_label}: {yes_no}"
)
