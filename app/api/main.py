"""The API application: routes, problem details, and the call trace."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from app.api import problems, routes
from app.api.schemas import ProblemDetails
from app.api.security import TRACE, CallRecorder

PROBLEM_STATUSES = {
    "400": "Thân yêu cầu không đọc được / a body that cannot be read",
    "401": "Thiếu mã, mã sai, hết hạn hoặc bị thu hồi / no token, or an unknown, expired or revoked one",
    "403": "Ngoài quyền của ứng dụng / beyond the client's rights",
    "404": "Không có, hoặc ngoài phạm vi / absent, or outside the client's scope",
    "409": "Xung đột / conflict",
    "422": "Yêu cầu không hợp lệ / invalid request",
    "429": "Quá giới hạn; xem Retry-After / over the rate limit; see Retry-After",
    "500": "Lỗi máy chủ / server error",
}

DESCRIPTION = """\
**ZoneRisk API** cho các hệ thống khác của tỉnh: kỳ đánh giá, doanh nghiệp và mức nguy cơ hiện tại,
bản nộp (điểm, mức, điểm tiêu chí, dấu hiệu), tình hình nộp theo khu vực, hiệu quả đôn đốc, số liệu
báo cáo Chủ tịch UBND tỉnh; doanh nghiệp nộp bản tự đánh giá; đăng ký nhận sự kiện (webhook).
Xác thực bằng `Authorization: Bearer <mã truy cập>` do quản trị viên cấp. Lỗi theo RFC 9457.

For the province's other systems: rounds, companies with their current risk level, submissions
(score, level, criteria points, flags), filing per area, reminders' effect, the chairman's report as
figures; a company's system may file its assessment; webhooks. Authenticate with
`Authorization: Bearer <token>` issued by an admin. Errors are RFC 9457 problem details.
Pages: pass the answer's `next` as `cursor`. Webhooks are signed: `ZoneRisk-Signature: t=<unix>,v1=<hex
HMAC-SHA256 of "<t>.<body>">` with the subscription's secret.
"""


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    yield
    TRACE.flush()  # the last calls' trace, before the process goes


def create_app() -> FastAPI:
    app = FastAPI(
        lifespan=_lifespan,
        title="ZoneRisk API",
        version="1.0.0",
        description=DESCRIPTION,
        openapi_url="/api/v1/openapi.json",
        docs_url="/api/v1/docs",
        redoc_url=None,
    )
    problems.install(app)
    app.include_router(routes.router)

    @app.get("/api/v1/health", include_in_schema=False)
    def health() -> dict[str, str]:
        return {"status": "ok"}

    app.add_middleware(CallRecorder)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's document, with every error answer declared as what it is: RFC 9457 problem
    details as `application/problem+json` (FastAPI would declare its own 422 body, which this API
    never sends)."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    components["ProblemDetails"] = ProblemDetails.model_json_schema(
        ref_template="#/components/schemas/{model}"
    )
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/ProblemDetails"}}}
    for operations in schema["paths"].values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, words in PROBLEM_STATUSES.items():
                responses[status] = {"description": words, "content": problem}
            if "429" in responses:
                responses["429"]["headers"] = {"Retry-After": {"schema": {"type": "integer"}}}
    app.openapi_schema = schema
    return schema
