"""Webhook deliveries: a JSON body POSTed to the receiver's address, signed so that the receiver
can tell it came from ZoneRisk and was not replayed.

The signature follows the scheme receivers already know from Stripe and Standard Webhooks: header
`ZoneRisk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>`. The
timestamp is signed with the body, so a captured delivery replayed later fails the receiver's
tolerance check (`verify`, five minutes by default) even though its signature is genuine."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

from app.notify.channels import Delivery, Outgoing, PermanentFailure, TemporaryFailure

SIGNATURE_HEADER = "ZoneRisk-Signature"
TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(
    secret: str, header: str, body: bytes, now: float | None = None, tolerance: int = TOLERANCE_SECONDS
) -> bool:
    """What a receiver checks: the signature is ours and recent."""
    try:
        parts = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((now if now is not None else time.time()) - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


@dataclass
class WebhookChannel:
    """Sends each message's body to its recipient (the subscription's address), signed with the
    secret of the subscription named in its values. 2xx is delivered; 408, 429 and 5xx or no
    answer are tried again later; any other answer is a refusal for good."""

    secret_of: Callable[[str], str | None]
    timeout: float = 5.0
    name: str = "webhook"
    clock: Callable[[], float] = time.time
    _http: requests.Session = field(default_factory=requests.Session)

    def send(self, message: Outgoing) -> Delivery:
        secret = self.secret_of(message.values.get("subscription", ""))
        if secret is None:
            raise PermanentFailure("the subscription was removed")
        body = message.body.encode()
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "ZoneRisk-Webhook/1",
            "ZoneRisk-Event": message.template,
            "ZoneRisk-Delivery": message.dedup_key,
            SIGNATURE_HEADER: signature(secret, int(self.clock()), body),
        }
        try:
            answer = self._http.post(message.recipient, data=body, headers=headers, timeout=self.timeout)
        except requests.RequestException as error:
            raise TemporaryFailure(f"{type(error).__name__}: {error}"[:300]) from None
        if 200 <= answer.status_code < 300:
            return Delivery(provider_id=f"HTTP {answer.status_code}")
        if answer.status_code in (408, 429) or answer.status_code >= 500:
            raise TemporaryFailure(f"HTTP {answer.status_code}")
        raise PermanentFailure(f"HTTP {answer.status_code}")

    def close(self) -> None:
        self._http.close()
