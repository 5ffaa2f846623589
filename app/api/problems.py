"""Errors as RFC 9457 problem details (`application/problem+json`), worded in the caller's
language (Accept-Language; Vietnamese first) with both languages kept in `detail_vi`/`detail_en`."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.routing import Match

from app.assessment.answers import InvalidAnswers
from app.services.errors import Conflict, Forbidden, Invalid, NotFound, ServiceError
from app.services.integration.clients import Unauthenticated

MEDIA_TYPE = "application/problem+json"
log = logging.getLogger("zonerisk.api")


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after


class ReadOnlyClient(Exception):
    pass


def _words(error: ServiceError) -> tuple[str, str]:
    return error.vi, error.en


def language(request: Request) -> str:
    """The caller's first language among ours: English only when asked before Vietnamese."""
    for part in request.headers.get("accept-language", "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("en"):
            return "en"
        if tag.startswith("vi"):
            return "vi"
    return "vi"


TITLES = {
    400: ("Yêu cầu không hợp lệ", "Bad request"),
    401: ("Chưa xác thực", "Unauthorized"),
    403: ("Không được phép", "Forbidden"),
    404: ("Không tìm thấy", "Not found"),
    405: ("Phương thức không được hỗ trợ", "Method not allowed"),
    409: ("Xung đột", "Conflict"),
    422: ("Dữ liệu không hợp lệ", "Unprocessable content"),
    429: ("Quá nhiều yêu cầu", "Too many requests"),
    500: ("Lỗi máy chủ", "Internal server error"),
}


def problem(
    request: Request,
    status: int,
    slug: str,
    vi: str,
    en: str,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    lang = language(request)
    title_vi, title_en = TITLES.get(status, TITLES[400] if status < 500 else TITLES[500])
    body: dict[str, Any] = {
        "type": f"urn:zonerisk:problem:{slug}",
        "title": title_en if lang == "en" else title_vi,
        "status": status,
        "detail": en if lang == "en" else vi,
        "detail_vi": vi,
        "detail_en": en,
        "instance": request.url.path,
    }
    if errors:
        body["errors"] = errors
    return JSONResponse(
        body, status_code=status, media_type=MEDIA_TYPE, headers={"Content-Language": lang, **(headers or {})}
    )


def _service_error(request: Request, error: ServiceError) -> JSONResponse:
    status = 422
    if isinstance(error, Unauthenticated):
        return problem(
            request, 401, "unauthorized", error.vi, error.en, headers={"WWW-Authenticate": "Bearer"}
        )
    if isinstance(error, Forbidden):
        status = 404 if error.key == "scope.not_in_scope" else 403  # outside the scope: as if absent
    elif isinstance(error, NotFound):
        status = 404
    elif isinstance(error, Conflict):
        status = 409
    errors = []
    if isinstance(error, Invalid):
        lang = language(request)
        errors = [{"field": f, "message": m} for f, m in error.problems_in(lang)]
        if not errors and error.field:
            errors = [{"field": error.field, "message": error.text(lang)}]
    slug = (error.key or type(error).__name__.lower()).replace("_", "-")
    return problem(request, status, slug, error.vi, error.en, errors)


def _serves(route: Any, request: Request) -> bool:
    if not hasattr(route, "methods") or not route.methods:
        return False
    match, _ = route.matches({**request.scope, "method": next(iter(route.methods))})
    return bool(match == Match.FULL)


def install(app: FastAPI) -> None:
    @app.exception_handler(ServiceError)
    async def service_error(request: Request, error: ServiceError) -> JSONResponse:
        return _service_error(request, error)

    @app.exception_handler(InvalidAnswers)
    async def invalid_answers(request: Request, error: InvalidAnswers) -> JSONResponse:
        lang = language(request)
        errors = [{"field": p.input_id, "message": p.text(lang)} for p in error.problems]
        vi, en = "Câu trả lời không hợp lệ; chưa có gì được ghi.", "Invalid answers; nothing was written."
        return problem(request, 422, "invalid-answers", vi, en, errors)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, error: RequestValidationError) -> JSONResponse:
        errors = [
            {"field": ".".join(str(part) for part in e.get("loc", ())), "message": str(e.get("msg", ""))}
            for e in error.errors()
        ]
        vi, en = _words(ServiceError.said("api.invalid_request"))
        return problem(request, 422, "invalid-request", vi, en, errors)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> JSONResponse:
        title_vi, title_en = TITLES.get(error.status_code, ("Lỗi", "Error"))
        if error.status_code == 405:  # every method the address takes, not only its first route's
            served = [
                getattr(route, "methods", None) or set() for route in app.routes if _serves(route, request)
            ]
            allowed = sorted({method for methods in served for method in methods})
            return problem(request, 405, "http", title_vi, title_en, headers={"Allow": ", ".join(allowed)})
        if error.status_code == 404:
            title_vi, title_en = _words(ServiceError.said("api.not_found"))
        return problem(
            request, error.status_code, "http", title_vi, title_en, headers=dict(error.headers or {})
        )

    @app.exception_handler(RateLimited)
    async def rate_limited(request: Request, error: RateLimited) -> JSONResponse:
        vi, en = _words(ServiceError.said("clients.rate_limited", seconds=error.retry_after))
        return problem(request, 429, "rate-limited", vi, en, headers={"Retry-After": str(error.retry_after)})

    @app.exception_handler(ReadOnlyClient)
    async def read_only(request: Request, error: ReadOnlyClient) -> JSONResponse:
        vi, en = _words(ServiceError.said("clients.read_only"))
        return problem(request, 403, "read-only-client", vi, en)

    @app.exception_handler(Exception)
    async def server_error(request: Request, error: Exception) -> JSONResponse:
        log.exception("API error on %s", request.url.path)
        vi, en = _words(ServiceError.said("api.server_error"))
        return problem(request, 500, "server-error", vi, en)
