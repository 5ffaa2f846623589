"""/auth/oidc/…: OpenID Connect's authorization-code flow with PKCE against the province's provider.

Why our own two endpoints rather than `st.login`: `st.login` puts the provider's claims in its own
cookie and knows nothing of our accounts, sessions or audit; a person must first be registered by
an admin (app.services.accounts.signon), and the session must be ours (ended by logout, an admin, a
password policy) like a password login's. Authlib does the protocol (PKCE, the code exchange) and
joserfc the ID token's checks (signature by the provider's JWKS, issuer, audience, expiry, nonce).

The flow's state (state, nonce, PKCE verifier, where to go back) rides in a short-lived signed,
HttpOnly cookie rather than in one replica's memory, so the callback works on any replica; behind
nginx the replica cookie keeps it on the same one anyway.
"""

from __future__ import annotations

import base64
import json
import logging
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import requests
from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from app.config import get_settings
from app.services.accounts import auth, signon
from app.services.documents import signing
from app.web.cookies import BROWSER_COOKIE, SESSION_COOKIE, SIGN_ON_COOKIE, drop_cookie, safe_next, set_cookie

_log = logging.getLogger("zonerisk.signon")
FLOW_SECONDS = 600
LEEWAY_SECONDS = 60
_TIMEOUT = 10
_METADATA_SECONDS = 600
_metadata: dict[str, tuple[float, dict[str, Any]]] = {}


class SignOnFailed(Exception):
    """The provider's answer is not one to trust: logged for the operator, one sentence for the user."""


def _provider_metadata(issuer: str) -> dict[str, Any]:
    cached = _metadata.get(issuer)
    if cached and time.monotonic() - cached[0] < _METADATA_SECONDS:
        return cached[1]
    answer = requests.get(issuer.rstrip("/") + "/.well-known/openid-configuration", timeout=_TIMEOUT)
    answer.raise_for_status()
    metadata: dict[str, Any] = answer.json()
    if metadata.get("issuer") != issuer:  # OIDC Discovery 4.3: the document must name its issuer
        raise SignOnFailed(f"discovery names issuer {metadata.get('issuer')!r}, not {issuer!r}")
    _metadata[issuer] = (time.monotonic(), metadata)
    return metadata


def _callback_url() -> str:
    return get_settings().effective_public_url() + "/auth/oidc/callback"


def _client() -> OAuth2Session:
    settings = get_settings()
    return OAuth2Session(
        settings.oidc_client_id,
        settings.oidc_client_secret,
        scope=settings.oidc_scopes,
        redirect_uri=_callback_url(),
        code_challenge_method="S256",
        token_endpoint_auth_method="client_secret_post",
    )


@dataclass(frozen=True)
class _Flow:
    state: str
    nonce: str
    verifier: str
    next: str
    started: float


def _sealed(flow: _Flow) -> str:
    """The flow as a cookie value: base64url JSON (a cookie may not hold quotes or commas) and its
    signature, so that nobody can hand the callback a verifier or a `next` of their own."""
    raw = json.dumps(flow.__dict__, separators=(",", ":")).encode()
    body = base64.urlsafe_b64encode(raw).decode().rstrip("=")  # no "=": a cookie would be quoted
    return body + "." + signing.sign("sign-on", body)


def _opened(raw: str | None) -> _Flow | None:
    if not raw or "." not in raw:
        return None
    body, _, signature = raw.partition(".")  # base64url has no dot; the signature has one
    if not signing.verify("sign-on", body, signature):
        return None
    try:
        flow = _Flow(**json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))))
    except (TypeError, ValueError):
        return None
    return flow if time.time() - flow.started <= FLOW_SECONDS else None


def begin(request: Request) -> Response:
    """GET /auth/oidc/login?next=…: off to the provider, with PKCE and a nonce."""
    settings = get_settings()
    if not settings.sso_enabled:
        return RedirectResponse("/?notice=sso_off", status_code=303)
    metadata = _provider_metadata(settings.oidc_issuer)
    flow = _Flow(
        state=generate_token(32),
        nonce=generate_token(32),
        verifier=generate_token(64),
        next=safe_next(request.query_params.get("next")),
        started=time.time(),
    )
    url, _state = _client().create_authorization_url(
        metadata["authorization_endpoint"], state=flow.state, nonce=flow.nonce, code_verifier=flow.verifier
    )
    response = RedirectResponse(url, status_code=302)
    set_cookie(response, request, SIGN_ON_COOKIE, _sealed(flow), FLOW_SECONDS)
    return response


def verified_claims(id_token: str, *, nonce: str, now: float | None = None) -> dict[str, Any]:
    """The ID token's claims once its signature (the provider's published keys), issuer, audience,
    expiry and nonce hold; SignOnFailed otherwise. OIDC Core 3.1.3.7."""
    settings = get_settings()
    metadata = _provider_metadata(settings.oidc_issuer)
    keys = requests.get(metadata["jwks_uri"], timeout=_TIMEOUT)
    keys.raise_for_status()
    try:
        token = jwt.decode(
            id_token, KeySet.import_key_set(keys.json()), algorithms=["RS256", "ES256", "PS256"]
        )
        jwt.JWTClaimsRegistry(
            now=int(now or time.time()),
            leeway=LEEWAY_SECONDS,
            iss={"essential": True, "value": settings.oidc_issuer},
            aud={"essential": True, "value": settings.oidc_client_id},
            sub={"essential": True},
            exp={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(token.claims)
    except (JoseError, ValueError) as refused:
        raise SignOnFailed(f"ID token refused: {type(refused).__name__}: {refused}") from refused
    azp = token.claims.get("azp")
    if azp is not None and azp != settings.oidc_client_id:
        raise SignOnFailed("ID token issued to another client (azp)")
    return dict(token.claims)


def _exchange(request: Request, flow: _Flow) -> signon.Identity:
    settings = get_settings()
    if request.query_params.get("state") != flow.state:
        raise SignOnFailed("state does not match")
    if "error" in request.query_params:
        raise SignOnFailed(f"provider said {request.query_params.get('error')}")
    metadata = _provider_metadata(settings.oidc_issuer)
    tokens = _client().fetch_token(
        metadata["token_endpoint"],
        code=request.query_params.get("code", ""),
        code_verifier=flow.verifier,
        timeout=_TIMEOUT,
    )
    id_token = tokens.get("id_token")
    if not isinstance(id_token, str):
        raise SignOnFailed("no ID token in the provider's answer")
    claims = verified_claims(id_token, nonce=flow.nonce)
    return signon.Identity(
        issuer=settings.oidc_issuer,
        subject=str(claims["sub"]),
        email=str(claims.get("email") or ""),
        email_verified=claims.get("email_verified") is True,
    )


async def callback(request: Request) -> Response:
    """GET /auth/oidc/callback: the code traded for tokens, the ID token checked, the person looked
    up among those an admin registered; a session and its cookie, or a sentence why not."""
    flow = _opened(request.cookies.get(SIGN_ON_COOKIE))
    if flow is None:
        return _refused(request, "link_expired")
    try:
        identity = await run_in_threadpool(_exchange, request, flow)
    except (SignOnFailed, requests.RequestException, ValueError, KeyError) as failure:
        _log.warning("sign-on refused: %s", failure)  # for the operator; the user reads one sentence
        return _refused(request, "sso_failed")
    client = auth.client_from(
        request.client.host if request.client else None,
        request.headers.get("x-forwarded-for"),
        get_settings().trust_proxy,
    )
    started = await run_in_threadpool(
        signon.sign_in,
        identity,
        client=client,
        user_agent=request.headers.get("user-agent", ""),
        browser=request.cookies.get(BROWSER_COOKIE),
    )
    if started is None:
        return _refused(request, "sso_unknown")
    # the same hand-off as a password login: /auth/session sets the cookie and goes on to `next`
    response = RedirectResponse(
        "/auth/session?" + urlencode({"code": started.handoff, "next": flow.next}), status_code=303
    )
    drop_cookie(response, request, SIGN_ON_COOKIE)
    return response


def _refused(request: Request, notice: str) -> Response:
    response = RedirectResponse("/?" + urlencode({"notice": notice}), status_code=303)
    drop_cookie(response, request, SIGN_ON_COOKIE)
    drop_cookie(response, request, SESSION_COOKIE)
    return response


def routes() -> list[Route]:
    return [
        Route("/auth/oidc/login", begin, methods=["GET"]),
        Route("/auth/oidc/callback", callback, methods=["GET"]),
    ]
