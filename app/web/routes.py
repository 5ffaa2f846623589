"""/auth/…: the endpoints that turn a login into a cookie and back.

Why endpoints beside the app: a Streamlit page runs over a WebSocket and cannot set a cookie (its
`st.context.cookies` only reads the ones the page was loaded with). `st.login`'s own cookie is only
for an OIDC provider's identity (no local accounts, no server-side ending). So the page that checked
a password sends the browser here with a one-time code (app/ui/session.py), and this answer sets
the HttpOnly cookie and sends the browser back to the page it was on.
"""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.i18n import LANGUAGES
from app.services.accounts import sessions
from app.web.cookies import (
    BROWSER_COOKIE,
    LANGUAGE_COOKIE,
    SESSION_COOKIE,
    YEAR,
    drop_cookie,
    safe_next,
    set_cookie,
)


def _back(target: str) -> RedirectResponse:
    response = RedirectResponse(target, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    return response


def establish(request: Request) -> Response:
    """GET /auth/session?code=…&next=…: the hand-off code traded for the session's cookie."""
    token = sessions.establish(
        request.query_params.get("code", ""), browser=request.cookies.get(BROWSER_COOKIE)
    )
    if token is None:
        return _back("/?" + urlencode({"notice": "link_expired"}))
    response = _back(safe_next(request.query_params.get("next")))
    set_cookie(response, request, SESSION_COOKIE, token, int(sessions.absolute_limit().total_seconds()))
    return response


def log_out(request: Request) -> Response:
    """GET /auth/logout?lang=…: the page already ended the session in the database; here the browser
    forgets the cookie and keeps the language for the login page."""
    response = _back("/")
    drop_cookie(response, request, SESSION_COOKIE)
    language = request.query_params.get("lang", "")
    if language in LANGUAGES:
        set_cookie(response, request, LANGUAGE_COOKIE, language, YEAR)
    return response


def choose_language(request: Request) -> Response:
    """GET /auth/language?lang=…&next=…: the language chosen before login, kept by the browser."""
    response = _back(safe_next(request.query_params.get("next")))
    language = request.query_params.get("lang", "")
    if language in LANGUAGES:
        set_cookie(response, request, LANGUAGE_COOKIE, language, YEAR)
    return response


def routes() -> list[Route]:
    from app.web import signon

    return [
        Route("/auth/session", establish, methods=["GET"]),
        Route("/auth/logout", log_out, methods=["GET"]),
        Route("/auth/language", choose_language, methods=["GET"]),
        *signon.routes(),
    ]
