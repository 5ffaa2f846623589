"""The HTTP edge beside the pages, tried as an attacker would: the cookie is HttpOnly and SameSite
always and Secure behind TLS; a login never sends the browser to another site; an address that is
no page is answered before Streamlit draws its English dialog, and Streamlit's own routes never are.
Driven through Starlette's ASGI interface directly: no server, no database."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Scope

from app.config import get_settings
from app.navigation import KNOWN_PATHS
from app.web.cookies import SESSION_COOKIE, safe_next, set_cookie
from app.web.pages import UnknownPages


def _request(scheme: str = "http", headers: dict[str, str] | None = None) -> Request:
    raw = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    return Request({"type": "http", "scheme": scheme, "method": "GET", "path": "/", "headers": raw})


@pytest.fixture
def trusting_proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("ZONERISK_TRUST_PROXY", "true")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def _cookie(request: Request) -> str:
    response = Response()
    set_cookie(response, request, SESSION_COOKIE, "token", 60)
    return response.headers["set-cookie"]


def test_the_session_cookie_is_httponly_and_samesite_lax_over_plain_http() -> None:
    header = _cookie(_request())
    assert "httponly" in header.lower() and "samesite=lax" in header.lower()
    assert "secure" not in header.lower()  # a browser would drop a Secure cookie on http://localhost


def test_the_session_cookie_is_secure_over_tls() -> None:
    assert "secure" in _cookie(_request("https")).lower()


def test_behind_our_nginx_the_forwarded_scheme_makes_it_secure(trusting_proxy: None) -> None:
    assert "secure" in _cookie(_request(headers={"X-Forwarded-Proto": "https"})).lower()


def test_a_forwarded_scheme_from_a_client_is_not_believed_without_a_trusted_proxy() -> None:
    """Without ZONERISK_TRUST_PROXY the header is the client's own words (no Secure on http)."""
    assert "secure" not in _cookie(_request(headers={"X-Forwarded-Proto": "https"})).lower()


@pytest.mark.parametrize(
    "hostile",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "/\\evil.example",
        "http:/evil.example",
        "javascript:alert(1)",
        "/no-such-page",
        "",
        None,
    ],
)
def test_a_login_never_sends_the_browser_elsewhere(hostile: str | None) -> None:
    assert safe_next(hostile) == "/"


def test_a_login_goes_back_to_the_page_and_its_query() -> None:
    assert safe_next("/company_detail?company=12&round=3") == "/company_detail?company=12&round=3"
    assert safe_next("/overview/") == "/overview"


def _call(path: str, accept: str = "text/html", method: str = "GET") -> tuple[int, str]:
    seen: list[Message] = []
    reached: list[str] = []

    async def app(scope: Scope, receive: object, send: object) -> None:
        reached.append(scope["path"])

    async def receive() -> Message:
        return {"type": "http.request"}

    async def send(message: Message) -> None:
        seen.append(message)

    scope = {"type": "http", "method": method, "path": path, "headers": [(b"accept", accept.encode())]}
    asyncio.run(UnknownPages(app)(scope, receive, send))
    if reached:
        return 200, ""
    start = seen[0]
    location = dict(start["headers"]).get(b"location", b"").decode()
    return int(start["status"]), location


def test_an_address_that_is_no_page_goes_home_with_a_sentence() -> None:
    assert _call("/company-details") == (303, "/?notice=unknown_page")
    assert _call("/adminn/") == (303, "/?notice=unknown_page")


@pytest.mark.parametrize("path", sorted(KNOWN_PATHS))
def test_every_page_address_reaches_streamlit(path: str) -> None:
    assert _call(f"/{path}") == (200, "")


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/", "text/html"),
        ("/_stcore/health", "text/html"),
        ("/healthz", "text/html"),
        ("/favicon.png", "text/html"),
        ("/static/js/index.js", "*/*"),
        ("/media/abc.png", "image/*"),
        ("/auth", "text/html"),
        ("/something", "application/json"),  # not a browser's page load
    ],
)
def test_streamlits_own_routes_and_non_page_requests_pass(path: str, accept: str) -> None:
    assert _call(path, accept) == (200, "")
