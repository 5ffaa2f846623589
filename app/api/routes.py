"""The endpoints. Each opens the one unit of work its call runs in and hands it to the services,
which hold the scope rules: a handler only reads the request and shapes the answer."""

from __future__ import annotations

import base64
import binascii
import csv
import dataclasses
import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Query, Request, Response
from fastapi import Path as InPath
from fastapi.responses import StreamingResponse

from app import identifiers, yaml_text
from app.api import schemas
from app.api.problems import language
from app.api.security import Client, Writer, count_rows
from app.safe_text import spreadsheet_cell
from app.services.context import snapshot, unit_of_work
from app.services.documents import chairman_reports
from app.services.errors import Invalid
from app.services.integration import filing, reads, webhooks
from app.services.periods import list_periods
from app.services.reminding import reminder_effect


def known_parameters_only(request: Request) -> None:
    """A query parameter the endpoint does not know is refused, not ignored: `?levle=high` would
    otherwise return every level, and the caller would never learn of the typo."""
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    known: set[str] = set()
    waiting = [dependant]
    while waiting:  # the endpoint's own parameters and those of its dependencies
        current = waiting.pop()
        known.update(p.alias for p in current.query_params)
        waiting.extend(current.dependencies)
    unknown = sorted(set(request.query_params) - known)
    if unknown:
        raise Invalid.said("api.unknown_parameter", names=", ".join(unknown) or '""', field="query")


router = APIRouter(prefix="/api/v1", dependencies=[Depends(known_parameters_only)])
REGIME = Path(__file__).parents[1] / "data" / "reporting_regime.yaml"

Limit = Annotated[int, Query(ge=1, le=reads.MAX_PAGE, description="Số dòng mỗi trang / rows per page")]
Cursor = Annotated[
    str | None, Query(description="Con trỏ `next` của trang trước / the previous page's `next`")
]
Area = Annotated[
    str | None, Query(min_length=1, max_length=40, description="Mã KCN hoặc huyện / zone or district id")
]
Level = Annotated[str | None, Query(min_length=1, max_length=20, description="Mức nguy cơ / risk level id")]
ISO_MOMENT = (
    r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])[T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?"
    r"(Z|[+-]([01]\d|2[0-3]):[0-5]\d)?$"
)
Id = Annotated[int, InPath(ge=1, le=2**31 - 1)]
Since = Annotated[
    str | None,
    Query(
        pattern=ISO_MOMENT,
        description="Chỉ những dòng thay đổi từ lúc này (ISO 8601, mặc định UTC) / "
        "only rows changed since (ISO 8601; UTC when no offset is given)",
    ),
]

RoundId = Annotated[int | None, Query(alias="round", ge=1, le=2**31 - 1, description="Mã kỳ / round id")]


def _cursor(after: int | None) -> str | None:
    return None if after is None else base64.urlsafe_b64encode(f"v1:{after}".encode()).decode().rstrip("=")


def _after(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, value = text.split(":", 1)
        after = int(value)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise Invalid.said("api.bad_cursor", field="cursor") from None
    if kind != "v1" or not 0 <= after < 2**63:
        raise Invalid.said("api.bad_cursor", field="cursor")
    return after


def _utc(moment: str | datetime | None) -> datetime | None:
    if moment is None:
        return None
    if isinstance(moment, str):
        try:
            moment = datetime.fromisoformat(moment)
        except ValueError:  # matched the pattern, yet no such moment (a 30 February)
            raise Invalid.said("api.bad_moment", field="updated_since") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


@router.get("/rounds", response_model=schemas.Rounds, summary="Các kỳ đánh giá / assessment rounds")
def rounds(request: Request, client: Client) -> dict[str, Any]:
    with snapshot() as session:
        found = list_periods(client.actor, session=session)
    count_rows(request, len(found))
    return {
        "items": [
            {
                "id": r.id,
                "name": r.name,
                "ruleset": r.ruleset_id,
                "ruleset_version": r.ruleset_version,
                "opens_on": r.opens_on.isoformat(),
                "due_on": r.due_on.isoformat(),
                "due_at": _utc(r.due_at).isoformat(),  # type: ignore[union-attr]
                "closed": r.closed,
            }
            for r in found
        ]
    }


@router.get(
    "/companies",
    response_model=schemas.CompanyPage,
    summary="Doanh nghiệp và mức nguy cơ hiện tại / companies with their current level",
)
def companies(
    request: Request,
    client: Client,
    limit: Limit = 100,
    cursor: Cursor = None,
    area: Area = None,
    level: Level = None,
    updated_since: Since = None,
) -> dict[str, Any]:
    with snapshot() as session:
        items, after = reads.companies(
            client.actor,
            after=_after(cursor),
            limit=limit,
            area=area,
            level=level,
            updated_since=_utc(updated_since),
            session=session,
        )
    count_rows(request, len(items))
    return {"items": items, "next": _cursor(after)}


@router.get("/companies/{tax_code}", response_model=schemas.Company, summary="Một doanh nghiệp / one company")
def company(request: Request, client: Client, tax_code: str) -> dict[str, Any]:
    try:
        tax_code = identifiers.tax_code(tax_code)  # 13 digits or hyphenated: the stored form
    except identifiers.BadTaxCode as bad:
        vi, en = str(bad).split(" / ", 1)
        raise Invalid(vi, en, field="tax_code") from None
    with snapshot() as session:
        item = reads.company(client.actor, tax_code, session=session)
    count_rows(request, 1)
    return item


@router.get(
    "/submissions",
    response_model=schemas.SubmissionPage,
    summary="Bản nộp: điểm, mức, điểm tiêu chí, dấu hiệu / submissions: score, level, criteria, flags",
)
def submissions(
    request: Request,
    client: Client,
    limit: Limit = 100,
    cursor: Cursor = None,
    round_id: RoundId = None,
    area: Area = None,
    level: Level = None,
    updated_since: Since = None,
    latest: Annotated[
        bool, Query(description="Chỉ bản nộp hiện hành / only the submissions that count")
    ] = False,
) -> dict[str, Any]:
    with snapshot() as session:
        items, after = reads.submissions(
            client.actor,
            after=_after(cursor),
            limit=limit,
            round_id=round_id,
            area=area,
            level=level,
            updated_since=_utc(updated_since),
            latest_only=latest,
            session=session,
        )
    count_rows(request, len(items))
    return {"items": items, "next": _cursor(after)}


CSV_COLUMNS = [
    "id",
    "tax_code",
    "company",
    "area",
    "round_id",
    "round",
    "status",
    "is_latest",
    "submitted_at",
    "updated_at",
    "total",
    "max_total",
    "risk_index",
    "level",
    "may_operate",
    "ruleset",
    "ruleset_version",
    "criteria",
    "flags",
]


def _line(item: dict[str, Any]) -> str:
    """One NDJSON line; the criteria's JSON text, cut out by the database, is written as it is."""
    criteria = item.pop("criteria")
    head = json.dumps(item, ensure_ascii=False, separators=(",", ":"))
    return f'{head[:-1]},"criteria":{criteria}}}\n'


def _ndjson(chunks: Iterator[list[dict[str, Any]]], request: Request) -> Iterator[bytes]:
    for chunk in chunks:
        count_rows(request, len(chunk))
        yield "".join(map(_line, chunk)).encode()


def _cell(value: Any) -> Any:
    """A CSV cell Excel will not run: company-typed text that begins like a formula is kept text
    (`safe_text.spreadsheet_cell`), and booleans are written as the JSON export writes them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return spreadsheet_cell(value) if isinstance(value, str) else value


def _csv(chunks: Iterator[list[dict[str, Any]]], request: Request) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    yield ("\ufeff" + buffer.getvalue()).encode()  # BOM: Excel opens Vietnamese CSV as UTF-8
    for chunk in chunks:
        buffer.seek(0)
        buffer.truncate()
        count_rows(request, len(chunk))
        writer.writerows(
            [
                *(_cell(item[c]) for c in CSV_COLUMNS[:-2]),
                item["criteria"],  # JSON text already
                ";".join(f"{f['rule']}:{f['severity']}" for f in item["flags"]),
            ]
            for item in chunk
        )
        yield buffer.getvalue().encode()


@router.get(
    "/export/submissions",
    summary="Tất cả bản nộp, truyền dần / every submission, streamed (NDJSON or CSV)",
    responses={200: {"content": {"application/x-ndjson": {}, "text/csv": {}}}},
)
def export_submissions(
    request: Request,
    client: Client,
    format: Annotated[Literal["ndjson", "csv"], Query(description="ndjson | csv")] = "ndjson",
    round_id: RoundId = None,
    area: Area = None,
    level: Level = None,
    updated_since: Since = None,
    latest: bool = False,
) -> StreamingResponse:
    chunks = reads.export_submissions(
        client.actor,
        round_id=round_id,
        area=area,
        level=level,
        updated_since=_utc(updated_since),
        latest_only=latest,
    )
    if format == "csv":
        return StreamingResponse(
            _csv(chunks, request),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="submissions.csv"'},
        )
    return StreamingResponse(_ndjson(chunks, request), media_type="application/x-ndjson")


@router.get(
    "/rounds/{round_id}/filing",
    response_model=schemas.FilingStatus,
    summary="Tình hình nộp theo khu vực / filing per area: expected, on time, late, missing",
)
def filing_status(request: Request, client: Client, round_id: Id) -> dict[str, Any]:
    with snapshot() as session:
        status = reads.filing_status(client.actor, round_id, session=session)
    count_rows(request, len(status["areas"]))
    return status


@router.get(
    "/rounds/{round_id}/reminders",
    response_model=schemas.ReminderEffect,
    summary="Hiệu quả đôn đốc / what the reminders achieved",
)
def reminders(request: Request, client: Client, round_id: Id) -> dict[str, Any]:
    with snapshot() as session:
        effect = reminder_effect.effect(client.actor, round_id, session=session)
    count_rows(request, 1)
    return {"round_id": round_id, **dataclasses.asdict(effect)}


@cache
def regime() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml_text.load(REGIME.read_text(encoding="utf-8"))
    return schemas.ReportingRegime.model_validate(loaded).model_dump()


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return _iso(value)


@router.get(
    "/reports/chairman",
    response_model=schemas.ChairmanFigures,
    summary="Số liệu báo cáo Chủ tịch UBND tỉnh / the chairman's report as figures",
)
def chairman(request: Request, client: Client, round_id: RoundId = None) -> dict[str, Any]:
    with snapshot() as session:
        report = chairman_reports.chairman_report(client.actor, round_id, language(request), session=session)
        rounds = {r.name: r.id for r in list_periods(client.actor, session=session)}
    count_rows(request, 1)
    figures = _jsonable(report)
    figures.pop("heading", None)
    return {
        "regime": regime(),
        "round_id": rounds.get(report.period_name, round_id or 0),
        "round": report.period_name,
        "report": figures,
    }


@router.post(
    "/submissions",
    response_model=schemas.Filed,
    status_code=201,
    summary="Doanh nghiệp nộp bản tự đánh giá / a company files its assessment",
    responses={200: {"model": schemas.Filed, "description": "Đã nộp trước đó / filed before with this key"}},
)
def file_submission(
    request: Request,
    response: Response,
    client: Writer,
    body: schemas.FilingRequest,
    idempotency_key: Annotated[str, Header(alias="Idempotency-Key", min_length=1, max_length=64)],
) -> dict[str, Any]:
    with unit_of_work(write=True) as session:
        filed = filing.file_assessment(
            client.actor, body.round_id, body.answers, idempotency_key, session=session
        )
    count_rows(request, 1)
    if filed.replayed:
        response.status_code = 200
    s = filed.submission
    return {
        "id": s.id,
        "round_id": s.period_id,
        "status": s.status,
        "total": s.total,
        "max_total": s.max_total,
        "risk_index": s.risk_index,
        "level": s.level,
        "may_operate": s.may_operate,
        "verify_url": filed.verify_url,
        "replayed": filed.replayed,
    }


def _subscription(view: webhooks.SubscriptionView) -> dict[str, Any]:
    return {
        "id": view.id,
        "url": view.url,
        "events": list(view.events),
        "created_at": view.created_at.isoformat(),
    }


@router.get(
    "/webhooks", response_model=schemas.Subscriptions, summary="Đăng ký nhận sự kiện / webhook subscriptions"
)
def list_webhooks(client: Client) -> dict[str, Any]:
    with snapshot() as session:
        return {"items": [_subscription(v) for v in webhooks.subscriptions(client, session=session)]}


@router.post(
    "/webhooks",
    response_model=schemas.NewSubscription,
    status_code=201,
    summary="Đăng ký nhận sự kiện / subscribe to events (the secret is shown once)",
)
def subscribe(client: Client, body: schemas.SubscriptionRequest) -> dict[str, Any]:
    with unit_of_work(write=True) as session:
        view, secret = webhooks.subscribe(client, body.url, body.events, session=session)
    return _subscription(view) | {"secret": secret}


@router.delete("/webhooks/{subscription_id}", status_code=204, summary="Huỷ đăng ký / unsubscribe")
def unsubscribe(client: Client, subscription_id: Id) -> Response:
    with unit_of_work(write=True) as session:
        webhooks.unsubscribe(client, subscription_id, session=session)
    return Response(status_code=204)
