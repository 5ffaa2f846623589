"""Real servers for the channel adapters to talk to: an SMTP server (aiosmtpd) that keeps what it
receives and can require a login, and an HTTP gateway that records each request and answers as a
test tells it (200, 4xx, 5xx, a time-out), deduplicating by the key the sender passes on."""

from __future__ import annotations

import json
import socket
import threading
from collections import deque
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Mailbox:
    messages: list[EmailMessage] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)  # recipients answered 550

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"


class SmtpServer:
    def __init__(self, user: str = "", password: str = "") -> None:
        self.box = Mailbox()
        self.port = free_port()
        params: dict[str, Any] = {}
        if user:

            def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
                ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
                    user.encode(),
                    password.encode(),
                )
                return AuthResult(success=ok, handled=False)

            params = {"authenticator": check, "auth_required": True, "auth_require_tls": False}
        self.controller = Controller(self.box, hostname="127.0.0.1", port=self.port, **params)

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


class Gateway:
    """An SMS / Zalo gateway on localhost. `answers` is a queue of what to answer next: an int
    status, "timeout" (no answer until the gateway stops: the caller's own timeout must end the wait,
    however slow the machine), or a dict or list to send with 200; empty means 200 with an id."""

    def __init__(self, zalo: bool = False) -> None:
        self.requests: list[dict[str, Any]] = []
        self.answers: deque[int | str | dict[str, Any] | list[Any]] = deque()
        self.delivered: dict[str, str] = {}  # deduplication key → id: a repeat is not delivered twice
        self.zalo = zalo
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as a real gateway
            wbufsize = 1 << 16  # headers and body leave in one segment, not two that wait on an ACK

            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                key = self.headers.get("Idempotency-Key") or body.get("tracking_id") or ""
                with gateway.lock:
                    gateway.requests.append({"headers": dict(self.headers), "body": body})
                    answer = gateway.answers.popleft() if gateway.answers else None
                if answer == "timeout":
                    gateway.stopped.wait()
                    return
                if isinstance(answer, int):
                    self._reply(answer, {"error": "test says no"})
                    return
                if isinstance(answer, dict | list):
                    self._reply(200, answer)
                    return
                with gateway.lock:
                    message_id = gateway.delivered.setdefault(key, f"m{len(gateway.delivered) + 1}")
                self._reply(
                    200, {"error": 0, "data": {"msg_id": message_id}} if gateway.zalo else {"id": message_id}
                )

            def _reply(self, status: int, payload: Any) -> None:
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"

    def __enter__(self) -> Gateway:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        self.server.shutdown()
        self.server.server_close()
