"""A backup carries what the API and the platforms' import added: clients (their tokens still open
the API after a restore), their calls, webhook subscriptions with their secrets, and the
platforms' figures; and what issues 27–28 added: the areas' epidemic levels and GSO codes. A
restore gives back exactly those rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text

from app.api.security import TRACE
from app.services.admin import backup, platform_import
from app.services.context import CLI_ADMIN, unit_of_work
from app.services.integration import clients
from app.services.oversight import epidemic_levels
from app.services.oversight.epidemic_levels import LevelChange
from tests.api.conftest import bearer
from tests.services.helpers import actor, latest_period_id
from tests.services.test_platform_adoption import _export, _xlsx

TABLES = (
    "apiclient",
    "apicall",
    "apiratewindow",
    "webhooksubscription",
    "platformadoption",
    "areaepidemiclevel",
    "zone",
)


def _rows() -> dict[str, list[Any]]:
    with unit_of_work() as session:
        return {t: [tuple(r) for r in session.execute(text(f"SELECT * FROM {t} ORDER BY 1"))] for t in TABLES}


def test_a_restore_gives_back_the_apis_rows_and_its_tokens_still_work(
    api: TestClient, seeded: str, tmp_path: Path
) -> None:
    _, token = clients.issue(CLI_ADMIN, "platform", "province")
    api.get("/api/v1/companies", params={"limit": 3}, headers=bearer(token))
    api.post(
        "/api/v1/webhooks",
        json={"url": "https://receiver.example/hook", "events": ["submitted"]},
        headers=bearer(token),
    )
    TRACE.flush()
    platform_import.apply(actor("ict"), latest_period_id(), _xlsx(_export(latest_period_id())), "export.xlsx")
    epidemic_levels.set_levels(
        actor("zone_board"), latest_period_id(), [LevelChange("kcn-quang-chau", 3, "QĐ 45/QĐ-BCĐ")]
    )
    before = _rows()
    assert ("dist-viet-yen",) in [(r[0],) for r in before["zone"] if "222" in r]
    assert all(before[t] for t in TABLES)
    saved = backup.backup(tmp_path / "zonerisk.zrbackup")
    clients.revoke(CLI_ADMIN, "platform")
    with unit_of_work(write=True) as session:
        session.execute(text("DELETE FROM platformadoption"))
        session.execute(text("DELETE FROM webhooksubscription"))
        session.execute(text("DELETE FROM areaepidemiclevel"))
        session.execute(text("UPDATE zone SET code = NULL"))
    assert _rows() != before
    backup.restore(saved)
    assert _rows() == before
    assert api.get("/api/v1/companies", params={"limit": 1}, headers=bearer(token)).status_code == 200
