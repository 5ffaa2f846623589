"""Who calls: the bearer token's client, its rate budget, and the trace of every call.

The trace is written by an ASGI middleware after the last byte has gone, so a streamed export is
recorded with the rows it really sent and the status it really ended with."""

from __future__ import annotations

from typing import Annotated, Any

import anyio
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.problems import RateLimited, ReadOnlyClient
from app.services.context import Actor
from app.services.integration import clients
from app.services.integration.clients import ClientView

bearer = HTTPBearer(
    auto_error=False, description="Mã truy cập do quản trị viên cấp / a token issued by an admin"
)


def calling_client(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> ClientView:
    token = credentials.credentials if credentials is not None else ""
    client = clients.authenticate(token)
    request.state.client = client
    request.state.rows = [0]
    retry_after = clients.take_call(client)
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
                await anyio.to_thread.run_sync(
                    lambda: clients.record_call(client, scope["method"], endpoint, status, rows)
                )
