"""What an official waits for in a real browser: Debian's Chromium, timed from the click to the page
drawn (the Overview's bars and table, the Lists' grid, the Company detail's tables) with Streamlit
idle, beside the same step's script run over the WebSocket protocol without a browser (`bench.stclient`: the
server's run plus loopback transfer). The ratio says what the browser's receiving and drawing add;
the note gives the bytes the browser received over the WebSocket for that step (Chrome's own count
of frame payloads). Aims (issue 16): browser ≤ 1.5× script, < 150 kB per Overview, Overview < 1.5 s
at the demo scale and < 3 s at 10k × 52 on a quiet machine.

The first line is the floor (`bench/floor_app.py`): a page switch in a bare Streamlit app whose
script writes one heading. Its ratio is what Streamlit and the browser cost on their own; every
in-session page's note then says how much longer it draws than that empty page, beyond its script.

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
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from google.protobuf.message import DecodeError
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from app.config import ROOT
from bench.harness import Figure
from bench.monitoring import _ensure_seeded, _postgres_url
from bench.processes import bare_streamlit, replicas
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
FLOOR_SESSIONS = 5  # the floor's visits are short: more of them, for a steadier median
LOGIN_STEPS = ("overview", "home")  # timed from the login's click: a page load for the cookie too
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
    # the floor's second page (bench/floor_app.py)
    "floor": "[...document.querySelectorAll('h1')].some(h => h.textContent.includes('Trang B'))",
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


FLOOR_APP = ROOT / "bench" / "floor_app.py"


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


async def _script_floor(base: str) -> dict[str, float]:
    """The floor app's page switch, run without a browser."""
    tab = Tab(base)
    try:
        await tab.open()
        return {"floor": (await tab.go("b")).seconds}
    finally:
        await tab.close()


def _button(page: Page, label: str) -> Any:
    return next(b for b in page.tree.button if b.label == label)


# --- the browser's time ------------------------------------------------------------------------


Visit = tuple[dict[str, float], dict[str, int], dict[str, float]]  # times, bytes, run finished at


class _Stepper:
    """A tab whose steps are timed from the action to the page drawn, with every script run the
    step started finished: the WebSocket's frames are read as they arrive (Chrome's own events),
    counting their bytes and noting each run's start and finish."""

    def __init__(self, page: Any, drawn: Mapping[str, str]) -> None:
        self.page = page
        self.drawn = drawn
        self.received = 0
        self.runs: list[tuple[str, float]] = []  # ("start" | "finished", when) of this step's runs
        self.times: dict[str, float] = {}
        self.sizes: dict[str, int] = {}
        self.finished: dict[str, float] = {}
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.on("Network.webSocketFrameReceived", self._on_frame)

    def _on_frame(self, event: dict[str, Any]) -> None:
        response = event["response"]
        data = response.get("payloadData", "")
        if response.get("opcode") != 2:
            self.received += len(data.encode())
            return
        raw = base64.b64decode(data)
        self.received += len(raw)
        message = ForwardMsg()
        try:
            message.ParseFromString(raw)
        except DecodeError:
            return
        kind = message.WhichOneof("type")
        if kind == "new_session":
            self.runs.append(("start", time.perf_counter()))
        elif kind == "script_finished" and message.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
            self.runs.append(("finished", time.perf_counter()))

    def step(self, name: str, action: Callable[[], None]) -> None:
        self.received = 0
        self.runs.clear()
        started = time.perf_counter()
        action()
        self.page.wait_for_function(f"() => {self.drawn[name]}", polling="raf")
        while not (self.runs and self.runs[-1][0] == "finished"):  # drawn is not done: still sending
            self.page.wait_for_timeout(5)
        self.page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        self.times[name] = time.perf_counter() - started
        self.sizes[name] = self.received
        self.finished[name] = self.runs[-1][1] - started  # when the last run's finished message came in

    def visit(self) -> Visit:
        return self.times, self.sizes, self.finished


def _browser_session(context: Any, base: str, company: bool = False) -> Visit:
    """One visit in a new tab of the same browser profile: a new Streamlit session (log in again),
    with the browser's cache as a returning user has it (plotly.js and the app's scripts)."""
    context.clear_cookies(name="zr_session")  # logged out, as a new visit is: the cache stays
    page = context.new_page()
    page.set_default_timeout(60_000)
    stepper = _Stepper(page, DRAWN)
    step = stepper.step

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
            return stepper.visit()
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
    return stepper.visit()


def _browser_floor(context: Any, base: str) -> Visit:
    """The floor app in a new tab: its first page, then the click on the second."""
    page = context.new_page()
    page.set_default_timeout(60_000)
    stepper = _Stepper(page, DRAWN)
    try:
        page.goto(base + "/", wait_until="networkidle")
        page.get_by_role("heading", name="Trang A").wait_for()
        stepper.step("floor", lambda: page.get_by_role("link", name="Trang B").click())
    finally:
        page.close()
    return stepper.visit()


def _script(coroutine: Any) -> dict[str, float]:
    """A script session run to its end on a thread of its own (Playwright's sync API holds this
    one's event loop), so that script and browser sessions can alternate."""
    with ThreadPoolExecutor(1) as pool:
        result: dict[str, float] = pool.submit(asyncio.run, coroutine).result()
    return result


def _floor() -> Figure:
    """The floor (bench/floor_app.py): a page switch whose script takes next to no time, in the
    same Chromium, alternated with its script run. No page can be drawn sooner than its script's
    run plus about this, so a ratio to a short script says more about the floor than the page."""
    from playwright.sync_api import sync_playwright

    with bare_streamlit(FLOOR_APP) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="vi-VN")
        try:
            _script(_script_floor(base))  # warm-up, as for the app
            _browser_floor(context, base)
            scripts, visits = [], []
            for _ in range(FLOOR_SESSIONS):
                scripts.append(_script(_script_floor(base))["floor"])
                visits.append(_browser_floor(context, base))
        finally:
            browser.close()
    finished_at = statistics.median(v[2]["floor"] for v in visits)
    return Figure(
        "browser.floor[streamlit, empty page]",
        statistics.median(v[0]["floor"] for v in visits),
        statistics.median(scripts),
        f"run finished at {finished_at:.3f}s; the least any page switch costs in Chromium",
    )


def _figures(label: str, url: str, floor: float) -> list[Figure]:
    """The app's pages on `url`; `floor` is an empty page's drawing beyond its script (`_floor`)."""
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
        # what drawing this page adds to the empty page's drawing (`floor`: the floor's time beyond
        # its own script); the login steps (Overview, Home) also load the page again for the
        # session cookie, which the floor does not
        extra = browser_time - script_time - floor
        beyond = "" if name in LOGIN_STEPS else f", draws {extra:+.3f}s beyond an empty page"
        figures.append(
            Figure(
                f"browser.{name}[{label}]",
                browser_time,
                script_time,
                f"{kilobytes:.0f} kB received, run finished at {finished_at:.3f}s{beyond}; {aim}",
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
    floor = _floor()
    drawing = floor.seconds - floor.baseline_seconds  # an empty page's drawing, beyond its script
    figures: list[Figure] = [floor]
    for companies, periods in scales:
        scale = f"{companies}×{periods}" if companies < 1000 else f"{companies // 1000}k×{periods}"
        name = "demo-400x12.db" if companies == 400 else f"monitoring-{companies}x{periods}.db"
        sqlite = f"sqlite:///{folder / name}"
        _ensure_seeded(sqlite, companies, periods)
        figures += _figures(f"sqlite {scale}", sqlite, drawing)
        postgres = _postgres_url(f"zonerisk_bench_{companies}x{periods}")
        if postgres is not None:
            _ensure_seeded(postgres, companies, periods)
            figures += _figures(f"postgresql {scale}", postgres, drawing)
    return figures
