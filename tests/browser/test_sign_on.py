"""Single sign-on against a real OpenID Connect provider process (tests/oidc_provider.py): a link a
colleague pasted, opened in a fresh browser, signs in through the province's provider and lands on
that page; an unregistered person is refused and audited; a token with the wrong audience, the
wrong issuer, an expired one or a forged signature opens nothing."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import create_engine, text

from bench.processes import free_port, wait_healthy
from tests.browser.conftest import ROOT, new_context, serve, settle

CLIENT_ID, CLIENT_SECRET = "zonerisk-bacgiang", "s3cret-for-the-tests-only"


@dataclass(frozen=True)
class SignOn:
    app: str
    provider: str
    database: str


@pytest.fixture(scope="module")
def sign_on(tmp_path_factory: pytest.TempPathFactory, server_database: str) -> Iterator[SignOn]:
    app_port, provider_port = free_port(), free_port()
    app = f"http://127.0.0.1:{app_port}"
    provider = f"http://localhost:{provider_port}"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.oidc_provider",
            "--port",
            str(provider_port),
            "--client-id",
            CLIENT_ID,
            "--client-secret",
            CLIENT_SECRET,
            "--redirect-uri",
            f"{app}/auth/oidc/callback",
        ],
        cwd=ROOT,
    )
    try:
        wait_healthy(f"{provider}/.well-known/openid-configuration", seconds=30)
        engine = create_engine(server_database)
        with engine.begin() as connection:  # what an admin registers on the Users page
            connection.execute(
                text("UPDATE app_user SET sso_subject = :sub WHERE username = 'demo.zoneboard'"),
                {"sub": "vneid-zoneboard-0001"},
            )
        engine.dispose()
        env = {
            "ZONERISK_OIDC_ISSUER": provider,
            "ZONERISK_OIDC_CLIENT_ID": CLIENT_ID,
            "ZONERISK_OIDC_CLIENT_SECRET": CLIENT_SECRET,
            "ZONERISK_PUBLIC_URL": app,
        }
        for base in serve(tmp_path_factory, server_database, env, port=app_port):
            yield SignOn(base, provider, server_database)
    finally:
        process.terminate()
        process.wait(timeout=10)


def _fault(sign_on: SignOn, fault: str) -> None:
    requests.post(f"{sign_on.provider}/_test/fault", json={"fault": fault}, timeout=5).raise_for_status()


def _company_in_scope(database: str) -> tuple[int, str]:
    engine = create_engine(database)
    with engine.connect() as connection:
        row = connection.execute(
            text(
                "SELECT c.id, c.name FROM company c JOIN zone z ON z.id = c.zone_id "
                "WHERE z.kind = 'industrial_zone' ORDER BY c.id"
            )
        ).first()
    engine.dispose()
    assert row is not None
    return int(row[0]), str(row[1])


def test_a_shared_link_signs_in_through_the_provider_and_lands_on_that_company(
    sign_on: SignOn, browser: Browser
) -> None:
    _fault(sign_on, "")
    company_id, name = _company_in_scope(sign_on.database)
    context = new_context(browser, viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{sign_on.app}/company_detail?company={company_id}")
    page.get_by_role("button", name=re.compile("Đăng nhập qua Cổng định danh tỉnh")).click()
    page.get_by_label("Tài khoản").fill("zoneboard")
    page.get_by_role("button", name="Xác nhận").click()
    page.wait_for_url(f"**/company_detail?company={company_id}")
    settle(page)
    expect(page.get_by_text("demo.zoneboard", exact=False).first).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(re.escape(name))).first).to_be_visible()
    cookie = next(c for c in context.cookies() if c["name"] == "zr_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    page.reload()
    settle(page)
    expect(page.get_by_role("heading", name=re.compile(re.escape(name))).first).to_be_visible()
    # role and scope are the registered account's: the zones board's overview, not the province's
    page.goto(f"{sign_on.app}/province")
    page.wait_for_url("**/overview")
    expect(page.get_by_text("Trang đó không thuộc vai trò của bạn")).to_be_visible()
    context.close()


def test_an_unregistered_person_is_refused_with_a_sentence_and_an_audit_entry(
    sign_on: SignOn, browser: Browser
) -> None:
    _fault(sign_on, "")
    context = new_context(browser)
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.goto(f"{sign_on.app}/overview")
    page.get_by_role("button", name=re.compile("Đăng nhập qua")).click()
    page.get_by_label("Tài khoản").fill("stranger")
    page.get_by_role("button", name="Xác nhận").click()
    expect(page.get_by_text("chưa được đăng ký trong ZoneRisk")).to_be_visible()
    expect(page.get_by_label("Tên đăng nhập")).to_be_visible()
    assert not [c for c in context.cookies() if c["name"] == "zr_session"]
    engine = create_engine(sign_on.database)
    with engine.connect() as connection:
        refused = connection.execute(
            text("SELECT object_id FROM auditevent WHERE action = 'user.sso_refused'")
        ).scalars()
        assert "vneid-stranger-0666" in list(refused)
    engine.dispose()
    context.close()


def _walk(sign_on: SignOn, person: str) -> requests.Response:
    """The flow as a browser walks it, one redirect at a time; the app's answer to the callback."""
    browser = requests.Session()
    start = browser.get(f"{sign_on.app}/auth/oidc/login", params={"next": "/overview"}, allow_redirects=False)
    assert start.status_code == 302
    authorize = start.headers["location"]
    query = {k: v[0] for k, v in parse_qs(urlsplit(authorize).query).items()}
    assert query["code_challenge_method"] == "S256" and query["nonce"] and query["state"]
    assert browser.get(authorize, timeout=10).status_code == 200
    answer = browser.post(
        f"{sign_on.provider}/authorize", data={**query, "person": person}, allow_redirects=False, timeout=10
    )
    assert answer.status_code == 302
    return browser.get(answer.headers["location"], allow_redirects=False, timeout=30)


def test_the_flow_without_a_fault_gives_a_session_cookie(sign_on: SignOn) -> None:
    _fault(sign_on, "")
    answer = _walk(sign_on, "zoneboard")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/auth/session?code=")
    landed = requests.get(sign_on.app + answer.headers["location"], allow_redirects=False, timeout=10)
    assert landed.status_code == 303 and landed.headers["location"] == "/overview"
    assert "zr_session=" in landed.headers["set-cookie"] and "HttpOnly" in landed.headers["set-cookie"]


@pytest.mark.parametrize("fault", ["wrong_aud", "wrong_iss", "expired", "bad_signature"])
def test_a_token_the_app_must_not_trust_opens_nothing(sign_on: SignOn, fault: str) -> None:
    _fault(sign_on, fault)
    try:
        answer = _walk(sign_on, "zoneboard")
    finally:
        _fault(sign_on, "")
    assert answer.status_code == 303
    assert answer.headers["location"] == "/?notice=sso_failed"
    assert 'zr_session=""' in answer.headers.get("set-cookie", "") or "zr_session=;" in answer.headers.get(
        "set-cookie", ""
    )


def test_a_callback_replayed_or_forged_opens_nothing(sign_on: SignOn) -> None:
    _fault(sign_on, "")
    forged = requests.get(
        f"{sign_on.app}/auth/oidc/callback",
        params={"code": "guessed", "state": "guessed"},
        allow_redirects=False,
    )
    assert forged.status_code == 303 and forged.headers["location"] == "/?notice=link_expired"


def test_login_page_offers_the_provider_in_english_too(sign_on: SignOn, page: Page) -> None:
    page.goto(sign_on.app + "/")
    settle(page)
    # the form's own switch (issue 26: on a phone the sidebar's sat behind a "»")
    page.get_by_role("button", name="Switch to English").click()
    settle(page, run_asked=True)
    expect(page.get_by_role("button", name=re.compile("Sign in with Province sign-on"))).to_be_visible()
