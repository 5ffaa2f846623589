"""A Streamlit browser tab without the browser: the real WebSocket protocol (`/_stcore/stream`,
BackMsg/ForwardMsg protobufs), so that one process can play dozens of users against real replicas.

What it does is what the frontend does: fetch the page (which sets the balancer's sticky cookie),
open the stream with that cookie, ask for a run with the widgets' values, and read messages until
the run has finished (following st.rerun and st.switch_page). Each finished run is parsed with
Streamlit's own AppTest element tree, so widgets are found by key or label and their values are
serialised exactly as AppTest (and so the tests) does. What it does not do is draw: the browser's
own time is measured by `python -m bench browser`.
"""

from __future__ import annotations

import asyncio
import http.client
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from typing import Any

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1.element_tree import ElementTree, parse_tree_from_messages
from websockets.typing import Subprotocol

RUN_TIMEOUT_SECONDS = 60.0


class PageError(RuntimeError):
    """The page showed an exception, failed to compile, or the stream broke: one error."""


@dataclass
class Page:
    """One finished run: its elements, and what it took."""

    tree: ElementTree
    seconds: float
    bytes_received: int
    page_hash: str


@dataclass
class Tab:
    """One browser tab on `base_url` (the balancer, or a replica directly)."""

    base_url: str
    source_ip: str | None = None
    """the loopback address this tab connects from (127.0.0.0/8 is all loopback): each simulated
    user a client of its own, as login throttling sees real users"""
    query_string: str = ""
    """the address's query (`round=12`), sent with every run as the browser does"""
    cookie: str = ""
    redirect: str = ""
    """where the app last sent the browser (a login's hand-off for its cookie): see `follow`"""
    pages: dict[str, str] = field(default_factory=dict)  # url path → page script hash
    page_hash: str = ""
    _socket: Any = None

    async def open(self) -> Page:
        self.cookie = await asyncio.to_thread(self._fetch_index)
        await self._connect()
        return await self.run([])

    async def _connect(self) -> None:
        """The page's WebSocket, with the cookies this tab holds (as a browser sends them)."""
        stream = self.base_url.replace("http://", "ws://", 1).rstrip("/") + "/_stcore/stream"
        self._socket = await websockets.connect(
            stream,
            subprotocols=[Subprotocol("streamlit")],
            additional_headers={"Cookie": self.cookie} if self.cookie else {},
            max_size=None,
            open_timeout=30,
            local_addr=(self.source_ip, 0) if self.source_ip else None,
        )

    def _fetch_index(self) -> str:
        """GET / as a browser does first; keeps the balancer's cookie (nothing without a balancer)."""
        with urllib.request.urlopen(self.base_url.rstrip("/") + "/", timeout=30) as response:
            response.read()
            cookie = response.headers.get("Set-Cookie") or ""
        return cookie.split(";")[0]

    async def follow(self) -> Page:
        """Do what the browser does with the app's redirect after a login: fetch it, keep the
        session's cookie it sets, and load the app again on a new connection with that cookie."""
        url, self.redirect = self.redirect, ""
        cookies = await asyncio.to_thread(self._fetch_cookies, url)
        self.cookie = "; ".join(c for c in [self.cookie, *cookies] if c)
        await self.close()
        await self._connect()
        self.page_hash = ""
        return await self.run([])

    def _fetch_cookies(self, path: str) -> list[str]:
        """GET `path` without following its redirect; the cookies its answer sets (name=value)."""
        parts = urllib.parse.urlsplit(self.base_url)
        connection = http.client.HTTPConnection(
            parts.hostname or "127.0.0.1",
            parts.port or 80,
            timeout=30,
            source_address=(self.source_ip, 0) if self.source_ip else None,
        )
        try:
            connection.request("GET", path, headers={"Cookie": self.cookie} if self.cookie else {})
            answer = connection.getresponse()
            answer.read()
            return [value.split(";")[0] for key, value in answer.getheaders() if key.lower() == "set-cookie"]
        finally:
            connection.close()

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()
            self._socket = None

    async def go(self, url_path: str) -> Page:
        """Open another page of the app (the sidebar's link)."""
        if url_path not in self.pages:
            raise PageError(f"no page {url_path!r} for this user: {sorted(self.pages)}")
        self.page_hash = self.pages[url_path]
        return await self.run([])

    async def run(self, widgets: list[WidgetState]) -> Page:
        """Ask for a run with these widgets changed (a click is a trigger) and wait until the app
        has finished, through any reruns and page switches it makes."""
        message = BackMsg()
        message.rerun_script.query_string = self.query_string
        message.rerun_script.page_script_hash = self.page_hash
        message.rerun_script.widget_states.widgets.extend(widgets)
        started = time.perf_counter()
        await self._socket.send(message.SerializeToString())
        return await self._until_finished(started)

    async def _until_finished(self, started: float) -> Page:
        received = 0
        deltas: list[ForwardMsg] = []
        while True:
            try:
                raw = await asyncio.wait_for(self._socket.recv(), RUN_TIMEOUT_SECONDS)
            except (TimeoutError, websockets.ConnectionClosed) as broken:
                raise PageError(f"stream: {type(broken).__name__}") from None
            received += len(raw)
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                deltas = []
            elif kind == "delta":
                deltas.append(msg)
                element = msg.delta.new_element
                if (
                    msg.delta.WhichOneof("type") == "new_element"
                    and element.WhichOneof("type") == "exception"
                ):
                    raise PageError(f"exception on the page: {element.exception.message[:200]}")
            elif kind == "navigation":
                self.pages = {p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages}
                self.page_hash = msg.navigation.page_script_hash
            elif kind == "page_not_found":
                raise PageError("page not found")
            elif kind == "auth_redirect":
                self.redirect = msg.auth_redirect.url
            elif kind == "ref_hash":
                raise PageError("a cached-message reference this client never asked for")
            elif kind == "script_finished":
                status = msg.script_finished
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                    raise PageError("the script failed to compile")
                if status == ForwardMsg.FINISHED_SUCCESSFULLY:
                    tree = parse_tree_from_messages(deltas)
                    return Page(tree, time.perf_counter() - started, received, self.page_hash)
                # FINISHED_EARLY_FOR_RERUN: st.rerun / st.switch_page; the next run follows


def typed(widget: Any, value: Any) -> WidgetState:
    """The state a browser sends after the user set `widget` to `value`."""
    return widget.set_value(value)._widget_state  # type: ignore[no-any-return]


def clicked(button: Any) -> WidgetState:
    return button.click()._widget_state  # type: ignore[no-any-return]
