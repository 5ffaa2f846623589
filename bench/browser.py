"""What an official waits for in a real browser: Debian's Chromium, timed from the click to the page
drawn (the Overview's bars and table, the Lists' grid, the Company detail's tables) with Streamlit
idle, beside the same step's script run over the WebSocket protocol without a browser (`bench.stclient`: the
server's run plus loopback transfer). The ratio says what the browser's receiving and drawing add;
the note gives the bytes the browser received over the WebSocket for that step (Chrome's own count
of frame payloads). Aims (issue 16): browser ≤ 1.5× script, < 150 kB per Overview, Overview < 1.5 s
at the demo scale and < 3 s at 10k × 52 on a quiet machine.

Each figure is the median of three fresh sessions (a new browser context, a new Streamlit session),
after one warm-up session, so the replica's imports and first queries are not counted.
"""

from __future__ import annotations

import asyncio
import base64
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from google.protobuf.message import DecodeError
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from app.config import ROOT
from bench.harness import Figure
from bench.monitoring import _ensure_seeded, _postgres_url
from bench.processes import replicas
from bench.stclient import Page, Tab, clicked, typed

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
]
USER, PASSWORD = "demo.ict", "TTTT-BacGiang-2021"
COMPANY, COMPANY_PASSWORD = "demo.company", "HoaBinh-Garment-2021"
SESSIONS = 3
DRAWN = {
    # the Overview's headline figures, its bars by area and the areas' table under them
    "overview": "document.querySelector('.zr-figures dd') && "
    "document.querySelector('.zr-bars .zr-row') && "
    "document.querySelector('.zr-table tbody tr')",
    "lists": "document.querySelector('[data-testid=\"stDataFrame\"] canvas') && "
    "[...document.querySelectorAll('label')].some(l => l.textContent.includes('Mở doanh nghiệp'))",
    "detail": "document.body.innerText.includes('Bản nộp mới nhất')",
    # the planner's ranking and its saved plans, the reminders' figures and channels (the last
    # section each draws), the HR officer's Home after the login
    "planner": "document.querySelector('[data-testid=\"stDataFrame\"] canvas') && "
    "document.body.innerText.includes('Các kế hoạch đã lưu')",
    "reminders": "document.body.innerText.includes('Kênh gửi')",
    "home": "location.pathname.endsWith('/home') && document.querySelector('h1')",
    # the HR officer's Result: the level's figures, the section bars and the criteria table
    "result": "document.querySelector('.zr-figures dd') && "
    "document.querySelector('.zr-bars .zr-row') && "
    "document.querySelector('.zr-table tbody tr')",
}


@contextmanager
def server(url: str) -> Iterator[str]:
    """One replica, as production runs it (`app.serve`), on `url`."""
    with (
        tempfile.TemporaryDirectory(prefix="zr-browser-") as folder,
        replicas(1, url, Path(folder)) as running,
    ):
        yield f"http://127.0.0.1:{running[0][0]}"


# --- the script's own time, without a browser --------------------------------------------------


async def _script_session(base: str) -> dict[str, float]:
    tab = Tab(base)
    try:
        page = await tab.open()
        tree = page.tree
        started = time.perf_counter()
        page = await tab.run(
            [
                typed(tree.text_input(key="login_username"), USER),
                typed(tree.text_input(key="login_password"), PASSWORD),
                clicked(tree.button[0]),
            ]
        )
        if tab.redirect:  # the browser's trip for its session cookie, then the page it asked for
            page = await tab.follow()
        times = {"overview": time.perf_counter() - started}
        page = await tab.go("lists")
        times["lists"] = page.seconds
        page = await tab.run([clicked(_button(page, "Xem chi tiết"))])
        times["detail"] = page.seconds
        times["planner"] = (await tab.go("visits")).seconds
        times["reminders"] = (await tab.go("reminders")).seconds
        return times
    finally:
        await tab.close()


async def _script_company(base: str) -> dict[str, float]:
    """The HR officer's login to Home, then the Result page, run without a browser."""
    tab = Tab(base)
    try:
        page = await tab.open()
        tree = page.tree
        started = time.perf_counter()
        await tab.run(
            [
                typed(tree.text_input(key="login_username"), COMPANY),
                typed(tree.text_input(key="login_password"), COMPANY_PASSWORD),
                clicked(tree.button[0]),
            ]
        )
        if tab.redirect:
            await tab.follow()
        home = time.perf_counter() - started
        page = await tab.go("result")
        return {"home": home, "result": page.seconds}
    finally:
        await tab.close()


def _button(page: Page, label: str) -> Any:
    return next(b for b in page.tree.button if b.label == label)


# --- the browser's time ------------------------------------------------------------------------


Visit = tuple[dict[str, float], dict[str, int], dict[str, float]]  # times, bytes, run finished at


def _browser_session(context: Any, base: str, company: bool = False) -> Visit:
    """One visit in a new tab of the same browser profile: a new Streamlit session (log in again),
    with the browser's cache as a returning user has it (plotly.js and the app's scripts)."""
    context.clear_cookies(name="zr_session")  # logged out, as a new visit is: the cache stays
    page = context.new_page()
    page.set_default_timeout(60_000)
    received = [0]
    runs: list[tuple[str, float]] = []  # ("start" | "finished", when) of this step's script runs

    def on_frame(event: dict[str, Any]) -> None:
        response = event["response"]
        data = response.get("payloadData", "")
        if response.get("opcode") != 2:
            received[0] += len(data.encode())
            return
        raw = base64.b64decode(data)
        received[0] += len(raw)
        message = ForwardMsg()
        try:
            message.ParseFromString(raw)
        except DecodeError:
            return
        kind = message.WhichOneof("type")
        if kind == "new_session":
            runs.append(("start", time.perf_counter()))
        elif kind == "script_finished" and message.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
            runs.append(("finished", time.perf_counter()))

    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.on("Network.webSocketFrameReceived", on_frame)
    times: dict[str, float] = {}
    sizes: dict[str, int] = {}
    finished: dict[str, float] = {}

    def settled() -> bool:
        """Every run this step started has sent its run-finished message."""
        return bool(runs) and runs[-1][0] == "finished"

    def step(name: str, action: Callable[[], None]) -> None:
        received[0] = 0
        runs.clear()
        started = time.perf_counter()
        action()
        page.wait_for_function(f"() => {DRAWN[name]}", polling="raf")
        while not settled():  # drawn is not done: the run may still be sending
            page.wait_for_timeout(5)
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        times[name] = time.perf_counter() - started
        sizes[name] = received[0]
        finished[name] = runs[-1][1] - started  # when the last run's finished message came in

    try:
        page.goto(base + "/", wait_until="networkidle")
        if company:
            page.get_by_label("Tên đăng nhập").fill(COMPANY)
            page.get_by_label("Mật khẩu").fill(COMPANY_PASSWORD)

            def company_log_in() -> None:
                page.get_by_role("button", name="Đăng nhập").click()
                page.wait_for_url("**/home", wait_until="domcontentloaded")

            step("home", company_log_in)
            step("result", lambda: page.get_by_role("link", name="Kết quả").click())
            return times, sizes, finished
        page.get_by_label("Tên đăng nhập").fill(USER)
        page.get_by_label("Mật khẩu").fill(PASSWORD)

        def log_in() -> None:  # the click, the trip for the cookie, and the page loaded again
            page.get_by_role("button", name="Đăng nhập").click()
            page.wait_for_url("**/overview", wait_until="domcontentloaded")

        step("overview", log_in)
        step("lists", lambda: page.get_by_role("link", name="Danh sách").click())
        step("detail", lambda: page.get_by_role("button", name="Xem chi tiết").click())
        step("planner", lambda: page.get_by_role("link", name="Kế hoạch kiểm tra").click())
        step("reminders", lambda: page.get_by_role("link", name="Nhắc nhở").click())
    finally:
        page.close()
    return times, sizes, finished


def _script(coroutine: Any) -> dict[str, float]:
    """A script session run to its end on a thread of its own (Playwright's sync API holds this
    one's event loop), so that script and browser sessions can alternate."""
    with ThreadPoolExecutor(1) as pool:
        result: dict[str, float] = pool.submit(asyncio.run, coroutine).result()
    return result


def _figures(label: str, url: str) -> list[Figure]:
    from playwright.sync_api import sync_playwright

    with server(url) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
        try:
            # warm-up: the replica's imports and first queries, the browser's cache (a returning user's)
            _script(_script_session(base))
            _script(_script_company(base))
            _browser_session(context, base)
            _browser_session(context, base, company=True)
            scripts: list[dict[str, float]] = []
            runs: list[Visit] = []
            for _ in range(SESSIONS):  # alternated: a burst of load elsewhere falls on both
                scripts.append(_script(_script_session(base)) | _script(_script_company(base)))
                official = _browser_session(context, base)
                company = _browser_session(context, base, company=True)
                runs.append((official[0] | company[0], official[1] | company[1], official[2] | company[2]))
        finally:
            browser.close()
    figures = []
    for name in ("overview", "lists", "detail", "planner", "reminders", "home", "result"):
        browser_time = statistics.median(r[0][name] for r in runs)
        script_time = statistics.median(s[name] for s in scripts)
        kilobytes = statistics.median(r[1][name] for r in runs) / 1024
        finished_at = statistics.median(r[2][name] for r in runs)
        aim = {"overview": "aim ≤1.5x, <150 kB"}.get(name, "aim ≤1.5x")
        figures.append(
            Figure(
                f"browser.{name}[{label}]",
                browser_time,
                script_time,
                f"{kilobytes:.0f} kB received, run finished at {finished_at:.3f}s; {aim}",
            )
        )
    return figures


def run(quick: bool) -> list[Figure]:
    if not Path(CHROMIUM).exists():
        print("  Debian's chromium is not installed; skipped", file=sys.stderr)
        return []
    folder = ROOT / "data" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    scales = [(400, 12)] if quick else [(400, 12), (10_000, 52)]
    figures: list[Figure] = []
    for companies, periods in scales:
        scale = f"{companies}×{periods}" if companies < 1000 else f"{companies // 1000}k×{periods}"
        name = "demo-400x12.db" if companies == 400 else f"monitoring-{companies}x{periods}.db"
        sqlite = f"sqlite:///{folder / name}"
        _ensure_seeded(sqlite, companies, periods)
        figures += _figures(f"sqlite {scale}", sqlite)
        postgres = _postgres_url(f"zonerisk_bench_{companies}x{periods}")
        if postgres is not None:
            _ensure_seeded(postgres, companies, periods)
            figures += _figures(f"postgresql {scale}", postgres)
    return figures
