"""Two real replicas (`app.serve` processes, production mode) on one database, driven over
Streamlit's own protocol: a company files through replica A, and the zones board's Overview on
replica B, already cached there, shows the filing at B's very next page run. Nothing clears B's
cache; only the data version in its keys can tell it."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bench.load import Results, file_assessment, log_in
from bench.processes import replicas
from bench.stclient import Page, Tab
from tests.pages.apptest import PASSWORDS, figures
from tests.services.helpers import latest_period_id


def filed(page: Page) -> int:
    shown = figures(page.tree)["Đã nộp"]
    return int(str(shown).replace(".", ""))


async def _journey(replica_a: str, replica_b: str, period: int) -> tuple[int, int, int]:
    board = Tab(replica_b, query_string=f"round={period}")
    company = Tab(replica_a, query_string=f"round={period}")
    try:
        before = filed(await log_in(board, Results(), "demo.zoneboard", PASSWORDS["demo.zoneboard"]))
        cached = filed(await board.run([]))
        await log_in(company, Results(), "demo.company", PASSWORDS["demo.company"])
        await file_assessment(company, Results())
        after = filed(await board.run([]))
    finally:
        await company.close()
        await board.close()
    return before, cached, after


def test_a_submission_through_replica_a_shows_on_replica_b_at_its_next_run(
    seeded: str, tmp_path: Path
) -> None:
    period = latest_period_id()
    with replicas(2, seeded, tmp_path) as running:
        (port_a, _), (port_b, _) = running
        before, cached, after = asyncio.run(
            _journey(f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}", period)
        )
    assert cached == before
    assert after == before + 1
