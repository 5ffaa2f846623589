"""An address that is no page is answered here, before Streamlit's frontend would show its English
"Page not found" dialog: the browser goes to `/` with a sentence in the user's language."""

from __future__ import annotations

import re

from starlette.responses import RedirectResponse
from starlette.types import ASGIApp, Receive, Scope, Send

from app.navigation import KNOWN_PATHS

_PAGE_LIKE = re.compile(r"^/([A-Za-z0-9_-]+)/?$")
_STREAMLIT_OWN = frozenset({"_stcore", "healthz", "oauth2callback", "auth", "static", "media", "component"})


class UnknownPages:
    """ASGI middleware: a browser's page load (`Accept: text/html`) of a one-segment address that
    is no page of any role, nor one of Streamlit's own, is redirected to `/?notice=unknown_page`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope.get("method") in ("GET", "HEAD") and _unknown(scope):
            await RedirectResponse("/?notice=unknown_page", status_code=303)(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _unknown(scope: Scope) -> bool:
    match = _PAGE_LIKE.match(str(scope.get("path", "")))
    if match is None or match.group(1) in KNOWN_PATHS or match.group(1) in _STREAMLIT_OWN:
        return False
    accept = next((value for key, value in scope.get("headers", []) if key == b"accept"), b"")
    return b"text/html" in accept
