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
from contextlib import contextmanager
from pathlib import Path
from typing import Any

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
IDLE = "!document.querySelector('[data-testid=\"stStatusWidget\"]')"
DRAWN = {
    "overview": "document.querySelector('.zr-bars .zr-row') && "
    "document.querySelector('[data-testid=\"stDataFrame\"] canvas')",
    "lists": "document.querySelector('[data-testid=\"stDataFrame\"] canvas') && "
    "[...document.querySelectorAll('label')].some(l => l.textContent.includes('Mở doanh nghiệp'))",
    "detail": "document.body.innerText.includes('Bản nộp mới nhất')",
    # the HR officer's Result: the level's figures, the section bars and the criteria table
    "result": "document.querySelector('[data-testid=\"stMetric\"]') && "
    "document.querySelector('.zr-bars .zr-row') && "
    "document.querySelector('[data-testid=\"stDataFrame\"] canvas')",
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
        return times
    finally:
        await tab.close()


async def _script_company(base: str) -> dict[str, float]:
    """The HR officer's Result page, run without a browser (after the login)."""
    tab = Tab(base)
    try:
        page = await tab.open()
        tree = page.tree
        await tab.run(
            [
                typed(tree.text_input(key="login_username"), COMPANY),
                typed(tree.text_input(key="login_password"), COMPANY_PASSWORD),
                clicked(tree.button[0]),
            ]
        )
        if tab.redirect:
            await tab.follow()
        page = await tab.go("result")
        return {"result": page.seconds}
    finally:
        await tab.close()


def _button(page: Page, label: str) -> Any:
    return next(b for b in page.tree.button if b.label == label)


# --- the browser's time ------------------------------------------------------------------------


def _browser_session(
    context: Any, base: str, company: bool = False
) -> tuple[dict[str, float], dict[str, int]]:
    """One visit in a new tab of the same browser profile: a new Streamlit session (log in again),
    with the browser's cache as a returning user has it (plotly.js and the app's scripts)."""
    context.clear_cookies(name="zr_session")  # logged out, as a new visit is: the cache stays
    page = context.new_page()
    page.set_default_timeout(60_000)
    received = [0]

    def on_frame(event: dict[str, Any]) -> None:
        response = event["response"]
        data = response.get("payloadData", "")
        received[0] += len(base64.b64decode(data)) if response.get("opcode") == 2 else len(data.encode())

    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.on("Network.webSocketFrameReceived", on_frame)
    times: dict[str, float] = {}
    sizes: dict[str, int] = {}

    def step(name: str, action: Callable[[], None]) -> None:
        received[0] = 0
        started = time.perf_counter()
        action()
        page.wait_for_timeout(50)  # the click's rerun has begun (the status widget shows while it runs)
        page.wait_for_function(f"() => ({DRAWN[name]}) && {IDLE}", polling="raf")
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        times[name] = time.perf_counter() - started
        sizes[name] = received[0]

    try:
        page.goto(base + "/", wait_until="networkidle")
        if company:
            page.get_by_label("Tên đăng nhập").fill(COMPANY)
            page.get_by_label("Mật khẩu").fill(COMPANY_PASSWORD)
            page.get_by_role("button", name="Đăng nhập").click()
            page.wait_for_url("**/home", wait_until="domcontentloaded")
            page.get_by_role("link", name="Kết quả").wait_for()
            step("result", lambda: page.get_by_role("link", name="Kết quả").click())
            return times, sizes
        page.get_by_label("Tên đăng nhập").fill(USER)
        page.get_by_label("Mật khẩu").fill(PASSWORD)

        def log_in() -> None:  # the click, the trip for the cookie, and the page loaded again
            page.get_by_role("button", name="Đăng nhập").click()
            page.wait_for_url("**/overview", wait_until="domcontentloaded")

        step("overview", log_in)
        step("lists", lambda: page.get_by_role("link", name="Danh sách").click())
        step("detail", lambda: page.get_by_role("button", name="Xem chi tiết").click())
    finally:
        page.close()
    return times, sizes


def _figures(label: str, url: str) -> list[Figure]:
    from playwright.sync_api import sync_playwright

    with server(url) as base:
        asyncio.run(_script_session(base))  # warm-up: imports and first queries
        scripts = [asyncio.run(_script_session(base)) for _ in range(SESSIONS)]
        asyncio.run(_script_company(base))
        for number in range(SESSIONS):
            scripts[number] |= asyncio.run(_script_company(base))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
            try:
                _browser_session(context, base)  # warm-up: the browser's cache, as a returning user's
                runs = [_browser_session(context, base) for _ in range(SESSIONS)]
                _browser_session(context, base, company=True)
                for number in range(SESSIONS):
                    times, sizes = _browser_session(context, base, company=True)
                    runs[number][0].update(times)
                    runs[number][1].update(sizes)
            finally:
                browser.close()
    figures = []
    for name in ("overview", "lists", "detail", "result"):
        browser_time = statistics.median(r[0][name] for r in runs)
        script_time = statistics.median(s[name] for s in scripts)
        kilobytes = statistics.median(r[1][name] for r in runs) / 1024
        aim = {"overview": "aim ≤1.5x, <150 kB"}.get(name, "aim ≤1.5x")
        figures.append(
            Figure(
                f"browser.{name}[{label}]", browser_time, script_time, f"{kilobytes:.0f} kB received; {aim}"
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
