"""A real OpenID Connect provider for the sign-on tests, run as its own process:
`python -m tests.oidc_provider --port P --client-id C --client-secret S --redirect-uri R`.

It does what a province's provider does for ZoneRisk: discovery, a JWKS, the authorization-code
flow with PKCE (S256 required, the verifier checked at the token endpoint), a login form, and ID
tokens signed RS256 with iss, aud, exp, iat, nonce, sub and email. The tests can ask it, through
POST /_test/fault, to misbehave on the next tokens the way a broken or hostile provider would:
another audience, another issuer, an expired token, a signature by a key it never published.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import html
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import uvicorn
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

PEOPLE = {
    "zoneboard": {"sub": "vneid-zoneboard-0001", "email": "kcn@bacgiang.gov.vn", "email_verified": True},
    "ict": {"sub": "vneid-ict-0002", "email": "tttt@bacgiang.gov.vn", "email_verified": True},
    "stranger": {"sub": "vneid-stranger-0666", "email": "someone@example.vn", "email_verified": True},
}
FAULTS = ("", "wrong_aud", "wrong_iss", "expired", "bad_signature")


@dataclass
class _Grant:
    person: str
    nonce: str
    challenge: str
    redirect_uri: str
    until: float


class Provider:
    def __init__(self, issuer: str, client_id: str, client_secret: str, redirect_uri: str) -> None:
        self.issuer, self.client_id, self.client_secret = issuer, client_id, client_secret
        self.redirect_uri = redirect_uri
        self.key = RSAKey.generate_key(
            2048, parameters={"kid": "province-2026", "use": "sig", "alg": "RS256"}
        )
        # a key with the same id that the provider never published: a forged signature
        self.forger = RSAKey.generate_key(2048, parameters={"kid": "province-2026", "alg": "RS256"})
        self.grants: dict[str, _Grant] = {}
        self.fault = ""

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/.well-known/openid-configuration", self.discovery),
                Route("/jwks", self.jwks),
                Route("/authorize", self.authorize_form, methods=["GET"]),
                Route("/authorize", self.authorize, methods=["POST"]),
                Route("/token", self.token, methods=["POST"]),
                Route("/_test/fault", self.set_fault, methods=["POST"]),
            ]
        )

    async def discovery(self, _request: Request) -> Response:
        return JSONResponse(
            {
                "issuer": self.issuer,
                "authorization_endpoint": self.issuer + "/authorize",
                "token_endpoint": self.issuer + "/token",
                "jwks_uri": self.issuer + "/jwks",
                "response_types_supported": ["code"],
                "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "code_challenge_methods_supported": ["S256"],
                "token_endpoint_auth_methods_supported": ["client_secret_post"],
                "scopes_supported": ["openid", "email", "profile"],
            }
        )

    async def jwks(self, _request: Request) -> Response:
        return JSONResponse(KeySet([self.key]).as_dict(private=False))

    def _check_request(self, values: dict[str, str]) -> str | None:
        if values.get("client_id") != self.client_id:
            return "unknown client"
        if values.get("redirect_uri") != self.redirect_uri:
            return "redirect_uri not registered"
        if values.get("response_type") != "code" or "openid" not in values.get("scope", "").split():
            return "not an OpenID code request"
        if values.get("code_challenge_method") != "S256" or not values.get("code_challenge"):
            return "PKCE (S256) required"
        if not values.get("nonce") or not values.get("state"):
            return "state and nonce required"
        return None

    async def authorize_form(self, request: Request) -> Response:
        values = dict(request.query_params)
        problem = self._check_request(values)
        if problem:
            return HTMLResponse(f"<h1>invalid_request</h1><p>{html.escape(problem)}</p>", status_code=400)
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
            for k, v in values.items()
        )
        return HTMLResponse(
            "<!doctype html><title>Cổng định danh tỉnh Bắc Giang</title><h1>Cổng định danh tỉnh</h1>"
            f'<form method="post" action="/authorize">{hidden}'
            '<label>Tài khoản <input name="person" autocomplete="username"></label>'
            "<button type=submit>Xác nhận</button></form>"
        )

    async def authorize(self, request: Request) -> Response:
        values = {k: str(v) for k, v in (await request.form()).items()}
        problem = self._check_request(values)
        person = values.get("person", "")
        if problem or person not in PEOPLE:
            return HTMLResponse(
                f"<h1>access_denied</h1><p>{html.escape(problem or 'unknown person')}</p>", 400
            )
        code = secrets.token_urlsafe(24)
        self.grants[code] = _Grant(
            person, values["nonce"], values["code_challenge"], values["redirect_uri"], time.time() + 60
        )
        return RedirectResponse(
            values["redirect_uri"] + "?" + urlencode({"code": code, "state": values["state"]}),
            status_code=302,
        )

    async def token(self, request: Request) -> Response:
        form = {k: str(v) for k, v in (await request.form()).items()}
        grant = self.grants.pop(form.get("code", ""), None)  # a code is spent on its first use
        if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        if grant is None or grant.until < time.time() or form.get("redirect_uri") != grant.redirect_uri:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != grant.challenge:
            return JSONResponse({"error": "invalid_grant", "error_description": "PKCE"}, status_code=400)
        return JSONResponse(
            {
                "access_token": secrets.token_urlsafe(24),
                "token_type": "Bearer",
                "expires_in": 300,
                "id_token": self._id_token(grant),
            }
        )

    def _id_token(self, grant: _Grant) -> str:
        now = int(time.time())
        person = PEOPLE[grant.person]
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "nonce": grant.nonce,
            **person,
        }
        if self.fault == "wrong_aud":
            claims["aud"] = "another-system"
        elif self.fault == "wrong_iss":
            claims["iss"] = "https://impostor.example"
        elif self.fault == "expired":
            claims["iat"], claims["exp"] = now - 3600, now - 1800
        key = self.forger if self.fault == "bad_signature" else self.key
        return jwt.encode({"alg": "RS256", "kid": "province-2026"}, claims, key)

    async def set_fault(self, request: Request) -> Response:
        fault = (await request.json()).get("fault", "")
        if fault not in FAULTS:
            return JSONResponse({"error": f"unknown fault {fault}"}, status_code=400)
        self.fault = fault
        return JSONResponse({"fault": fault})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--client-id", required=True)
    parser.add_argument("--client-secret", required=True)
    parser.add_argument("--redirect-uri", required=True)
    options = parser.parse_args()
    issuer = f"http://localhost:{options.port}"
    provider = Provider(issuer, options.client_id, options.client_secret, options.redirect_uri)
    uvicorn.run(provider.app(), host="127.0.0.1", port=options.port, log_level="warning")


if __name__ == "__main__":
    main()
