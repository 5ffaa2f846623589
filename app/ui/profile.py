"""The figures of the company's last submission, shown under its profile: what the next
questionnaire starts from."""

from __future__ import annotations

import streamlit as st

from app.services.filing.portal import CompanyRound
from app.ui.format import number, rn, when
from app.ui.session import lang, tr
from app.ui.text import plain
from app.ui.widgets import headline_figures


def last_figures(state: CompanyRound) -> None:
    st.subheader(tr("profile.figures"))
    last = state.last
    if last is None:
        st.info(tr("profile.no_figures"))
    else:
        st.caption(
            tr("profile.figures_caption", period=plain(rn(last.period_name)), at=when(last.submitted_at))
        )
        figures = [
            ("workers", tr("profile.fig.workers")),
            ("workshop_area_m2", tr("profile.fig.area")),
            ("smartphone_owners", tr("profile.fig.smartphones")),
            ("bluezone_installed", tr("profile.fig.bluezone")),
            ("health_declared", tr("profile.fig.health")),
        ]
        headline_figures(
            [
                (label, number(last.answers.get(key), lang(), 0 if key != "workshop_area_m2" else 1))
                for key, label in figures
            ]
        )
