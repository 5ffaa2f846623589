"""`python -m bench load --replicas N --users M --seconds S`: deadline day on this machine.

It starts what it needs and stops all of it: a PostgreSQL database copied from a seeded template,
N Streamlit replicas in production mode, and the nginx site of `deploy/` in front of them (without
nginx: each simulated user goes straight to one replica, the stickiness nginx would give). Then M
users play over the real Streamlit WebSocket protocol (`bench.stclient`): half are HR officers who
log in, fill in the five sections and submit (each a company that has not filed yet), half are
officials who log in and go between the Overview and the Lists. Users think 0.5–2 s between steps,
as people do; so M users are M people, not M tight loops.

Each step is timed from the request to the app's finished run (what the user waits for, without the
browser's drawing, which `bench browser` measures). It prints p50/p95/p99 per step, errors and
throughput, with 1 replica and with N (unless --no-baseline). With --rounds K the two alternate K
times (1, N, N, 1, 1, N, …), so that a machine that grows busier or quieter during the run weighs on
both, and the ratio is the median of the rounds' ratios. It ends with the line

    load: replicas=N users=M steps=K errors=E p50_submit_s=… p95_submit_s=… p95_overview_s=…

The simulated users run in this process, on the same two cores as the replicas and the database:
the figures are pessimistic for a real server with the clients elsewhere.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

import sqlalchemy as sa

from app.config import ROOT
from bench.processes import balancer, nginx_binary, replicas, rss_mb
from bench.stclient import Page, PageError, Tab, clicked, typed
from db.engine import get_engine

ADMIN_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
LOAD_PASSWORD = "Load-Test-Bac-Giang-2021"
OFFICIALS = (("demo.zoneboard", "KCN-BacGiang-2021"), ("demo.labour", "LDTBXH-BacGiang-2021"))
OFFICIAL_ACCOUNTS = 60
"""officials get accounts of their own (load.o0 …), copies of the zones board's and the labour
department's demo accounts with their scopes: a real office does not share one login"""
THINK_SECONDS = (0.5, 2.0)
GRACE_SECONDS = 45.0
SAVE_NEXT = "Lưu và tiếp tục"


@dataclass
class Results:
    seconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    bytes_received: int = 0

    def step(self, name: str, page: Page) -> None:
        self.seconds[name].append(page.seconds)
        self.bytes_received += page.bytes_received

    @property
    def steps(self) -> int:
        return sum(len(v) for v in self.seconds.values())

    def quantile(self, name: str, q: float) -> float:
        values = sorted(self.seconds.get(name, []))
        if not values:
            return float("nan")
        if len(values) == 1:
            return values[0]
        return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


# --- the database ------------------------------------------------------------------------------


def _pg(database: str) -> str:
    return ADMIN_URL.rsplit("/", 1)[0] + "/" + database


def _admin(sql: str) -> None:
    engine = sa.create_engine(ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql(sql)
    engine.dispose()


def template(companies: int) -> str:
    """A seeded province kept between runs (re-seeded when the schema moved on)."""
    from app.services.admin.backup import head_revision
    from db.migrate import upgrade

    name = f"zonerisk_load_tpl_{companies}"
    url = _pg(name)
    head = head_revision()
    try:
        with get_engine(url).connect() as conn:
            found = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
            ready = conn.exec_driver_sql("SELECT count(*) FROM company").scalar() == companies
    except sa.exc.SQLAlchemyError:
        found, ready = None, False
    get_engine(url).dispose()
    if found == head and ready:
        return name
    print(f"# seeding the load template ({companies} companies × 12 rounds) …", file=sys.stderr, flush=True)
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{name}"')
    upgrade(url)
    subprocess.run(
        [sys.executable, "-m", "seed", "--companies", str(companies), "--periods", "12"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": url, "ZONERISK_ENV": "test"},
        check=True,
        capture_output=True,
    )
    get_engine(url).dispose()  # CREATE DATABASE … TEMPLATE needs it without connections
    return name


def fresh_database(template_name: str) -> tuple[str, list[str], list[str]]:
    """A copy of the template; a login per company that has not filed the latest round; official
    logins."""
    from app.services.accounts.auth import hash_password

    name = "zonerisk_load"
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _admin(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"')
    url = _pg(name)
    engine = sa.create_engine(url)
    hashed = hash_password(LOAD_PASSWORD)  # one hash for all: argon2 per user would only slow set-up
    with engine.begin() as conn:
        open_companies = conn.exec_driver_sql(
            "SELECT pc.company_id FROM periodcompany pc "
            "WHERE pc.period_id = (SELECT id FROM period ORDER BY opens_on DESC LIMIT 1) "
            "AND NOT EXISTS (SELECT 1 FROM app_user u WHERE u.company_id = pc.company_id) "
            "AND NOT EXISTS (SELECT 1 FROM assessment a WHERE a.company_id = pc.company_id "
            "AND a.period_id = pc.period_id AND a.status <> 'draft') ORDER BY pc.company_id"
        ).scalars()
        usernames = [f"load.c{company_id}" for company_id in open_companies]
        conn.execute(
            sa.text(
                "INSERT INTO app_user (username, full_name, password_hash, role, company_id, active, "
                "session_version, must_change_password, created_at, email, phone) VALUES "
                "(:u, 'Load', :h, 'company', :c, TRUE, 1, FALSE, now(), '', '')"
            ),
            [{"u": u, "h": hashed, "c": int(u[len("load.c") :])} for u in usernames],
        )
        officials = _official_accounts(conn, hashed)
    engine.dispose()
    return url, usernames, officials


def _official_accounts(conn: sa.Connection, hashed: str) -> list[str]:
    names = []
    for n in range(OFFICIAL_ACCOUNTS):
        model = OFFICIALS[n % len(OFFICIALS)][0]
        name = f"load.o{n}"
        new_id = conn.execute(
            sa.text(
                "INSERT INTO app_user (username, full_name, password_hash, role, company_id, active, "
                "session_version, must_change_password, created_at, email, phone) "
                "SELECT :u, 'Load official', :h, role, NULL, TRUE, 1, FALSE, now(), '', '' "
                "FROM app_user WHERE username = :model RETURNING id"
            ),
            {"u": name, "h": hashed, "model": model},
        ).scalar_one()
        conn.execute(
            sa.text(
                "INSERT INTO userzone (user_id, zone_id) SELECT :id, uz.zone_id FROM userzone uz "
                "JOIN app_user u ON u.id = uz.user_id WHERE u.username = :model"
            ),
            {"id": new_id, "model": model},
        )
        names.append(name)
    return names


# --- the users ---------------------------------------------------------------------------------


async def _think(rng: random.Random | None) -> None:
    """A person's pause between two steps (none without a random source: a test's straight run)."""
    if rng is not None:
        await asyncio.sleep(rng.uniform(*THINK_SECONDS))


async def log_in(tab: Tab, results: Results, username: str, password: str) -> Page:
    page = await tab.open()
    results.step("open", page)
    tree = page.tree
    page = await tab.run(
        [
            typed(tree.text_input(key="login_username"), username),
            typed(tree.text_input(key="login_password"), password),
            clicked(tree.button[0]),
        ]
    )
    if tab.redirect:  # as a browser: fetch the hand-off for the session's cookie, reload with it
        checked = page.seconds  # the password's run; the login is that, the trip and the page after
        followed_from = time.perf_counter()
        page = await tab.follow()
        page = replace(page, seconds=checked + time.perf_counter() - followed_from)
    if any(w.key == "login_username" for w in page.tree.text_input):
        raise PageError(f"login refused for {username}: {[e.value for e in page.tree.error]}")
    results.step("login", page)
    return page


def _inputs(page: Page) -> set[str]:
    return {
        w.key or "" for w in (*page.tree.number_input, *page.tree.radio) if (w.key or "").startswith("in_")
    }


async def file_assessment(tab: Tab, results: Results, rng: random.Random | None = None) -> Page:
    """From a logged-in company's session: open the questionnaire, correct the headcount, save and
    continue through every section, confirm and submit; the Result page it lands on."""
    page = await tab.go("assessment")
    start = [b for b in page.tree.button if b.key == "start_draft"]
    if start:
        page = await tab.run([clicked(start[0])])
    for _section in range(8):
        if any((c.key or "").startswith("confirm_") for c in page.tree.checkbox):
            break
        await _think(rng)
        # the officer corrects last week's headcount, as most do: one more worker (more could
        # contradict the other counts); the widget's shown value is its proto's default
        changed = [
            typed(w, int(w.proto.default) + 1)
            for w in page.tree.number_input
            if (w.key or "").endswith("_workers") and w.proto.default > 100
        ]
        save_next = next(b for b in page.tree.button if b.label == SAVE_NEXT)
        shown = _inputs(page)
        page = await tab.run([*changed, clicked(save_next)])
        if _inputs(page) == shown:  # still on the same section: refused
            raise PageError(f"section refused: {[str(e.value)[:120] for e in page.tree.error]}")
        results.step("section", page)
    confirm = next(c for c in page.tree.checkbox if (c.key or "").startswith("confirm_"))
    page = await tab.run([typed(confirm, True)])
    await _think(rng)
    page = await tab.run([clicked(page.tree.button(key="submit"))])
    titles = [str(t.value) for t in page.tree.title]
    if not titles or not titles[0].startswith("Kết quả"):  # the Result page (its warnings are fine)
        raise PageError(f"the submission did not reach its result page: {titles!r}")
    results.step("submit", page)
    return page


async def hr_officer(
    base: str, source: str, results: Results, companies: list[str], stop_at: float, rng: random.Random
) -> None:
    """Log in as a company that has not filed, fill in five sections, submit; then the next one."""
    while time.monotonic() < stop_at and companies:
        username = companies.pop()
        tab = Tab(base, source)
        try:
            await log_in(tab, results, username, LOAD_PASSWORD)
            await _think(rng)
            await file_assessment(tab, results, rng)
        except (PageError, StopIteration, KeyError, ValueError, OSError) as failure:
            results.errors.append(f"hr {username}: {type(failure).__name__}: {failure}")
        finally:
            await tab.close()
        await _think(rng)


def _shows_figures(page: Page) -> bool:
    """The Overview's headline figures are there (`app.ui.widgets.headline_figures`)."""
    return any('class="zr-figures"' in str(element.value) for element in page.tree.markdown)


async def official(
    base: str, source: str, results: Results, who: tuple[str, str], stop_at: float, rng: random.Random
) -> None:
    """Log in (the Overview is the first page), then go between the Lists and the Overview."""
    tab = Tab(base, source)
    try:
        page = await log_in(tab, results, *who)
        if not _shows_figures(page):
            raise PageError("the Overview showed no figures")
        while time.monotonic() < stop_at:
            await _think(rng)
            page = await tab.go("lists")
            results.step("lists", page)
            await _think(rng)
            page = await tab.go("")
            if not _shows_figures(page):
                raise PageError("the Overview showed no figures")
            results.step("overview", page)
    except (PageError, KeyError, ValueError, OSError) as failure:
        results.errors.append(f"official {who[0]}: {type(failure).__name__}: {failure}")
    finally:
        await tab.close()


async def drive(
    bases: list[str], users: int, seconds: float, companies: list[str], officials: list[str], seed: int = 16
) -> Results:
    results = Results()
    stop_at = time.monotonic() + seconds
    ramp = min(5.0, seconds / 4)
    pool = list(companies)
    random.Random(seed).shuffle(pool)

    async def user(n: int) -> None:
        await asyncio.sleep(ramp * n / max(users, 1))
        base = bases[n % len(bases)]
        rng = random.Random(seed * 1000 + n)
        source = f"127.0.{1 + n // 250}.{1 + n % 250}"
        if n % 2 == 0:
            await hr_officer(base, source, results, pool, stop_at, rng)
        else:
            who = (officials[(n // 2) % len(officials)], LOAD_PASSWORD)
            await official(base, source, results, who, stop_at, rng)

    tasks = [asyncio.create_task(user(n)) for n in range(users)]
    done, pending = await asyncio.wait(tasks, timeout=seconds + GRACE_SECONDS)
    for task in pending:
        task.cancel()
        results.errors.append("a user was still waiting after the grace period")
    for task in done:
        if task.exception() is not None:
            results.errors.append(f"user crashed: {task.exception()!r}")
    return results


# --- one phase, and the report -----------------------------------------------------------------


@dataclass
class Phase:
    replicas: int
    users: int
    seconds: float
    results: Results
    cold_login_seconds: list[float]
    rss_mb_before: list[float]
    rss_mb_after: list[float]

    @property
    def throughput(self) -> float:
        return self.results.steps / self.seconds


def run_phase(replica_count: int, users: int, seconds: float, template_name: str) -> Phase:
    database_url, companies, officials = fresh_database(template_name)
    with tempfile.TemporaryDirectory(prefix="zr-load-") as folder:
        workdir = Path(folder)
        with (
            replicas(replica_count, database_url, workdir) as running,
            balancer([p for p, _ in running], workdir) as bases,
        ):
            # each replica's first page run, cold (imports, first queries), timed once before the load
            cold: list[float] = []
            for port, _process in running:
                warm_up = Results()
                asyncio.run(_cold_login(f"http://127.0.0.1:{port}", warm_up))
                cold.append(warm_up.seconds["login"][0] if warm_up.seconds["login"] else float("nan"))
            before = [rss_mb(p.pid) for _port, p in running]
            results = asyncio.run(drive(bases, users, seconds, companies, officials))
            after = [rss_mb(p.pid) for _port, p in running]
    _admin('DROP DATABASE IF EXISTS "zonerisk_load" WITH (FORCE)')
    return Phase(replica_count, users, seconds, results, cold, before, after)


async def _cold_login(base: str, results: Results) -> None:
    tab = Tab(base)
    try:
        await log_in(tab, results, *OFFICIALS[0])
    finally:
        await tab.close()


def report(phase: Phase) -> list[str]:
    r = phase.results
    lines = [
        f"## {phase.replicas} replica(s), {phase.users} users, {phase.seconds:.0f} s: "
        f"{r.steps} steps, {len(r.errors)} errors, {phase.throughput:.2f} steps/s, "
        f"{len(r.seconds.get('submit', []))} submissions, "
        f"{r.bytes_received / max(r.steps, 1) / 1024:.0f} kB per step",
        "   cold first login+Overview per replica: "
        f"{', '.join(f'{s:.2f} s' for s in phase.cold_login_seconds)}; "
        f"replica memory {', '.join(f'{a:.0f}' for a in phase.rss_mb_before)} → "
        f"{', '.join(f'{b:.0f}' for b in phase.rss_mb_after)} MB",
    ]
    for name in ("open", "login", "overview", "lists", "section", "submit"):
        values = r.seconds.get(name, [])
        if values:
            lines.append(
                f"   {name:<9} n={len(values):<4} p50 {r.quantile(name, 0.5):6.3f} s  "
                f"p95 {r.quantile(name, 0.95):6.3f} s  p99 {r.quantile(name, 0.99):6.3f} s  "
                f"max {max(values):6.3f} s"
            )
    lines.extend(f"   error: {e}" for e in r.errors[:10])
    return lines


def contract_line(phase: Phase) -> str:
    r = phase.results
    return (
        f"load: replicas={phase.replicas} users={phase.users} steps={r.steps} errors={len(r.errors)} "
        f"p50_submit_s={r.quantile('submit', 0.5):.3f} p95_submit_s={r.quantile('submit', 0.95):.3f} "
        f"p95_overview_s={r.quantile('overview', 0.95):.3f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench load", description=__doc__.split("\n")[0])
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--companies", type=int, help="size of the seeded province (default: enough filers)")
    parser.add_argument(
        "--record", action="store_true", help="append this run's report to docs/benchmarks.md"
    )
    parser.add_argument(
        "--no-baseline", action="store_true", help="skip the 1-replica runs beside the N-replica ones"
    )
    parser.add_argument(
        "--rounds", type=int, default=1, help="pairs of 1-replica and N-replica runs, alternated (default 1)"
    )
    args = parser.parse_args(argv)
    if args.replicas < 1 or args.users < 1 or args.seconds <= 0 or args.rounds < 1:
        parser.error("--replicas, --users, --seconds and --rounds must be positive")
    companies = args.companies or max(400, 25 * args.users)
    template_name = template(companies)
    balancer_name = "nginx" if nginx_binary() else "none (each user straight to one replica)"
    print(
        f"# balancer: {balancer_name}; PostgreSQL {ADMIN_URL.rsplit('@', 1)[-1]}; {companies} companies",
        flush=True,
    )
    compared = args.replicas > 1 and not args.no_baseline
    phases: list[Phase] = []
    for replica_count in phase_order(args.replicas, args.rounds, compared):
        phases.append(run_phase(replica_count, args.users, args.seconds, template_name))
        print("\n".join(report(phases[-1])), flush=True)
    if compared:
        print(throughput_line(args.replicas, phases))
    measured = [phase for phase in phases if phase.replicas == args.replicas]
    print(contract_line(measured[-1]), flush=True)
    if args.record:
        record(argv_text=" ".join(sys.argv[1:] if argv is None else ["load", *argv]), phases=phases)
    return 0 if not any(phase.results.errors for phase in phases) else 1


def phase_order(replica_count: int, rounds: int, compared: bool) -> list[int]:
    """1, N, N, 1, 1, N, …: each round's pair in the order opposite to the last, so a drift in the
    machine's load over the run falls on both sides alike instead of always on the second."""
    if not compared:
        return [replica_count]
    pairs = [(1, replica_count) if n % 2 == 0 else (replica_count, 1) for n in range(rounds)]
    return [count for pair in pairs for count in pair]


def throughput_line(replica_count: int, phases: list[Phase]) -> str:
    """The ratio of each round's two phases, and their median: one busy minute moves one round."""
    ratios = [
        next(p for p in pair if p.replicas == replica_count).throughput
        / next(p for p in pair if p.replicas == 1).throughput
        for pair in zip(phases[::2], phases[1::2], strict=True)
    ]
    rounds = ", ".join(f"{ratio:.2f}x" for ratio in ratios)
    median = f"{statistics.median(ratios):.2f}x"
    if len(ratios) > 1:
        median += f" (median of {len(ratios)} rounds: {rounds})"
    return f"# throughput {replica_count} replicas / 1 replica: {median}"


RECORDED = "## Recorded load runs (`python -m bench load … --record`)"


def record(argv_text: str, phases: list[Phase]) -> None:
    """Append the whole report, dated, to docs/benchmarks.md, under one heading at its end."""
    doc = ROOT / "docs" / "benchmarks.md"
    text = doc.read_text("utf-8")
    if RECORDED not in text:
        text = text.rstrip("\n") + f"\n\n{RECORDED}\n"
    lines = [line for phase in phases for line in report(phase)] + [contract_line(phases[-1])]
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    text += f"\n`python -m bench {argv_text}`, {stamp}:\n\n```\n" + "\n".join(lines) + "\n```\n"
    doc.write_text(text, "utf-8")
