"""Who calls: the bearer token's client, its rate budget, and the trace of every call.

The trace is written by an ASGI middleware after the last byte has gone, so a streamed export is
recorded with the rows it really sent and the status it really ended with."""

from __future__ import annotations

import logging
import threading
import time
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.problems import RateLimited, ReadOnlyClient
from app.services.context import Actor
from app.services.integration import clients
from app.services.integration.clients import ClientView
from db.models import utcnow

log = logging.getLogger("zonerisk.api")

bearer = HTTPBearer(
    auto_error=False, description="Mã truy cập do quản trị viên cấp / a token issued by an admin"
)


def calling_client(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> ClientView:
    token = credentials.credentials if credentials is not None else ""
    client, retry_after = clients.admit(token)
    request.state.client = client
    request.state.rows = [0]
    if retry_after is not None:
        raise RateLimited(retry_after)
    return client


Client = Annotated[ClientView, Depends(calling_client)]


def writer(client: Client) -> ClientView:
    if not client.can_write:
        raise ReadOnlyClient()
    return client


Writer = Annotated[ClientView, Depends(writer)]


def actor_of(client: ClientView) -> Actor:
    return client.actor


def count_rows(request: Request, rows: int) -> None:
    request.state.rows[0] += rows


class Trace:
    """The calls waiting to be written: a thread writes them every `every` seconds in one
    transaction, and `flush` writes what is left (at shutdown, and in tests before they read)."""

    def __init__(self, every: float = 0.25) -> None:
        self.every = every
        self.pending: list[clients.Call] = []
        self.lock = threading.Lock()  # guards `pending`
        self.writing = threading.Lock()  # one flush at a time
        self.thread: threading.Thread | None = None

    def add(self, call: clients.Call) -> None:
        with self.lock:
            self.pending.append(call)
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="zonerisk-call-trace", daemon=True)
                self.thread.start()

    def flush(self) -> None:
        """Write what is pending; when it returns, every call added before it is committed (a
        flush already writing is waited for, so the calls land in the order they were made)."""
        with self.writing:
            with self.lock:
                taken, self.pending = self.pending, []
            if taken:
                try:
                    clients.record_calls(taken)
                except Exception:  # the database is away: keep them for the next try
                    log.exception("API call trace not written; kept for the next try")
                    with self.lock:
                        self.pending[:0] = taken

    def _run(self) -> None:
        while True:
            time.sleep(self.every)
            self.flush()


TRACE = Trace()


class CallRecorder:
    """Records each authenticated call (client, method, endpoint, status, rows) once it is over."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            state: dict[str, Any] = scope.get("state") or {}
            client = state.get("client")
            if client is not None:
                route = scope.get("route")
                endpoint = getattr(route, "path", None) or scope.get("path", "")
                rows = int((state.get("rows") or [0])[0])
                TRACE.add(clients.Call(client.id, scope["method"], endpoint, status, rows, utcnow()))
