"""The API as an operator runs it: clients issued and revoked on the command line, the API served
by `python -m app.cli api` in its own process, reached directly and through the nginx site of
deploy/ (skipped without nginx)."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from email.message import Message
from pathlib import Path
from typing import Any

import pytest

from app.config import ROOT
from bench import processes


def _cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**processes.production_env(url), "ZONERISK_ENV": "test"}
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def _get(url: str, token: str | None = None) -> tuple[int, Message, Any]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"} if token else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.headers, json.loads(answer.read())
    except urllib.error.HTTPError as refused:
        return refused.code, refused.headers, json.loads(refused.read())


def test_a_platform_registers_pages_companies_and_is_shut_out_once_revoked(
    seeded: str, tmp_path: Path
) -> None:
    added = _cli(seeded, "clients", "add", "--name", "data-platform", "--scope", "province", "--days", "30")
    assert added.returncode == 0, added.stderr
    token = added.stdout.strip().splitlines()[-1]
    assert token.startswith("zr_") and " " not in token
    assert "data-platform" in _cli(seeded, "clients", "list").stdout
    assert token not in _cli(seeded, "clients", "list", "--json").stdout  # shown once, kept hashed
    env = {**processes.production_env(seeded), "ZONERISK_ENV": "test"}
    with processes.api_processes(1, env, tmp_path) as started:
        port = started[0][0]
        urls = [f"http://127.0.0.1:{port}"]
        balancer = processes.balancer(
            [processes.free_port()], tmp_path, api_ports=(port,), ready="/api/v1/health"
        )
        with balancer as through_nginx:
            if processes.nginx_binary() is not None:
                urls += through_nginx
            for base in urls:
                status, _, document = _get(f"{base}/api/v1/openapi.json")
                assert status == 200 and "/api/v1/companies" in document["paths"]
                status, headers, page = _get(f"{base}/api/v1/companies?limit=500", token)
                assert status == 200
                assert page["items"] and all({"tax_code", "level"} <= set(item) for item in page["items"])
                assert page["next"] is None  # the small province fits one page of 500
                assert "zr_replica" not in (headers.get("Set-Cookie") or "")
                status, headers, problem = _get(f"{base}/api/v1/companies?limit=500")
                assert problem["status"] == 401 and problem["detail_vi"]
                assert status == 401 and headers["Content-Type"] == "application/problem+json"
            revoked = _cli(seeded, "clients", "revoke", "data-platform")
            assert revoked.returncode == 0, revoked.stderr
            for base in urls:
                status, headers, _ = _get(f"{base}/api/v1/companies?limit=500", token)
                assert status == 401 and headers["Content-Type"] == "application/problem+json"


@pytest.mark.parametrize(
    "args",
    [
        ("--scope", "galaxy"),
        ("--scope", "zones"),
        ("--scope", "zones", "--area", "kcn-nowhere"),
        ("--scope", "company", "--tax-code", "0000000000"),
    ],
)
def test_a_client_with_a_wrong_scope_is_refused_with_exit_2(seeded: str, args: tuple[str, ...]) -> None:
    done = _cli(seeded, "clients", "add", "--name", "x", *args)
    assert done.returncode == 2
    assert done.stderr.strip() and done.stdout == ""


def test_the_platforms_export_loads_from_the_command_line_after_a_correction(
    seeded: str, tmp_path: Path
) -> None:
    import csv

    from tests.services.helpers import latest_period_id

    round_id = str(latest_period_id())
    from sqlalchemy import text

    from app.services.context import unit_of_work

    with unit_of_work() as session:
        filer = session.execute(
            text(
                "SELECT c.tax_code, c.workers, p.opens_on FROM assessment a "
                "JOIN company c ON c.id = a.company_id "
                "JOIN period p ON p.id = a.period_id WHERE a.period_id = :r AND a.is_latest "
                "AND c.workers > 10 ORDER BY c.id"
            ),
            {"r": int(round_id)},
        ).first()
    assert filer is not None
    code, workers, opens = filer
    table = tmp_path / "bluezone.csv"
    with table.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(
            [
                ["tax_code", "as_of", "workers_registered", "bluezone_installed", "health_declared"],
                [code, str(opens), workers + 1, 1, 1],
            ]
        )
    refused = _cli(seeded, "adoption", "import", str(table), "--round", round_id)
    assert refused.returncode == 2 and "bluezone.csv:C2:" in refused.stderr
    with table.open("w", newline="", encoding="utf-8") as out:
        csv.writer(out).writerows(
            [
                ["tax_code", "as_of", "workers_registered", "bluezone_installed", "health_declared"],
                [code, str(opens), workers, 1, 1],
            ]
        )
    loaded = _cli(seeded, "adoption", "import", str(table), "--round", round_id)
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.startswith("1 workplaces, 0 replaced")
