"""A real `streamlit run` on a free local port, driven by Playwright in Debian's Chromium."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError

from bench.processes import SERVE, free_port, wait_healthy
from tests.databases import DatabaseFactory, backends

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
RUN_COUNTER = (Path(__file__).with_name("runs.js")).read_text(encoding="utf-8")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseFactory]:
    """One seeded SQLite template per worker for every browser file (seeding it took 2 s a file)."""
    factory = DatabaseFactory(backends()[0], tmp_path_factory.mktemp("browser-db"))
    yield factory
    factory.close()


@pytest.fixture(scope="module")
def server_database(browser_databases: DatabaseFactory) -> Iterator[str]:
    """A file's own copy of the template: its journeys' writes are seen by no other file."""
    url = browser_databases.copy_of(browser_databases.template(40, 4))
    yield url
    browser_databases.release(url)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, server_database: str) -> Iterator[str]:
    """The app on its own seeded SQLite database (the browser journeys are about the pages)."""
    yield from serve(tmp_path_factory, server_database)


def serve(
    tmp_path_factory: pytest.TempPathFactory,
    url: str,
    extra_env: dict[str, str] | None = None,
    port: int | None = None,
) -> Iterator[str]:
    """The app as run.sh serves it, on `port` (else a free one) against `url`, with `extra_env` (a
    configured channel, a sign-on provider)."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run `bash .ci/run`, which installs it")
    port = port or free_port()
    env = {**os.environ, "DATABASE_URL": url, "ZONERISK_ENV": "test", **(extra_env or {})}
    log = open(tmp_path_factory.mktemp("streamlit-log") / "streamlit.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [*SERVE, "--server.port", str(port)],  # what run.sh and the systemd unit start: warm, then serve
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(f"{base}/_stcore/health")
    except RuntimeError:
        process.terminate()
        pytest.fail("streamlit did not start within 60 s")
    yield base
    process.terminate()
    process.wait(timeout=20)
    log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def new_context(browser: Browser, **options: object) -> BrowserContext:
    """A browser context whose pages count the app's runs (runs.js), for `settle()`; Vietnamese
    unless the test says otherwise."""
    context = browser.new_context(**{"locale": "vi-VN", **options})  # type: ignore[arg-type]
    context.add_init_script(RUN_COUNTER)
    return context


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keeps each phase's report on the test, so that a fixture can tell whether its test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    context = new_context(browser, viewport={"width": 1280, "height": 900})
    opened = context.new_page()
    opened.set_default_timeout(30_000)
    yield opened
    called = getattr(request.node, "report_call", None)
    if called is None or called.failed:  # what the page showed when its test failed (CI's artifacts)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        opened.screenshot(path=str(ARTIFACTS / f"{request.node.name}-final.png"), full_page=True)
    context.close()


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def log_in(page: Page, base: str, username: str, password: str) -> None:
    page.goto(base + "/", wait_until="domcontentloaded")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    # the browser fetches its session cookie and reloads the page: logged in when the logout shows
    page.get_by_role("button", name="Đăng xuất").wait_for()


def settle(page: Page, run_asked: bool = False) -> None:
    """Wait until the app has finished every run the page asked for (a click, a choice, a page
    load) and shows it finished. The page counts the rerun requests it sends and the runs the
    server starts and finishes (runs.js), so this neither waits a fixed time nor returns before a
    slow server has begun: an action that asks for no run returns after ten frames, unless
    `run_asked` says the action does ask for one (then the wait is for that run, however late).
    A run that sends the browser elsewhere is never settled on its page; should the page go while
    this waits (its last run already counted as finished), the wait goes on in the next page."""
    check = f"() => window.__zoneriskRuns?.settled({'true' if run_asked else 'false'})"
    for _ in range(3):
        try:
            page.wait_for_function(check, timeout=30_000, polling="raf")
            page.evaluate("() => window.__zoneriskRuns.seen()")
            # React has the finished run's elements: two frames and they are laid out and painted (a
            # page in the background draws no frames, hence the bound)
            page.evaluate(
                "() => new Promise(done => { requestAnimationFrame(() => requestAnimationFrame(done));"
                " setTimeout(done, 100); })"
            )
            return
        except PlaywrightError as error:
            if "Execution context was destroyed" not in error.message:
                raise
            page.wait_for_load_state("domcontentloaded")
    raise AssertionError("the page kept navigating away while its runs were awaited")
