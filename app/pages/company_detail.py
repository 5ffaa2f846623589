"""One company, for an official: profile, the latest submission's answers and points per criterion
beside the previous one, every submission, why two differ, the reviews, and the review actions."""

from __future__ import annotations

import streamlit as st

from app.sectors import sector_name
from app.services.errors import ServiceError
from app.services.filing import assessments, companies
from app.services.filing.assessments import ruleset_of
from app.ui.company import answers_and_points, doubts, latest_figures, pick_company, review_actions
from app.ui.downloads import company_pdf_download
from app.ui.format import number, rn, when
from app.ui.inspections import side_by_side
from app.ui.names import pending_name_review
from app.ui.platform import platform_lines
from app.ui.session import lang, require_actor, tr
from app.ui.tables import comparison_picker, submissions_table
from app.ui.text import plain
from app.ui.widgets import reconstructed_banner, service_error, signed_by
from app.vocabulary import Role

actor = require_actor(Role.zone_board, Role.labour, Role.ict, Role.admin)
company_id = pick_company(actor)
if company_id is None:
    st.stop()
try:
    company = companies.get_company(actor, company_id)
except ServiceError as error:
    service_error(error)
    st.stop()

st.title(plain(company.name))
sector = sector_name(company.sector, lang())
parts = (f"{tr('company.tax_code')}: {company.tax_code}", company.zone_name, company.district, sector)
st.caption(" · ".join(plain(part) for part in parts))
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
    latest_figures(latest)
    doubts(actor, latest)
    platform_lines(actor, latest)
    for review in latest.reviews:
        line = dict(
            official=signed_by(review), at=when(review.at), comment=plain(review.comment or "—", 2000)
        )
        st.caption(tr("detail.review_line", decision=tr(f"decision.{review.decision}"), **line))
    answers_and_points(latest, submissions[1] if len(submissions) > 1 else None)
    review_actions(actor, latest)

side_by_side(actor, company.id)
company_pdf_download(actor, latest.id, latest.period_name, company.tax_code)
st.subheader(tr("detail.submissions"))
submissions_table(submissions, ruleset)
if len(submissions) > 1:
    comparison_picker(submissions, ruleset, "d_cmp")
