"""The cookies ZoneRisk sets, and where a browser may be sent back to after a login."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

from app.config import get_settings
from app.navigation import KNOWN_PATHS

SESSION_COOKIE = "zr_session"
LANGUAGE_COOKIE = "zr_lang"
SIGN_ON_COOKIE = "zr_signon"
BROWSER_COOKIE = "_streamlit_xsrf"
"""Streamlit's own cookie, set on the page load: the browser a login's hand-off belongs to"""
YEAR = 365 * 24 * 3600


def over_tls(request: Request) -> bool:
    """Secure cookies behind TLS: the request's own scheme, or nginx's X-Forwarded-Proto where the
    app trusts its proxy (ZONERISK_TRUST_PROXY)."""
    if request.scope.get("scheme") == "https":
        return True
    forwarded = request.headers.get("x-forwarded-proto", "")
    return get_settings().trust_proxy and forwarded.split(",")[0].strip() == "https"


def set_cookie(response: Response, request: Request, name: str, value: str, max_age: int) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path="/", httponly=True, samesite="lax", secure=over_tls(request)
    )


def drop_cookie(response: Response, request: Request, name: str) -> None:
    response.delete_cookie(name, path="/", httponly=True, samesite="lax", secure=over_tls(request))


def safe_next(raw: str | None) -> str:
    """Only a page of this app, as path and query: a login must never send the browser to another
    site (an open redirect would lend ZoneRisk's address to a phishing link)."""
    if not raw or not raw.startswith("/") or raw.startswith("//") or "\\" in raw:
        return "/"
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc:
        return "/"
    page = parts.path.strip("/")
    if page and page not in KNOWN_PATHS:
        return "/"
    return "/" + page + ("?" + parts.query if parts.query else "")
