"""HMAC signatures that name their key, so that keys can be rotated without breaking every printed
report or open session at once: a token is `<key id>.<signature>`, and it verifies with the current
key or, during its grace period, the previous one (`ZONERISK_PREVIOUS_SECRET_KEY`)."""

from __future__ import annotations

import base64
import hashlib
import hmac

from app.config import get_settings


def _mac(secret: bytes, purpose: str, message: str) -> str:
    digest = hmac.new(secret, f"{purpose}:{message}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode().rstrip("=")


def sign(purpose: str, message: str) -> str:
    """A token for `message`; `purpose` keeps a session signature from passing as a report's."""
    key = get_settings().signing_key()
    return f"{key.key_id}.{_mac(key.secret, purpose, message)}"


def verify(purpose: str, message: str, token: object) -> bool:
    if not isinstance(token, str) or token.count(".") != 1 or len(token) > 100:
        return False
    wanted_id, signature = token.split(".")
    key = get_settings().verification_keys().get(wanted_id)
    if key is None:
        return False
    return hmac.compare_digest(_mac(key.secret, purpose, message), signature)
