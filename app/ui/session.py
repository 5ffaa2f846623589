"""Who is logged in, in which language. The session keeps only a signed user id; the actor (role,
company, scope) is read from the database on every run, so nothing a page stores can widen it."""

from __future__ import annotations

import hashlib
import hmac
import time

import streamlit as st

from app.config import get_settings
from app.i18n import DEFAULT_LANGUAGE, t
from app.services import auth
from app.services.context import Actor

SESSION_HOURS = 12
_AUTH = "auth"


def lang() -> str:
    return st.session_state.get("lang", DEFAULT_LANGUAGE)


def tr(key: str, **values: object) -> str:
    return t(key, lang(), **values)


def _signature(user_id: int, issued: int) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"session:{user_id}:{issued}".encode(), hashlib.sha256).hexdigest()


def log_in(actor: Actor) -> None:
    assert actor.user_id is not None
    issued = int(time.time())
    st.session_state[_AUTH] = {
        "user_id": actor.user_id,
        "issued": issued,
        "sig": _signature(actor.user_id, issued),
    }


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
        user_id, issued, sig = int(data["user_id"]), int(data["issued"]), str(data["sig"])
    except (KeyError, TypeError, ValueError):
        return None
    if not hmac.compare_digest(sig, _signature(user_id, issued)):
        return None
    if time.time() - issued > SESSION_HOURS * 3600:
        st.session_state["session_expired"] = True
        del st.session_state[_AUTH]
        return None
    return auth.load_actor(user_id)


def require_actor(*roles: str) -> Actor:
    """For a page: the actor, or stop with a message (navigation already hides other roles' pages)."""
    actor = current_actor()
    if actor is None or (roles and actor.role not in roles):
        st.error(tr("error.forbidden"))
        st.stop()
    return actor
