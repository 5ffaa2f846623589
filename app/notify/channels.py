"""The channels a reminder travels on, behind one small interface: `send(message) -> Delivery`,
raising `TemporaryFailure` (try again later) or `PermanentFailure` (this message can never go:
a bad number, a refused address) or `ConfigurationError` (the settings are wrong: nothing goes on
this channel until an operator fixes them). Each is a real client of its protocol: SMTP (stdlib smtplib,
STARTTLS and login when configured) and the JSON-over-HTTP of the SMS gateway and of Zalo ZNS.

Every message carries its deduplication key to the other side (SMTP Message-ID, an
`Idempotency-Key` header, Zalo's `tracking_id`), so a message re-sent after a crash between
"sent" and "recorded" is recognised there as the same one."""

from __future__ import annotations

import contextlib
import http.client
import json
import smtplib
import ssl
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any, Final, Protocol
from urllib.parse import urlsplit

CHANNELS: Final = ("email", "sms", "zalo")

# Headers unfolded up to RFC 5322's 998 characters: CPython 3.11's folder splits a long Vietnamese
# subject into encoded words at a space and drops that space ("quá hạn" arrived as "quáhạn").
UNFOLDED = policy.SMTP.clone(max_line_length=998)


@dataclass(frozen=True)
class Outgoing:
    channel: str
    recipient: str  # an email address, or a phone number in E.164
    subject: str
    body: str
    dedup_key: str
    template: str = ""
    values: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Delivery:
    provider_id: str


class TemporaryFailure(Exception):
    """The other side could not take it now (time-out, 5xx, 429, a refused login): retry later."""


class PermanentFailure(Exception):
    """The other side refused this message for good (4xx, a bad number or address): no retry."""


class ConfigurationError(Exception):
    """The channel's settings are wrong (no STARTTLS at the relay, a refused login): not a
    temporary failure, since retrying changes nothing. The message names the setting to fix."""


class Channel(Protocol):
    name: str

    def send(self, message: Outgoing) -> Delivery: ...

    def close(self) -> None: ...


@dataclass
class EmailChannel:
    host: str
    port: int
    sender: str
    username: str = ""
    password: str = ""
    starttls: bool = False
    timeout: float = 20.0
    name: str = "email"
    _smtp: smtplib.SMTP | None = None

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            where = f"{self.host}:{self.port}"
            try:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password)
            except smtplib.SMTPAuthenticationError as error:
                raise ConfigurationError(
                    f"the SMTP relay {where} refused the login ({error.smtp_code} "
                    f"{_text(error.smtp_error)}): check ZONERISK_SMTP_USER and ZONERISK_SMTP_PASSWORD"
                ) from None
            except smtplib.SMTPNotSupportedError as error:
                setting = (
                    "ZONERISK_SMTP_STARTTLS=false for a trusted local relay, or a relay that offers it"
                    if "STARTTLS" in str(error)
                    else "ZONERISK_SMTP_USER empty, or a relay that offers AUTH"
                )
                raise ConfigurationError(f"the SMTP relay {where} says: {error} Set {setting}.") from None
            except ssl.SSLError as error:
                raise ConfigurationError(
                    f"TLS with the SMTP relay {where} failed ({error}): check ZONERISK_SMTP_HOST "
                    "and its certificate, or ZONERISK_SMTP_STARTTLS"
                ) from None
            except (OSError, smtplib.SMTPException) as error:
                raise TemporaryFailure(f"SMTP {self.host}:{self.port}: {error}") from None
            self._smtp = smtp
        return self._smtp

    def send(self, message: Outgoing) -> Delivery:
        email = EmailMessage(policy=UNFOLDED)
        email["From"] = self.sender
        email["To"] = message.recipient
        email["Subject"] = one_line(message.subject)  # a line break in a header would be refused
        email["Date"] = formatdate(localtime=False)
        email["Message-ID"] = f"<{message.dedup_key.replace(':', '.')}@zonerisk>"  # an RFC 5322 id
        email.set_content(message.body)
        smtp = self._connection()
        try:
            refused = smtp.send_message(email)
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = next(iter(error.recipients.values()))
            failure = PermanentFailure if code >= 500 else TemporaryFailure
            raise failure(f"SMTP refused {message.recipient}: {code} {_text(reply)}") from None
        except smtplib.SMTPResponseException as error:
            self.close()
            failure = PermanentFailure if error.smtp_code >= 500 else TemporaryFailure
            raise failure(f"SMTP {error.smtp_code} {_text(error.smtp_error)}") from None
        except (OSError, smtplib.SMTPException) as error:
            self.close()
            raise TemporaryFailure(f"SMTP: {error}") from None
        if refused:
            raise PermanentFailure(f"SMTP refused {message.recipient}")
        return Delivery(email["Message-ID"])

    def close(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self._smtp.quit()
            self._smtp = None


def one_line(text: str) -> str:
    """A header value: line breaks and other control characters become spaces."""
    return " ".join("".join(" " if ord(c) < 32 or c == "\x7f" else c for c in text).split())


def _field(payload: Any, *names: str) -> str:
    """A field of a gateway's answer, whatever shape the answer took (a list, a string)."""
    if isinstance(payload, dict):
        for name in names:
            if payload.get(name):
                return str(payload[name])[:200]
    return ""


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


@dataclass
class _Http:
    """One kept-alive HTTP(S) connection to a gateway, reopened after an error."""

    url: str
    timeout: float
    _connection: http.client.HTTPConnection | None = None

    def post(self, body: dict[str, Any], headers: dict[str, str]) -> tuple[int, Any]:
        parts = urlsplit(self.url)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        if self._connection is None:
            kind = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
            self._connection = kind(parts.hostname or "localhost", parts.port, timeout=self.timeout)
        data = json.dumps(body, ensure_ascii=False).encode()
        try:
            self._connection.request(
                "POST", path, data, {"Content-Type": "application/json; charset=utf-8", **headers}
            )
            response = self._connection.getresponse()
            raw = response.read()
        except (TimeoutError, OSError, http.client.HTTPException) as error:
            self.close()
            raise TemporaryFailure(f"{parts.hostname}: {error or type(error).__name__}") from None
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        try:
            payload = json.loads(raw) if raw else {}
        except ValueError:
            payload = {"raw": raw[:200].decode("utf-8", "replace")}
        return response.status, payload

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def _by_status(status: int, payload: Any) -> None:
    if 200 <= status < 300:
        return
    detail = f"HTTP {status}: {json.dumps(payload, ensure_ascii=False)[:300]}"
    if status in (408, 425, 429) or status >= 500:
        raise TemporaryFailure(detail)
    raise PermanentFailure(detail)


@dataclass
class SmsGateway:
    """A JSON SMS gateway: POST {to, text, sender, reference} with a bearer token; answers
    {"id": …}. Vietnamese brand-name SMS gateways take this shape or a thin variant of it."""

    url: str
    token: str
    sender: str = "ZoneRisk"
    timeout: float = 10.0
    name: str = "sms"

    def __post_init__(self) -> None:
        self._http = _Http(self.url, self.timeout)

    def send(self, message: Outgoing) -> Delivery:
        status, payload = self._http.post(
            {
                "to": message.recipient,
                "text": message.body,
                "sender": self.sender,
                "reference": message.dedup_key,
            },
            {"Authorization": f"Bearer {self.token}", "Idempotency-Key": message.dedup_key},
        )
        _by_status(status, payload)
        return Delivery(_field(payload, "id", "message_id"))

    def close(self) -> None:
        self._http.close()


# Zalo ZNS answers HTTP 200 with its own error codes; these say the message can never go
ZALO_PERMANENT: Final = frozenset({-108, -109, -118, -119, -124, -131, -139})


@dataclass
class ZaloZns:
    """Zalo Notification Service: POST {phone, template_id, template_data, tracking_id} with the
    OA's `access_token` header; answers {"error": 0, "data": {"msg_id": …}}. The phone is written
    84… without the plus, as ZNS wants it."""

    url: str
    token: str
    template_ids: dict[str, str]
    timeout: float = 10.0
    name: str = "zalo"

    def __post_init__(self) -> None:
        self._http = _Http(self.url, self.timeout)

    def send(self, message: Outgoing) -> Delivery:
        template_id = self.template_ids.get(message.template)
        if not template_id:
            raise PermanentFailure(f"no Zalo template id for {message.template!r} (ZONERISK_ZALO_TEMPLATES)")
        status, payload = self._http.post(
            {
                "phone": message.recipient.lstrip("+"),
                "template_id": template_id,
                "template_data": message.values,
                "tracking_id": message.dedup_key,
            },
            {"access_token": self.token},
        )
        _by_status(status, payload)
        try:
            error = int(payload.get("error", 0)) if isinstance(payload, dict) else 0
        except (TypeError, ValueError):
            raise PermanentFailure(f"Zalo answered {json.dumps(payload, ensure_ascii=False)[:200]}") from None
        if error:
            detail = f"Zalo error {error}: {_field(payload, 'message')}"
            raise (PermanentFailure if error in ZALO_PERMANENT else TemporaryFailure)(detail)
        return Delivery(_field(payload.get("data") if isinstance(payload, dict) else None, "msg_id"))

    def close(self) -> None:
        self._http.close()
