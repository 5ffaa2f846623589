"""One company, for an official: profile, every submission with its level, why two differ, the
reviews, and the actions a reviewer may take (approve, or return with a comment)."""

from __future__ import annotations

import streamlit as st

from app.services import assessments, companies, reports
from app.services.assessments import ruleset_of
from app.services.errors import ServiceError
from app.services.scope import REVIEWERS
from app.ui import cache
from app.ui.downloads import pdf_download
from app.ui.format import index, number, rn, when
from app.ui.names import pending_name_review
from app.ui.session import lang, require_actor, tr
from app.ui.tables import comparison_picker, submissions_table
from app.ui.text import plain
from app.ui.widgets import level_badge, reconstructed_banner, service_error, signed_by

actor = require_actor("zone_board", "labour", "ict", "admin")
requested = st.query_params.get("company") or st.session_state.get("detail_company")
if not requested:
    st.info(tr("detail.pick"))
    tax_code = st.text_input(tr("detail.by_tax_code"), key="detail_tax_code")
    if tax_code:
        try:
            st.session_state["detail_company"] = companies.find_by_tax_code(actor, tax_code).id
        except ServiceError as error:
            service_error(error)
            st.stop()
        st.rerun()
    st.stop()
try:
    company = companies.get_company(actor, int(requested))
except (ServiceError, ValueError) as error:
    service_error(error) if isinstance(error, ServiceError) else st.error(tr("error.bad_link"))
    st.stop()

st.title(plain(company.name))
st.caption(
    " · ".join(
        plain(part)
        for part in (
            f"{tr('company.tax_code')}: {company.tax_code}",
            company.zone_name,
            company.district,
            company.sector,
        )
    )
)
st.markdown(
    f"**{tr('profile.workers')}:** {number(company.workers, lang())} · "
    f"**{tr('profile.contact_name')}:** {plain(company.contact_name or '—')} · "
    f"**{tr('profile.contact_phone')}:** {plain(company.contact_phone or '—')} · "
    f"**{tr('profile.contact_email')}:** {plain(company.contact_email or '—')}"
)

pending_name_review(actor, company)
submissions = assessments.history(actor, company.id)
if not submissions:
    st.info(tr("detail.none"))
    st.stop()

latest = submissions[0]
ruleset = ruleset_of(latest).ruleset
reconstructed_banner(ruleset)

with st.container(border=True):
    st.subheader(tr("detail.latest", name=plain(rn(latest.period_name))))
    result = assessments.result_of(latest)
    level_badge(result.level, tr("result.level"))
    cols = st.columns(3)
    cols[0].metric(tr("result.index"), index(result.index, lang()))
    cols[1].metric(tr("result.may_operate"), tr("common.yes") if result.may_operate else tr("common.no"))
    cols[2].metric(tr("home.status"), tr(f"status.{latest.status}"))
    if result.floor_reason or result.may_operate_reason:
        st.error((result.floor_reason or result.may_operate_reason).get(lang()))  # type: ignore[union-attr]
    for review in latest.reviews:
        st.caption(
            tr(
                "detail.review_line",
                decision=tr(f"decision.{review.decision}"),
                official=signed_by(review),
                at=when(review.at),
                comment=plain(review.comment or "—", 2000),
            )
        )
    if actor.role in REVIEWERS and latest.is_latest and latest.status == "submitted":
        st.markdown(f"**{tr('detail.review')}**")
        comment = st.text_area(tr("detail.comment"), key="review_comment", max_chars=2000)
        left, right = st.columns(2)
        approve = left.button(tr("detail.approve"), type="primary", icon=":material/check:", key="approve")
        send_back = right.button(tr("detail.return"), icon=":material/undo:", key="return")
        if approve or send_back:
            try:
                assessments.review(actor, latest.id, "approve" if approve else "return", comment)
            except ServiceError as error:
                service_error(error)
            else:
                cache.invalidate()
                st.toast(tr("detail.reviewed"), icon=":material/check_circle:")
                st.rerun()

language = lang()
pdf_download(
    tr("download.company_pdf"),
    f"zonerisk-{company.tax_code}-{latest.id}.pdf",
    lambda: reports.export_company_pdf(actor, latest.id, language),
    key="company_pdf",
)
st.subheader(tr("detail.submissions"))
submissions_table(submissions, ruleset)
if len(submissions) > 1:
    comparison_picker(submissions, ruleset, "d_cmp")
