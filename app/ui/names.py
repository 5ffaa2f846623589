"""A company's new name waits for an official: the prompt on the company detail page, and the note
on the company's own profile."""

from __future__ import annotations

import streamlit as st

from app.services.context import Actor
from app.services.errors import ServiceError
from app.services.filing import companies
from app.services.filing.companies import CompanyView
from app.ui.session import tr
from app.ui.text import plain
from app.ui.widgets import service_error
from app.vocabulary import Role

NAME_REVIEWERS = (Role.zone_board, Role.labour, Role.admin)


def pending_name_review(actor: Actor, company: CompanyView) -> None:
    if not company.pending_name or actor.role not in NAME_REVIEWERS:
        return
    with st.container(border=True):
        st.warning(tr("names.pending_official", name=plain(company.pending_name)))
        left, right = st.columns(2)
        accept = left.button(tr("names.accept"), icon=":material/check:", key="name_accept")
        refuse = right.button(tr("names.refuse"), icon=":material/close:", key="name_refuse")
    if accept or refuse:
        try:
            companies.decide_name(actor, company.id, accept=accept)
        except ServiceError as error:
            service_error(error)
        else:  # said after the page is drawn again with the decided name
            name = company.pending_name if accept else company.name
            st.toast(
                tr("names.accepted" if accept else "names.refused", name=name), icon=":material/check_circle:"
            )
            st.rerun()


def pending_name_note(company: CompanyView) -> None:
    if company.pending_name:
        st.info(tr("names.pending_company", name=plain(company.pending_name)))
