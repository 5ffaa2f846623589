"""Who is logged in, in which language. The session keeps only a signed user id; the actor (role,
company, scope) is read from the database on every run, so nothing a page stores can widen it."""

from __future__ import annotations

import time

import streamlit as st

from app.config import get_settings
from app.i18n import DEFAULT_LANGUAGE, t
from app.services.accounts import auth
from app.services.context import Actor
from app.services.documents import signing

SESSION_HOURS = 12
_AUTH = "auth"


def lang() -> str:
    return str(st.session_state.get("lang", DEFAULT_LANGUAGE))


def tr(key: str, **values: object) -> str:
    return t(key, lang(), **values)


def _message(user_id: int, issued: int, version: int) -> str:
    return f"{user_id}:{issued}:{version}"


def log_in(actor: Actor) -> None:
    if actor.user_id is None:
        raise ValueError("only a stored user can log in")
    issued = int(time.time())
    st.session_state[_AUTH] = {
        "user_id": actor.user_id,
        "issued": issued,
        "version": actor.session_version,
        "sig": signing.sign("session", _message(actor.user_id, issued, actor.session_version)),
    }


def client_address() -> str:
    """Who is knocking, for login throttling: the socket's address, or behind our own proxy the
    X-Forwarded-For that nginx sets (replacing whatever the client sent)."""
    peer = st.context.ip_address
    forwarded = st.context.headers.get("X-Forwarded-For") if st.context.headers else None
    return auth.client_from(
        peer if isinstance(peer, str) else None,  # AppTest has no socket: a stand-in object
        forwarded if isinstance(forwarded, str) else None,
        get_settings().trust_proxy,
    )


def log_out() -> None:
    for key in list(st.session_state.keys()):
        if key != "lang":
            del st.session_state[key]


def current_actor() -> Actor | None:
    """The logged-in actor, or None when there is no valid, unexpired session."""
    data = st.session_state.get(_AUTH)
    if not isinstance(data, dict):
        return None
    try:
        user_id, issued, version = int(data["user_id"]), int(data["issued"]), int(data["version"])
        sig = str(data["sig"])
    except (KeyError, TypeError, ValueError):
        return None
    if not signing.verify("session", _message(user_id, issued, version), sig):
        return None
    if time.time() - issued > SESSION_HOURS * 3600:
        st.session_state["session_expired"] = True
        del st.session_state[_AUTH]
        return None
    actor = auth.load_actor(user_id, version)
    if actor is None:
        del st.session_state[_AUTH]
    return actor


def require_actor(*roles: str) -> Actor:
    """For a page: the actor, or stop with a message (navigation already hides other roles' pages)."""
    actor = current_actor()
    if actor is None or (roles and actor.role not in roles):
        st.error(tr("error.forbidden"))
        st.stop()
    return actor


def round_in_address() -> int | None:
    """The round a company page was opened for (`?round=ID`), so a link or a reload keeps it."""
    raw = st.query_params.get("round")
    try:
        return int(raw) if raw else None
    except ValueError:
        return None
