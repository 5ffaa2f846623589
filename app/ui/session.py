"""Who is logged in, in which language.

The login lives in the database (app.services.accounts.sessions), named by an HttpOnly cookie the
browser sends with every page load, so a reload, a new tab, a bookmark or a shared link find it;
the tab that logged in also keeps its token in its Streamlit session until the browser has the
cookie. The actor (role, company, scope) is read from the database on every run, so nothing a page
stores can widen it.

The language is the user's: kept with the account once logged in, in a cookie before; in the tab it
is a plain session value ("lang"), never a widget's, because Streamlit drops a widget's value on the
runs where the widget is not drawn, and a page change is such a run.
"""

from __future__ import annotations

from contextvars import ContextVar
from urllib.parse import urlencode, urlsplit

import streamlit as st
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.runtime.scriptrunner import get_script_run_ctx

from app.config import get_settings
from app.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from app.services.accounts import auth, sessions
from app.services.context import Actor

SESSION_COOKIE = "zr_session"
LANGUAGE_COOKIE = "zr_lang"
BROWSER_COOKIE = "_streamlit_xsrf"
"""set by Streamlit on the page load, readable by the page: what binds a hand-off to its browser"""
_TOKEN = "session_token"
_UNSET = object()
_RUN_ACTOR: ContextVar[object] = ContextVar("zonerisk_run_actor", default=_UNSET)


def lang() -> str:
    return str(st.session_state.get("lang", DEFAULT_LANGUAGE))


def tr(key: str, **values: object) -> str:
    return t(key, lang(), **values)


def _cookie(name: str) -> str | None:
    try:
        value = st.context.cookies.get(name)
    except Exception:  # no browser behind this run (AppTest): no cookies
        return None
    return value if isinstance(value, str) and value else None


def send_browser_to(url: str) -> None:
    """A top-level navigation of the browser (what `st.login` uses to reach the provider): how a
    page hands the browser to /auth/…, which can set a cookie where a page cannot."""
    context = get_script_run_ctx()
    if context is None:
        return
    message = ForwardMsg()
    message.auth_redirect.url = url
    context.enqueue(message)


def here() -> str:
    """The address this run was opened at, path and query, to come back to after a login."""
    try:
        url = st.context.url
    except Exception:
        url = None
    path = urlsplit(url).path if isinstance(url, str) and url else "/"
    query = {key: st.query_params.get(key) for key in st.query_params}
    return path + ("?" + urlencode(query) if query else "")


def client_address() -> str:
    """Who is knocking, for login throttling: the socket's address, or behind our own proxy the
    X-Forwarded-For that nginx sets (replacing whatever the client sent)."""
    peer = st.context.ip_address
    forwarded = st.context.headers.get("X-Forwarded-For") if st.context.headers else None
    return auth.client_from(
        # Streamlit gives no address for a connection through localhost (its documented None): that
        # is our own nginx, or a browser on this machine, not an unknown client. Taken as unknown,
        # every login there counted against the account as a stranger's and the owner was locked
        # out after fifty. (AppTest has no socket: a stand-in object, unknown.)
        auth.LOOPBACK if peer is None else peer if isinstance(peer, str) else None,
        forwarded if isinstance(forwarded, str) else None,
        get_settings().trust_proxy,
    )


def _user_agent() -> str:
    try:
        agent = st.context.headers.get("User-Agent") if st.context.headers else None
    except Exception:
        agent = None
    return agent if isinstance(agent, str) else ""


def log_in(actor: Actor, *, method: str = "password") -> None:
    """After the password was checked: a server-side session; the tab holds its token, and the
    browser is sent to trade the hand-off code for the cookie and come back to where it was."""
    started = sessions.start(
        actor,
        client=client_address(),
        user_agent=_user_agent(),
        method=method,
        browser=_cookie(BROWSER_COOKIE),  # only this browser may trade the code for the cookie
    )
    st.session_state[_TOKEN] = started.token
    _RUN_ACTOR.set(_UNSET)
    chose_here = st.session_state.get("lang_chosen") or _cookie(LANGUAGE_COOKIE)
    if started.language and not chose_here:
        st.session_state["lang"] = started.language  # the account's language, on a new device too
    elif started.language != lang():
        sessions.set_language(actor, lang())  # chosen on the login page: it becomes the account's
    send_browser_to("/auth/session?" + urlencode({"code": started.handoff, "next": here()}))


def log_out() -> None:
    """The session ends in the database (its cookie then opens nothing, anywhere), then the
    browser drops the cookie; the login page stays in the user's language."""
    token = st.session_state.get(_TOKEN) or _cookie(SESSION_COOKIE)
    if isinstance(token, str):
        sessions.end(token)
    language = lang()
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    st.session_state["lang"] = language
    _RUN_ACTOR.set(_UNSET)
    send_browser_to("/auth/logout?" + urlencode({"lang": language}))


def current_token() -> str | None:
    """The token of this tab's session (the tab's own until the cookie takes over)."""
    token = st.session_state.get(_TOKEN)
    return token if isinstance(token, str) and token else _cookie(SESSION_COOKIE)


def forget_run() -> None:
    """At the start of every run: the actor is resolved afresh (a logout elsewhere, a deactivation)."""
    _RUN_ACTOR.set(_UNSET)


def current_actor() -> Actor | None:
    """The logged-in actor, or None when there is no valid, unexpired session. Resolved once per
    run: the router and the page ask the same question."""
    known = _RUN_ACTOR.get()
    if known is not _UNSET:
        return known if isinstance(known, Actor) else None
    actor = _resolve()
    _RUN_ACTOR.set(actor)
    return actor


def _resolve() -> Actor | None:
    ended = ""
    for token in (st.session_state.get(_TOKEN), _cookie(SESSION_COOKIE)):
        if not isinstance(token, str) or not token:
            continue
        resolved = sessions.resolve(token)
        if resolved.actor is not None:
            if "lang" not in st.session_state and resolved.language in LANGUAGES:
                st.session_state["lang"] = resolved.language
            return resolved.actor
        ended = ended or resolved.ended
    st.session_state.pop(_TOKEN, None)
    if ended in ("idle", "absolute"):
        st.session_state["session_expired"] = True
    return None


def settle_language() -> None:
    """A new tab opens in the account's language (see `_resolve`), else the one chosen before login
    (its cookie), else Vietnamese."""
    if "lang" not in st.session_state:
        chosen = _cookie(LANGUAGE_COOKIE)
        st.session_state["lang"] = chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE
    st.session_state["lang_switch"] = lang()


def language_changed() -> None:
    """The switch's callback: the tab's language; the account's too, or before login the cookie's
    (through /auth/language, which reloads the login page in the new language)."""
    forget_run()  # a callback runs before the router: resolve this session's actor, not a cached one
    chosen = str(st.session_state.get("lang_switch", DEFAULT_LANGUAGE))
    st.session_state["lang"] = chosen
    st.session_state["lang_chosen"] = True
    actor = current_actor()
    if actor is not None:
        sessions.set_language(actor, chosen)
    else:
        send_browser_to("/auth/language?" + urlencode({"lang": chosen, "next": here()}))


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
