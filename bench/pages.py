"""The officials' overview page rendered by Streamlit's AppTest (cold cache: every query runs),
beside the database-only time of the same service calls the page makes."""

from __future__ import annotations

import os

import streamlit as st
import streamlit.testing.v1 as st_testing
from sqlmodel import select

from app.config import ROOT, get_settings
from app.services import periods
from app.services.accounts.actors import actor_for
from app.services.context import unit_of_work
from app.services.oversight import lists, monitoring, trends
from app.services.oversight.filters import Filters
from bench.harness import Figure, paired
from bench.monitoring import _database, _ensure_seeded
from db.models import User

PASSWORD = {"demo.ict": "TTTT-BacGiang-2021"}


def _page_figures(label: str, url: str, companies: int, periods_count: int) -> list[Figure]:
    _ensure_seeded(url, companies, periods_count)
    with _database(url):
        os.environ["ZONERISK_ENV"] = "test"
        get_settings.cache_clear()
        with unit_of_work() as session:
            ict = actor_for(session, session.exec(select(User).where(User.username == "demo.ict")).one())
        period = periods.latest_period(ict)
        assert period is not None and period.id is not None

        def database_only() -> None:
            filters = Filters()
            monitoring.overview(ict, period.id, filters)
            trends.trend(ict, filters, 12)
            lists.company_rows(ict, period.id, filters, filed=True)

        at = st_testing.AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=120)
        at.run()
        at.text_input(key="login_username").input("demo.ict")
        at.text_input(key="login_password").input(PASSWORD["demo.ict"])
        at.button[0].click().run()
        assert not at.exception, at.exception

        def render() -> None:
            st.cache_data.clear()
            at.run()
            assert not at.exception

        scale = (
            f"{companies // 1000}k×{periods_count}" if companies >= 1000 else f"{companies}×{periods_count}"
        )
        render_time, database_time = paired(3, render, database_only)
        return [
            Figure(
                f"pages.overview[{label} {scale}]",
                render_time,
                database_time,
                "AppTest cold render vs its service calls; aim <2s demo, <3s 10k×52",
            )
        ]


def run(quick: bool) -> list[Figure]:
    folder = ROOT / "data" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    figures = _page_figures("sqlite", f"sqlite:///{folder / 'demo-400x12.db'}", 400, 12)
    if not quick:
        figures += _page_figures("sqlite", f"sqlite:///{folder / 'monitoring-10000x52.db'}", 10_000, 52)
    return figures
