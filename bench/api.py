"""The REST API at province scale (10k companies × 52 rounds; `--quick` 1k × 12), served as it is
deployed (`python -m app.cli api` in its own process, production settings), each figure beside
the strongest floor: the same rows read by hand-written SQL through the raw driver and encoded as
JSON by the standard library, with no HTTP, no auth, no rate window and no call trace.

- a page of 500 companies with their current level, and a page of 500 submissions with points
  and flags, both from the middle of the province (aim ≤1.5x);
- the whole NDJSON export of every submission (aim ≤1.3x), with the API process's resident
  memory before and after (flat: it streams chunks of 5,000);
- requests per second with 1 and 2 API processes behind the deploy/ nginx site."""

from __future__ import annotations

import http.client
import json
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from app.config import ROOT, database_override
from app.services.context import CLI_ADMIN
from app.services.integration import clients
from bench import processes
from bench.harness import Figure, paired
from bench.monitoring import _ensure_seeded, _postgres_url
from db.engine import get_engine

PAGE = """
SELECT c.id, c.tax_code, c.name, c.zone_id, c.district, c.sector, c.workers, c.updated_at
FROM company c WHERE c.id > {after} ORDER BY c.id LIMIT 500
"""
CURRENT = """
SELECT company_id, id, period_id, status, level, risk_index, may_operate, submitted_at FROM (
  SELECT a.company_id, a.id, a.period_id, a.status, a.level, a.risk_index, a.may_operate, a.submitted_at,
         row_number() OVER (PARTITION BY a.company_id ORDER BY p.due_at DESC, a.id DESC) AS n
  FROM assessment a JOIN period p ON p.id = a.period_id
  WHERE a.company_id IN ({ids}) AND a.is_latest AND a.status <> 'draft') ranked
WHERE n = 1
"""
SUBMISSIONS = """
SELECT a.id, c.tax_code, c.name, c.zone_id, a.period_id, p.name, a.status, a.is_latest, a.submitted_at,
       a.updated_at, a.total, a.max_total, a.risk_index, a.level, a.may_operate, a.ruleset_id,
       a.ruleset_version, {criteria}
FROM assessment a JOIN company c ON c.id = a.company_id JOIN period p ON p.id = a.period_id
WHERE a.status <> 'draft' AND a.id > {after} ORDER BY a.id LIMIT {limit}
"""
FLAGS = "SELECT assessment_id, rule_id, severity FROM submissionflag WHERE assessment_id IN ({ids})"


def _criteria_sql(url: str) -> str:
    """The points per criterion cut out of the stored score by the database, as the API does."""
    if url.startswith("sqlite"):
        return "json_extract(a.score, '$.criteria')"
    return "CAST(a.score -> 'criteria' AS TEXT)"


def _raw_items(url: str, sql: str, with_flags: bool, raw: bool = False) -> list[dict[str, Any]]:
    """The floor's read: the driver's cursor, rows to dicts by position, the page's flags by one
    more query; the criteria decoded (a page) or kept as JSON text (`raw`, the export)."""
    sql = sql.replace("{criteria}", _criteria_sql(url))
    connection = get_engine(url).raw_connection()
    try:
        cursor = connection.cursor()
        cursor.execute(
            sql.replace("AND a2.is_latest", "AND a2.is_latest = 1") if url.startswith("sqlite") else sql
        )
        rows = cursor.fetchall()
        flags: dict[int, list[dict[str, str]]] = {}
        if with_flags and rows:
            cursor.execute(FLAGS.format(ids=",".join(str(r[0]) for r in rows)))
            for assessment_id, rule, severity in cursor.fetchall():
                flags.setdefault(assessment_id, []).append({"rule": rule, "severity": severity})
    finally:
        connection.close()
    items = []
    for row in rows:
        item = {f"c{n}": (v.isoformat() if hasattr(v, "isoformat") else v) for n, v in enumerate(row)}
        if with_flags:
            text = item.pop(f"c{len(row) - 1}") or "{}"
            item["criteria"] = text if raw else json.loads(text)
            item["flags"] = flags.get(row[0], [])
        items.append(item)
    return items


def _raw_companies(url: str, after: int) -> Callable[[], bytes]:
    """The floor of a page of companies: the page, then their current submissions by one windowed
    query, joined in a dict, one json.dumps."""
    engine = get_engine(url)
    latest = "a.is_latest = 1" if url.startswith("sqlite") else "a.is_latest"

    def run() -> bytes:
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(PAGE.format(after=after))
            rows = cursor.fetchall()
            cursor.execute(
                CURRENT.format(ids=",".join(str(r[0]) for r in rows)).replace("a.is_latest", latest)
            )
            current = {r[0]: r[1:] for r in cursor.fetchall()}
        finally:
            connection.close()
        items = []
        for row in rows:
            mine = current.get(row[0]) or (None,) * 7
            values = (*row, *mine)
            items.append(
                {f"c{n}": (v.isoformat() if hasattr(v, "isoformat") else v) for n, v in enumerate(values)}
            )
        return json.dumps({"items": items}, ensure_ascii=False).encode()

    return run


def _raw_json(url: str, sql: str, with_flags: bool) -> Callable[[], bytes]:
    return lambda: json.dumps({"items": _raw_items(url, sql, with_flags)}, ensure_ascii=False).encode()


def _raw_export(url: str) -> Callable[[], int]:
    """The same keyset walk in chunks of 5,000, each encoded as NDJSON."""

    def run() -> int:
        after, rows = 0, 0
        while True:
            items = _raw_items(
                url, SUBMISSIONS.format(after=after, limit=5000, criteria="{criteria}"), True, True
            )
            if not items:
                return rows
            lines = []
            for item in items:
                criteria = item.pop("criteria")
                lines.append(json.dumps(item, ensure_ascii=False)[:-1] + ',"criteria":' + criteria + "}\n")
            "".join(lines).encode()
            rows += len(items)
            after = items[-1]["c0"]

    return run


class _Caller:
    """One kept-alive HTTP connection, as a platform's client holds it."""

    def __init__(self, base: str, token: str) -> None:
        parts = urlsplit(base)
        self.connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=600)
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path: str) -> bytes:
        try:
            self.connection.request("GET", path, headers=self.headers)
            answer = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            # the server closed a connection idle past its keep-alive (uvicorn: 5 s), as a client
            # library would, open it again and ask once more
            self.connection.close()
            self.connection.request("GET", path, headers=self.headers)
            answer = self.connection.getresponse()
        body = answer.read()
        if answer.status != 200:
            raise RuntimeError(f"{path}: HTTP {answer.status} {body[:200]!r}")
        return body


def _cursor(after: int) -> str:
    import base64

    return base64.urlsafe_b64encode(f"v1:{after}".encode()).decode().rstrip("=")


def _throughput(base: str, token: str, seconds: float, threads: int) -> float:
    done = [0] * threads
    stop = time.perf_counter() + seconds

    def work(n: int) -> None:
        caller = _Caller(base, token)
        while time.perf_counter() < stop:
            caller.get("/api/v1/companies?limit=100")
            done[n] += 1

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return sum(done) / seconds


def _figures(label: str, url: str, companies: int, rounds: int, quick: bool) -> list[Figure]:
    _ensure_seeded(url, companies, rounds)
    scale = f"{companies // 1000}k×{rounds}" if companies >= 1000 else f"{companies}×{rounds}"
    with database_override(url):
        _, token = clients.issue(
            CLI_ADMIN, f"bench-{uuid.uuid4().hex[:8]}", "province", rate_per_minute=10**9
        )
    with get_engine(url).connect() as conn:
        middle_company = conn.exec_driver_sql("SELECT id FROM company ORDER BY id").fetchall()[
            companies // 3
        ][0]
        ids = conn.exec_driver_sql("SELECT id FROM assessment WHERE status <> 'draft' ORDER BY id").fetchall()
    middle_submission, total = ids[len(ids) // 2][0], len(ids)
    figures: list[Figure] = []
    env = processes.production_env(url)
    with tempfile.TemporaryDirectory() as folder, ExitStack() as stack:
        workdir = Path(folder)
        started = stack.enter_context(processes.api_processes(1, env, workdir))
        port, process = started[0]
        base = f"http://127.0.0.1:{port}"
        caller = _Caller(base, token)
        caller.get("/api/v1/rounds")  # warm: imports, the first connection
        companies_page = f"/api/v1/companies?limit=500&cursor={_cursor(middle_company)}"
        submissions_page = f"/api/v1/submissions?limit=500&cursor={_cursor(middle_submission)}"
        shown = json.loads(caller.get(companies_page))["items"]
        assert len(shown) == 500, (len(shown), companies_page)
        runs = 5 if quick else 9
        work, floor = paired(
            runs,
            lambda: caller.get(companies_page),
            _raw_companies(url, middle_company),
        )
        figures.append(
            Figure(f"api.companies_page[{label} {scale}]", work, floor, "500 rows; aim ≤1.5x raw SQL+json")
        )
        work, floor = paired(
            runs,
            lambda: caller.get(submissions_page),
            _raw_json(
                url, SUBMISSIONS.format(after=middle_submission, limit=500, criteria="{criteria}"), True
            ),
        )
        figures.append(
            Figure(
                f"api.submissions_page[{label} {scale}]",
                work,
                floor,
                "500 rows+flags; aim ≤1.5x raw SQL+json",
            )
        )
        before = processes.rss_mb(process.pid)
        peak = [before]
        watching = True

        def watch() -> None:
            while watching:
                peak[0] = max(peak[0], processes.rss_mb(process.pid))
                time.sleep(0.05)

        watcher = threading.Thread(target=watch)
        watcher.start()
        exported = [0]

        def export() -> None:
            exported[0] = caller.get("/api/v1/export/submissions").count(b"\n")

        work, floor = paired(1 if not quick else 2, export, _raw_export(url))
        watching = False
        watcher.join()
        if exported[0] != total:
            raise AssertionError(f"the export gave {exported[0]} of {total} submissions")
        figures.append(
            Figure(
                f"api.export_ndjson[{label} {scale}]",
                work,
                floor,
                f"{total:,} rows; API RSS {before:.0f}→{peak[0]:.0f} MB peak; aim ≤1.3x",
            )
        )
    seconds = 5.0 if quick else 15.0
    rates = []
    for count in (1, 2):
        with tempfile.TemporaryDirectory() as folder, ExitStack() as stack:
            workdir = Path(folder)
            started = stack.enter_context(processes.api_processes(count, env, workdir))
            ports = tuple(port for port, _ in started)
            urls = stack.enter_context(
                processes.balancer([processes.free_port()], workdir, api_ports=ports, ready="/api/v1/health")
            )
            base = urls[0] if processes.nginx_binary() else f"http://127.0.0.1:{ports[0]}"
            _Caller(base, token).get("/api/v1/rounds")
            rates.append(_throughput(base, token, seconds, threads=8))
    figures.append(
        Figure(
            f"api.rps_2_vs_1[{label} {scale}]",
            1 / rates[1],
            1 / rates[0],
            f"{rates[0]:.0f} req/s with 1 process, {rates[1]:.0f} with 2 (nginx, 8 clients, pages of 100); "
            "ratio <1 is a gain",
        )
    )
    return figures


def run(quick: bool, companies: int | None = None, rounds: int | None = None) -> list[Figure]:
    default = (1_000, 12) if quick else (10_000, 52)
    companies, rounds = companies or default[0], rounds or default[1]
    folder = ROOT / "data" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    figures = _figures(
        "sqlite", f"sqlite:///{folder / f'monitoring-{companies}x{rounds}.db'}", companies, rounds, quick
    )
    pg = _postgres_url(f"zonerisk_bench_{companies}x{rounds}")
    if pg is not None:
        figures += _figures("postgresql", pg, companies, rounds, quick)
    return figures
