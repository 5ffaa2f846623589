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


def _table_figure(rows: int) -> Figure:
    """A province-wide list as a page sends it: numbers written in Vietnamese through a Styler
    (`app.ui.grid.localized`), marshalled as Streamlit does. Baseline: the same Styler with `str`
    as every number's formatter, pandas' own floor for a styled table of that size."""
    import numpy as np
    import pandas as pd
    from streamlit.elements.lib.pandas_styler_utils import marshall_styler
    from streamlit.proto.ArrowData_pb2 import ArrowData

    from app.ui import grid

    generator = np.random.default_rng(2021)
    frame = pd.DataFrame(
        {f"count{n}": generator.integers(0, 200_000, rows) for n in range(5)}
        | {f"share{n}": generator.random(rows) * 100 for n in range(3)}
        | {"name": [f"Công ty {n}" for n in range(rows)], "zone": ["KCN Vân Trung"] * rows}
    )
    numeric = [c for c in frame.columns if c.startswith(("count", "share"))]

    def product() -> None:
        styled = grid.localized(frame, {"share0": "index"})
        assert not isinstance(styled, pd.DataFrame)
        marshall_styler(ArrowData(), styled, "bench")

    def floor() -> None:
        marshall_styler(ArrowData(), frame.style.format(dict.fromkeys(numeric, str)), "bench")

    product_time, floor_time = paired(3, product, floor)
    return Figure(
        f"pages.table[{rows // 1000}k×10 styled]",
        product_time,
        floor_time,
        f"{rows * len(numeric):,} numbers in Vietnamese through the Styler; baseline the Styler with str()",
    )


def run(quick: bool) -> list[Figure]:
    folder = ROOT / "data" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    figures = [_table_figure(2_000 if quick else 10_000)]
    figures += _page_figures("sqlite", f"sqlite:///{folder / 'demo-400x12.db'}", 400, 12)
    if not quick:
        figures += _page_figures("sqlite", f"sqlite:///{folder / 'monitoring-10000x52.db'}", 10_000, 52)
    return figures
